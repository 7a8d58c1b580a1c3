import type { Problem } from '../types.js';
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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A document with more top-level arrays than this is parsed whole (the layout would cost more than it saves). */
const MAX_MEMBERS = 1024;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * One pass over JSON bytes: nesting depth and the length of every open array
 * are checked against the limits (a problem at the first crossed), and, when
 * `layout` is asked for and the document is an object, the byte spans of its
 * top-level arrays and of their elements are recorded, so that a large
 * document can be parsed one slice at a time. String contents are skipped
 * with a native search for the closing quote (most of an SBOM is string
 * content). Syntax errors are not reported here: JSON.parse reports them,
 * and a layout of invalid JSON never parses.
 */
export function scanJson(bytes: Uint8Array, limits: Limits, layout: boolean): { problem?: Problem; layout?: JsonLayout } {
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
  // Inside a recorded array (depth 2): whether the next value starts an element.
  let expectElement = false;
  const n = view.length;
  let i = 0;
  while (i < n) {
    const b = view[i]!;
    if (member && expectElement && depth === 2 && !isSpace(b) && b !== CLOSE_BRACKET) {
      member.starts.push(i);
      expectElement = false;
    }
    if (b === QUOTE) {
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
      i = end;
      continue;
    }
    switch (b) {
      case OPEN_BRACE:
      case OPEN_BRACKET:
        depth++;
        if (depth > limits.maxDepth) {
          return { problem: { code: 'json-too-deep', path: '', message: `JSON nesting deeper than the limit of ${limits.maxDepth}` } };
        }
        isArray[depth] = b === OPEN_BRACKET;
        counts[depth] = 1;
        if (recording) {
          if (depth === 1) {
            if (b === OPEN_BRACKET) recording = false; // A top-level array: nothing to split.
            else expectKey = true;
          } else if (depth === 2 && b === OPEN_BRACKET && key !== undefined && arrays.length >= MAX_MEMBERS) {
            recording = false;
          } else if (depth === 2 && b === OPEN_BRACKET && key !== undefined) {
            member = { key, open: i, close: -1, starts: [], ends: [] };
            expectElement = true;
          }
        }
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        if (member && depth === 2) {
          if (member.starts.length > member.ends.length) member.ends.push(i);
          member.close = i;
          arrays.push(member);
          member = undefined;
        }
        if (depth > 0) depth--;
        break;
      case COMMA:
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
          expectElement = true;
        }
        break;
      case COLON:
        break;
      default:
        break;
    }
    i++;
  }
  return recording ? { layout: { arrays } } : {};
}

/** The shape limits alone, for documents parsed whole. */
export function checkJsonShape(bytes: Uint8Array, limits: Limits): Problem | undefined {
  return scanJson(bytes, limits, false).problem;
}

/** Strings shorter than this are searched byte by byte; longer ones by the native search (a call costs more than a short loop). */
const INLINE_SEARCH = 64;

/** Index just past the quote that closes the string opening at `open`, or -1. */
function endOfString(view: Buffer, open: number): number {
  let from = open + 1;
  for (;;) {
    let quote = -1;
    const stop = Math.min(view.length, from + INLINE_SEARCH);
    for (let k = from; k < stop; k++) {
      if (view[k] === QUOTE) {
        quote = k;
        break;
      }
    }
    if (quote < 0) {
      if (stop === view.length) return -1;
      quote = view.indexOf(QUOTE, stop);
      if (quote < 0) return -1;
    }
    let backslashes = 0;
    for (let k = quote - 1; k > open && view[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}
