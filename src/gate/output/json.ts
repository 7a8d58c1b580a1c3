import type { GateReport } from '../report.js';

/** The whole report, for machines. */
export function renderJson(report: GateReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
