/**
 * The page's own style and script: constants, never archive data. The
 * Content-Security-Policy names them by hash, so nothing else can run or
 * style the page, and nothing can be fetched (default-src 'none').
 */
import { createHash } from 'node:crypto';

export const STYLE = `
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --bg-pass: #dafbe1; --bg-fail: #ffebe9; --bg-warn: #fff8c5; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1240px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; word-break: break-all; }
p.meta, .muted { color: var(--muted); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.verdict { border: 2px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.verdict.pass { border-color: var(--pass); background: var(--bg-pass); }
.verdict.fail { border-color: var(--fail); background: var(--bg-fail); }
.verdict h2 { border: 0; margin: 0 0 8px; }
.verdict dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.verdict dt { font-weight: 600; }
.verdict dd { margin: 0; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; overflow-wrap: normal; }
td.wrap { word-break: break-all; }
td.image { min-width: 14em; max-width: 22em; overflow-wrap: anywhere; }
td.date, td.nowrap { white-space: nowrap; }
.status-pass, .status-ok, .status-verified, .status-valid { color: var(--pass); font-weight: 600; }
.status-fail, .status-failed, .status-error, .status-invalid { color: var(--fail); font-weight: 600; }
.status-warn, .status-incomplete, .status-unchecked, .status-unverified, .status-notchecked { color: var(--warn); font-weight: 600; }
ul.compact { margin: 0; padding-left: 16px; }
.chart { margin: 8px 0 20px; }
.chart figcaption { font-weight: 600; margin-bottom: 4px; }
.chart svg { width: 100%; height: auto; font-size: 11px; }
.chart .grid { stroke: #eaeef2; stroke-width: 1; }
.chart .tick, .chart .legend text { fill: var(--muted); }
.chart polyline { fill: none; stroke-width: 2; }
.chart .s1 { stroke: #0969da; fill: #0969da; }
.chart .s2 { stroke: #1a7f37; fill: #1a7f37; stroke-dasharray: 6 3; }
.chart .s3 { stroke: #8250df; fill: #8250df; stroke-dasharray: 2 3; }
.chart .s4 { stroke: #cf222e; fill: #cf222e; }
.chart .s5 { stroke: #bc4c00; fill: #bc4c00; stroke-dasharray: 6 3; }
.chart polyline.s1, .chart polyline.s2, .chart polyline.s3, .chart polyline.s4, .chart polyline.s5 { fill: none; }
.chart .legend line { stroke-width: 3; }
.bar-ok, .cell-all { fill: #2da44e; }
.cell-partial { fill: #d4a72c; }
.cell-none { fill: #afb8c1; }
.bar-incomplete, .cell-incomplete { fill: #bc4c00; }
.bar-failed, .cell-failed { fill: #cf222e; }
th[data-sort] { cursor: pointer; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
footer { margin-top: 32px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; color: #000; }
  nav, .screen-only { display: none; }
  .verdict { background: none !important; }
  h2, h3 { break-after: avoid; }
  tr, figure, .verdict { break-inside: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
  th[data-sort] { cursor: auto; }
  th[aria-sort]::after { content: ""; }
}
`;

/**
 * Enhancement only: click a column header of a sortable table to sort it.
 * The page is complete without it.
 */
export const SCRIPT = `
(function () {
  function key(cell, numeric) {
    var value = cell ? (cell.getAttribute('data-value') || cell.textContent || '') : '';
    if (!numeric) return value.toLowerCase();
    var n = parseFloat(value);
    return isNaN(n) ? -Infinity : n;
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.querySelectorAll('thead th');
    Array.prototype.forEach.call(heads, function (th, index) {
      th.setAttribute('data-sort', th.classList.contains('num') ? 'num' : 'text');
      th.setAttribute('tabindex', '0');
      function sort() {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        var numeric = th.getAttribute('data-sort') === 'num';
        rows.sort(function (a, b) {
          var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sort(); } });
    });
  });
})();
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** No network, no plugin, no form, no base: only this style and this script. */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
