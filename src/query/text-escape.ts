/**
 * Make an archive string safe to print on a terminal line: control
 * characters (C0, DEL, C1), line and paragraph separators and bidirectional
 * overrides become visible escapes (`\n`, `\u{1b}`), and a backslash is
 * doubled so that an escape cannot be forged. A name with a newline cannot
 * start a line of its own, an escape sequence cannot recolour or erase one.
 *
 * Temporary: src/lib/escape.ts (being written elsewhere) is to replace this.
 */
export function escapeText(value: string): string {
  return value.replace(UNSAFE, (c) => NAMED[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** A backslash, control characters (C0, DEL, C1), line and paragraph separators, bidirectional controls. */
const UNSAFE = /[\\\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/gu;
const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
