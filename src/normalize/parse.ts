import type { Problem } from '../types.js';
import type { Limits } from './limits.js';

export type Parsed =
  | { type: 'json'; value: unknown }
  | { type: 'text'; value: string }
  | { type: 'binary' }
  | { type: 'rejected'; problem: Problem; text?: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decode and, where the bytes look like JSON, parse them, refusing anything
 * beyond the limits before JSON.parse sees it. Never throws.
 */
export function parseEvidence(bytes: Uint8Array, limits: Limits, declaredJson: boolean): Parsed {
  if (bytes.length > limits.maxBytes) {
    return {
      type: 'rejected',
      problem: { code: 'too-large', path: '', message: `${bytes.length} bytes exceed the limit of ${limits.maxBytes}` },
    };
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    if (!declaredJson) return { type: 'binary' };
    return { type: 'rejected', problem: { code: 'json-invalid', path: '', message: 'not UTF-8 text, so not JSON' } };
  }
  const start = firstNonSpace(text);
  const looksJson = start === '{' || start === '[';
  if (!looksJson && !declaredJson) return { type: 'text', value: text };

  const shape = checkJsonShape(bytes, limits);
  if (shape) return { type: 'rejected', problem: shape, text };
  try {
    return { type: 'json', value: JSON.parse(text) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { type: 'rejected', problem: { code: 'json-invalid', path: '', message: `not valid JSON: ${reason}` }, text };
  }
}

function firstNonSpace(text: string): string | undefined {
  for (let i = 0; i < text.length && i < 4096; i++) {
    const c = text[i]!;
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t' && c !== '\uFEFF') return c;
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * One pass over the bytes, tracking nesting depth and the element count of
 * each open array outside strings. String contents are skipped with a native
 * search for the closing quote (most of an SBOM is string content), so the
 * pass costs a fraction of JSON.parse. Returns a problem at the first limit
 * crossed; syntax errors are left to JSON.parse.
 */
export function checkJsonShape(bytes: Uint8Array, limits: Limits): Problem | undefined {
  const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts: number[] = [];
  const isArray: boolean[] = [];
  let depth = 0;
  const n = view.length;
  let i = 0;
  while (i < n) {
    const b = view[i]!;
    if (b === QUOTE) {
      i = endOfString(view, i);
      if (i < 0) return undefined; // Unterminated string: JSON.parse says so.
      continue;
    }
    switch (b) {
      case OPEN_BRACE:
      case OPEN_BRACKET:
        depth++;
        if (depth > limits.maxDepth) {
          return { code: 'json-too-deep', path: '', message: `JSON nesting deeper than the limit of ${limits.maxDepth}` };
        }
        isArray[depth] = b === OPEN_BRACKET;
        counts[depth] = 1;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        if (depth > 0) depth--;
        break;
      case COMMA:
        if (depth > 0 && isArray[depth]) {
          const count = (counts[depth] ?? 0) + 1;
          counts[depth] = count;
          if (count > limits.maxArrayLength) {
            return { code: 'json-array-too-long', path: '', message: `a JSON array has more than ${limits.maxArrayLength} elements` };
          }
        }
        break;
      default:
        break;
    }
    i++;
  }
  return undefined;
}

/** Index just past the quote that closes the string opening at `open`, or -1. */
function endOfString(view: Buffer, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = view.indexOf(QUOTE, from);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let k = quote - 1; k > open && view[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}
