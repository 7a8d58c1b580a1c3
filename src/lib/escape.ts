/**
 * Hostile strings (file names, digests and annotations from a registry,
 * policy values, error messages quoting them) shown as text. A terminal or a
 * CI log must never receive a raw control character from them: a newline
 * forges a line, ESC drives the terminal, CR and U+2028 overwrite or split a
 * line, bidi controls reorder what the reader sees.
 */

/** C0 and C1 controls, DEL, line and paragraph separators, bidi marks, embeddings, overrides and isolates, lone surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;
/** UNSAFE but for a line feed, and a carriage return before one: what neutralizeControls may have to change. */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const MAYBE_UNSAFE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)|\p{Cs}/u;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/**
 * One line of plain text from any string: every unsafe character shown as an
 * escape (`\n`, `\r`, `\t`, `\x1b`, `\x9b`, `\u202e`). A backslash is left as
 * it is: doubling it would make every regular expression, Windows path and
 * quoted string in a message unreadable, and a literal `\n` in a name can
 * neither break a line nor move the cursor. `--json` is the exact channel.
 * The one function that text output uses for a value it did not write itself.
 */
export function escapeText(value: string): string {
  return value.replace(UNSAFE, (ch) => {
    const short = SHORT[ch];
    if (short !== undefined) return short;
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  });
}

/**
 * A template literal whose every interpolated value is escaped:
 * `` shown`OK  ${path}` ``. The literal parts are custody's own text.
 */
export function shown(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += escapeText(String(value)) + (strings[i + 1] ?? '');
  });
  return out;
}

/**
 * The last guard before bytes leave the process: text already formatted
 * keeps its line breaks, and any other unsafe character still in it (a value
 * a formatter forgot to escape, or a raw DEL, C1, U+2028 or bidi control
 * that JSON.stringify leaves as it is) becomes `\uXXXX`. Inside a JSON
 * string that is the same character, so JSON output stays equal; in text it
 * is visible. A carriage return is kept only as the first character of a
 * write (a redrawn progress bar) or before a line feed (CSV's CRLF).
 */
export function neutralizeControls(text: string): string {
  // Most output has nothing to change: one scan says so, without a call per line break (a year's CSV has 8,000 of them).
  if (!MAYBE_UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (ch, offset: number) =>
    ch === '\n' || (ch === '\r' && (offset === 0 || text[offset + 1] === '\n')) ? ch : `\\u${hex(ch.charCodeAt(0), 4)}`,
  );
}

/** Collapse a multi-line library message into one line (whitespace around line breaks becomes one space). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
