import { subjectText, type GateReport } from '../report.js';
import type { RuleStatus } from '../rules/result.js';
import { escapeText } from '../../lib/escape.js';
import { failuresFirst } from './order.js';

const ICON: Record<RuleStatus, string> = { fail: '❌', error: '⛔', warn: '⚠️', pass: '✅' };

/** GitHub-flavoured Markdown for a CI job summary (`>> $GITHUB_STEP_SUMMARY`). */
export function renderMarkdown(report: GateReport): string {
  const title =
    report.outcome === 'pass'
      ? '✅ custody gate passed'
      : report.outcome === 'fail'
        ? '❌ custody gate failed'
        : '⛔ custody gate could not obtain the evidence';
  const lines = [
    `### ${title}: \`${code(subjectText(report))}\``,
    '',
    `Policy \`${code(report.policy.path)}\` · evidence ${report.source.type === 'bundle' ? 'from bundle' : 'collected from'} \`${code(report.source.location)}\` · ${report.evaluatedAt}`,
    '',
    '| | Rule | Platform | Mode | Reason |',
    '|---|---|---|---|---|',
    ...failuresFirst(report.results).map(
      (r) => `| ${ICON[r.status]} ${r.status} | ${cell(r.rule)} | ${cell(r.platform ?? '')} | ${r.mode} | ${cell(r.reason)} |`,
    ),
  ];
  if (report.warnings.length > 0) {
    lines.push('', '**Warnings**', '', ...report.warnings.map((w) => `- ${cell(w)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Table-safe text: one line, pipes escaped, no HTML. */
function cell(text: string): string {
  return escapeText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return escapeText(text).replace(/`/g, "'");
}
