import { table } from '../../cli/output.js';
import { subjectText, type GateReport } from '../report.js';
import { failuresFirst, singleLine } from './order.js';

/** A short table, one line per rule (and platform), failures first. */
export function renderText(report: GateReport): string {
  const verdict = report.outcome === 'pass' ? 'PASS' : report.outcome === 'fail' ? 'FAIL' : 'ERROR';
  const lines = [`custody gate ${verdict}  ${subjectText(report)}  (policy ${report.policy.path}, ${report.source.type === 'bundle' ? 'bundle' : 'live'})`];
  const rows = failuresFirst(report.results).map((r) => [r.status.toUpperCase(), r.rule, r.platform ?? '-', r.mode, singleLine(r.reason)]);
  lines.push(table([['STATUS', 'RULE', 'PLATFORM', 'MODE', 'REASON'], ...rows]));
  for (const warning of report.warnings) lines.push(`warning: ${singleLine(warning)}`);
  return `${lines.join('\n')}\n`;
}
