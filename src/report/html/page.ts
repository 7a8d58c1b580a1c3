import type { AuditReport } from '../model.js';
import { CONTENT_SECURITY_POLICY, SCRIPT, STYLE } from './assets.js';
import { html, trusted } from './markup.js';
import { contents, coverage, days, digests, header, inventory, policy, summary, trends, verdict } from './sections.js';

/**
 * The report as one self-contained HTML page: no network, no external
 * script, font or style; readable from file:// and printable; complete
 * without JavaScript (the inline script only sorts tables).
 */
export function renderAuditHtml(report: AuditReport): string {
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${report.tool.name} ${report.tool.version}">
<title>custody report: ${report.source.path}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
${header(report)}
${verdict(report)}
${contents(report)}
${summary(report)}
${trends(report)}
${coverage(report)}
${days(report)}
${policy(report)}
${inventory(report)}
${digests(report)}
<footer><p>Made by <code>custody report</code>, which verified the archive before reading it. The report's own sha256 is printed when it is written; <code>sha256sum</code> of this file must match it. The same content, for machines: <code>custody report PATH --json</code>.</p></footer>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}
