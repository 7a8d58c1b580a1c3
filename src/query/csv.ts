import type { Cell } from './answer.js';

/**
 * RFC 4180 CSV: a header line, CRLF line ends, a field quoted when it holds
 * a comma, a quote, CR or LF (or leading/trailing space), quotes doubled.
 * A text field starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
 * (OWASP, CSV injection): archive strings are hostile, and a spreadsheet
 * would run them as formulas.
 */
export function toCsv(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  let out = '';
  writeCsv(columns, rows, (text) => (out += text));
  return out;
}

/**
 * The same CSV, handed to `write` in pieces of about CHUNK characters that
 * end at a line end: a year's answer (megabytes) is never one string, so
 * it is never copied whole to be flattened, checked or encoded.
 */
export function writeCsv(columns: readonly string[], rows: readonly (readonly Cell[])[], write: (text: string) => void): void {
  let out = `${columns.map(csvField).join(',')}\r\n`;
  for (const fields of rows) {
    // Most lines need nothing done to any field: joined as they are (null as empty), checked once.
    const plain = fields.join(',');
    out += `${isPlainLine(plain, columns.length) ? plain : fields.map(csvField).join(',')}\r\n`;
    if (out.length >= CHUNK) {
      write(out);
      out = '';
    }
  }
  write(out);
}

const CHUNK = 1 << 16;

/**
 * Whether a line joined from `count` fields holds each field as csvField
 * would write it: no field gained a comma (the line has exactly count - 1),
 * none holds a quote, CR or LF, none starts with a formula character or
 * white space, none ends with white space.
 */
function isPlainLine(line: string, count: number): boolean {
  if (RISKY_IN_LINE.test(line)) return false;
  let commas = 0;
  for (let at = line.indexOf(','); at >= 0; at = line.indexOf(',', at + 1)) commas++;
  return commas === count - 1;
}

const RISKY_IN_LINE = /["\r\n]|(?:^|,)[=+\-@\s]|\s(?:,|$)/;

export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  if (isPlain(value) || !RISKY.test(value)) return value;
  const text = FORMULA.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The common, harmless field, told without a regular expression over both
 * ends: it starts with a letter, a digit or `.`/`/`-like ASCII that is not
 * `=`, `+`, `-`, `@` or white space, ends with visible ASCII, and holds no
 * quote, comma, CR or LF.
 */
function isPlain(value: string): boolean {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first > 32 && first < 127 && first !== 61 && first !== 43 && first !== 45 && first !== 64 && last > 32 && last < 127 && !SPECIAL.test(value);
}

const SPECIAL = /[",\r\n]/;

/** Anything that may need a quote or a defused formula: one test for the common, harmless field. */
const RISKY = /^[=+\-@\s]|[",\r\n]|\s$/;
const FORMULA = /^[=+\-@\t\r]/;
/** A comma, a quote, CR or LF anywhere, or white space at either end. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
