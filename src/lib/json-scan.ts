import type { NormalizeProblemCode, Problem } from '../types.js';
import type { Limits } from './limits.js';

/** Where a top-level member's array lies in the bytes, and where each of its elements does. */
export interface ArrayMember {
  key: string;
  /** Offsets of the `[` and of the `]` that close the array. */
  open: number;
  close: number;
  /** Element i spans starts[i] (its first byte) up to ends[i] (the `,` or `]` after it). */
  starts: number[];
  ends: number[];
}

export interface JsonLayout {
  /** Top-level members whose value is an array, in document order. */
  arrays: ArrayMember[];
}

/* The byte classes below are shared with the chunked scanner (normalize/scan-stream.ts). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COMMA = 0x2c;

/** A document with more top-level arrays than this is parsed whole (the layout would cost more than it saves). */
export const MAX_MEMBERS = 1024;

export const OTHER = 0;
export const STRING = 1;
export const OPEN = 2;
export const CLOSE = 3;
export const SEPARATOR = 4;

/** What each byte means to the scan outside strings; most bytes mean nothing. */
export const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[QUOTE] = STRING;
BYTE_KIND[OPEN_BRACE] = OPEN;
BYTE_KIND[OPEN_BRACKET] = OPEN;
BYTE_KIND[CLOSE_BRACE] = CLOSE;
BYTE_KIND[CLOSE_BRACKET] = CLOSE;
BYTE_KIND[COMMA] = SEPARATOR;

/** JSON whitespace. */
export function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * One pass over JSON bytes: nesting depth and the length of every open array
 * are checked against the limits (a problem at the first crossed), and, when
 * `layout` is asked for and the document is an object, the byte spans of its
 * top-level arrays and of their elements are recorded, so that a large
 * document can be parsed one slice at a time. Syntax errors are not
 * reported here: JSON.parse reports them, and a layout of invalid JSON
 * never parses.
 */
export function scanJson(bytes: Uint8Array, limits: Limits, layout: boolean): { problem?: Problem<NormalizeProblemCode>; layout?: JsonLayout } {
  const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts: number[] = [];
  const isArray: boolean[] = [];
  const arrays: ArrayMember[] = [];
  let recording = layout;
  let depth = 0;
  // At depth 1 of the top-level object: the last key read, and whether the next string is a key.
  let key: string | undefined;
  let expectKey = false;
  let member: ArrayMember | undefined;
  const n = view.length;
  /** The first byte of the next element from `from` on (or -1 when the array closes first): where a recorded element starts. */
  const nextElement = (from: number): number => {
    let k = from;
    while (k < n && isSpace(view[k]!)) k++;
    return k < n && view[k] !== CLOSE_BRACKET ? k : -1;
  };
  for (let i = 0; i < n; i++) {
    const kind = BYTE_KIND[view[i]!]!;
    if (kind === OTHER) continue;
    if (kind === STRING) {
      const end = endOfString(view, i);
      if (end < 0) return {}; // Unterminated string: JSON.parse says so.
      if (recording && depth === 1 && expectKey) {
        try {
          key = JSON.parse(view.toString('utf8', i, end)) as string;
        } catch {
          recording = false;
        }
        expectKey = false;
      }
      i = end - 1;
    } else if (kind === OPEN) {
      depth++;
      if (depth > limits.maxDepth) {
        return { problem: { code: 'json-too-deep', path: '', message: `JSON nesting deeper than the limit of ${limits.maxDepth}` } };
      }
      const opensArray = view[i] === OPEN_BRACKET;
      isArray[depth] = opensArray;
      counts[depth] = 1;
      if (recording) {
        if (depth === 1) {
          if (opensArray)
            recording = false; // A top-level array: nothing to split.
          else expectKey = true;
        } else if (depth === 2 && opensArray && key !== undefined) {
          if (arrays.length >= MAX_MEMBERS) recording = false;
          else {
            member = { key, open: i, close: -1, starts: [], ends: [] };
            const start = nextElement(i + 1);
            if (start >= 0) member.starts.push(start);
          }
        }
      }
    } else if (kind === CLOSE) {
      if (member && depth === 2) {
        if (member.starts.length > member.ends.length) member.ends.push(i);
        member.close = i;
        arrays.push(member);
        member = undefined;
      }
      if (depth > 0) depth--;
    } else {
      // A comma.
      if (depth > 0 && isArray[depth]) {
        const count = (counts[depth] ?? 0) + 1;
        counts[depth] = count;
        if (count > limits.maxArrayLength) {
          return { problem: { code: 'json-array-too-long', path: '', message: `a JSON array has more than ${limits.maxArrayLength} elements` } };
        }
      }
      if (recording && depth === 1) {
        expectKey = true;
        key = undefined;
      } else if (member && depth === 2) {
        member.ends.push(i);
        // An element right after the comma, or (broken JSON) none: the slice then fails to parse.
        const start = nextElement(i + 1);
        member.starts.push(start >= 0 ? start : i + 1);
      }
    }
  }
  return recording ? { layout: { arrays } } : {};
}

/** The shape limits alone, for documents parsed whole. */
export function checkJsonShape(bytes: Uint8Array, limits: Limits): Problem<NormalizeProblemCode> | undefined {
  return scanJson(bytes, limits, false).problem;
}

/**
 * Index just past the quote that closes the string opening at `open`, or -1.
 * A plain loop: measured faster than the native search, whose per-call cost
 * outweighs its speed on the short strings most of a document is made of.
 */
function endOfString(view: Buffer, open: number): number {
  const n = view.length;
  let k = open + 1;
  for (;;) {
    while (k < n && view[k] !== QUOTE) k++;
    if (k >= n) return -1;
    let backslashes = 0;
    for (let j = k - 1; j > open && view[j] === BACKSLASH; j--) backslashes++;
    if ((backslashes & 1) === 0) return k + 1;
    k++;
  }
}
