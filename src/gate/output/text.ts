import { shown } from '../../lib/escape.js';
import { table } from '../../lib/table.js';
import { subjectText, type GateReport } from '../report.js';
import { failuresFirst } from './order.js';

/** A short table, one line per rule (and platform), failures first. */
export function renderText(report: GateReport): string {
  const verdict = report.outcome === 'pass' ? 'PASS' : report.outcome === 'fail' ? 'FAIL' : 'ERROR';
  const lines = [
    `custody gate ${verdict}  ${shown`${subjectText(report)}  (policy ${report.policy.path}`}, ${report.source.type === 'bundle' ? 'bundle' : 'live'})`,
  ];
  const rows = failuresFirst(report.results).map((r) => [r.status.toUpperCase(), r.rule, r.platform ?? '-', r.mode, r.reason]);
  lines.push(table([['STATUS', 'RULE', 'PLATFORM', 'MODE', 'REASON'], ...rows]));
  for (const warning of report.warnings) lines.push(shown`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}
