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
  if (typeof value !== 'string') return String(value);
  if (!RISKY.test(value)) return value;
  const text = FORMULA.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Anything that may need a quote or a defused formula: one test for the common, harmless field. */
const RISKY = /^[=+\-@\s]|[",\r\n]|\s$/;
const FORMULA = /^[=+\-@\t\r]/;
/** A comma, a quote, CR or LF anywhere, or white space at either end. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
