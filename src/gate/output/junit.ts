import { blocks } from '../rules/result.js';
import { subjectText, type GateReport } from '../report.js';
import { escapeText } from '../../lib/escape.js';
import { resultName } from './order.js';
import { xmlEscape } from './xml.js';

/**
 * JUnit XML as CI servers read it (GitLab, Jenkins, GitHub test reporters):
 * one test case per rule and platform. A blocking failure is a <failure>, a
 * rule that could not be judged an <error>; a warn-mode finding passes with
 * its reason in <system-out>.
 */
export function renderJunit(report: GateReport): string {
  const tests = report.results.length;
  const failures = report.results.filter((r) => blocks(r) && r.status === 'fail').length;
  const errors = report.results.filter((r) => blocks(r) && r.status === 'error').length;
  const suite = `custody gate ${escapeText(subjectText(report))}`;
  const attrs = `tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="0"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="custody gate" ${attrs}>`,
    `  <testsuite name="${xmlEscape(suite)}" ${attrs} timestamp="${xmlEscape(report.evaluatedAt.replace(/\.\d+Z$/, 'Z'))}">`,
    '    <properties>',
    ...[
      ['outcome', report.outcome],
      ['image', escapeText(subjectText(report))],
      ['policy', escapeText(report.policy.path)],
      ['source', `${report.source.type} ${escapeText(report.source.location)}`],
    ].map(([name, value]) => `      <property name="${xmlEscape(name!)}" value="${xmlEscape(value!)}"/>`),
    '    </properties>',
  ];
  for (const result of report.results) {
    const open = `    <testcase classname="custody.gate.${xmlEscape(result.rule)}" name="${xmlEscape(resultName(result))}" time="0"`;
    const reason = escapeText(result.reason);
    const body = `${reason}\nmode: ${result.mode}\n${result.digest ? `digest: ${result.digest}\n` : ''}`;
    if (blocks(result)) {
      const tag = result.status === 'error' ? 'error' : 'failure';
      lines.push(`${open}>`, `      <${tag} message="${xmlEscape(reason)}" type="${xmlEscape(result.rule)}">${xmlEscape(body)}</${tag}>`, '    </testcase>');
    } else if (result.status !== 'pass') {
      lines.push(
        `${open}>`,
        `      <system-out>${xmlEscape(`${result.status.toUpperCase()} (mode ${result.mode}): ${reason}`)}</system-out>`,
        '    </testcase>',
      );
    } else {
      lines.push(`${open}/>`);
    }
  }
  if (report.warnings.length > 0) lines.push(`    <system-err>${xmlEscape(report.warnings.map(escapeText).join('\n'))}</system-err>`);
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
