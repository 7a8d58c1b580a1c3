import type { Cell } from './answer.js';

/**
 * RFC 4180 CSV: a header line, CRLF line ends, a field quoted when it holds
 * a comma, a quote, CR or LF (or leading/trailing space), quotes doubled.
 * A text field starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
 * (OWASP, CSV injection): archive strings are hostile, and a spreadsheet
 * would run them as formulas.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const lines = [columns.map(csvField), ...rows.map((row) => columns.map((c) => csvField(row[c] ?? null)))];
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

export function csvField(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
