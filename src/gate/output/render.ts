import { writeFileAtomic } from '../../lib/atomic.js';
import type { GateReport } from '../report.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'junit', 'sarif', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(report: GateReport, format: ReportFormat): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'json':
      return renderJson(report);
    case 'junit':
      return renderJunit(report);
    case 'sarif':
      return renderSarif(report);
    case 'markdown':
      return renderMarkdown(report);
  }
}

/** Write a report file atomically (temporary file, fsync, rename): CI never reads half a report. */
export async function writeReport(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text);
}
