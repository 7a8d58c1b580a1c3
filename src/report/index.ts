/** custody report (issue 16): verify an archive, then one self-contained page (or JSON) an auditor reads. */
export { makeAuditReport, type AuditReportOptions } from './build.js';
export { renderAuditHtml } from './html/page.js';
export { renderAuditText } from './text.js';
export { writeAuditHtml } from './write.js';
export { escapeHtml } from './html/markup.js';
export { REPORT_FORMAT } from './model.js';
export type { AuditReport, DayRow, ImageRow, ImageCoverage, ImageVersion, InventoryRow, SealInfo, Verdict, GateSummary } from './model.js';
