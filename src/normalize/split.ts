import { isUtf8 } from 'node:buffer';
import type { DetectInput, Detection, Format } from '../formats/format.js';
import type { FoldResult } from '../formats/fold.js';
import type { EvidenceProblem as Problem } from '../types.js';
import { isSpace, scanJson } from '../lib/json-scan.js';
import type { Limits } from '../lib/limits.js';

/** Elements parsed per JSON.parse call: enough bytes that the call's fixed cost vanishes, few enough that they die young (64 KiB measured best for time and memory). */
const SLICE_BYTES = 1 << 16;

export interface SplitOutcome {
  format: Format;
  detection: Detection;
  result: FoldResult;
}

/** The outcome, or why not: the limit scan's verdict when it ran (so that parsing whole need not scan again). */
export interface Split {
  outcome?: SplitOutcome;
  shape?: { problem?: Problem };
}

/** Thrown inside the split path when a slice does not parse as the scan said: the caller parses the document whole. */
class NotSplittable extends Error {}

/**
 * A large JSON document, judged without ever holding it parsed whole: one
 * scan finds its top-level arrays and their elements; the rest (the head) is
 * parsed and the format recognised from it; then a streaming format folds
 * over the elements, parsed a slice at a time from the bytes. Every piece is
 * parsed by JSON.parse at a position where the scan says an element starts
 * and ends: if the scan were wrong, the piece would not parse. Any surprise
 * (not UTF-8, a byte-order mark, not an object, a slice that does not parse,
 * a format that does not stream) returns undefined: the caller parses the
 * document whole, which reports what is wrong exactly as for a small one.
 */
export function normalizeSplit(
  bytes: Uint8Array,
  limits: Limits,
  detectWith: (input: DetectInput) => { format: Format; detection: Detection } | undefined,
  base: Omit<DetectInput, 'json' | 'text' | 'bytes' | 'limits'>,
): Split {
  const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length > limits.maxBytes || !isUtf8(view) || view[firstNonSpace(view)] !== OPEN_BRACE) return {};
  const { problem, layout } = scanJson(view, limits, true);
  const shape = problem ? { problem } : {};
  if (problem || !layout) return { shape };
  const outcome = splitByLayout((start, end) => view.subarray(start, end), view.length, layout, limits, detectWith, { ...base, bytes: view });
  return outcome ? { outcome, shape } : { shape };
}

/**
 * Where one top-level array and its elements lie, as scanJson records it
 * (ArrayMember) or the chunked scanner does (offsets in typed arrays, off the
 * heap, for documents with millions of elements): element i ends at
 * ends[i] (the `,` or `]` after it) and begins right after the end of the
 * one before (element 0: after the `[`), whitespace included.
 */
export interface ArraySpans {
  key: string;
  open: number;
  close: number;
  ends: { readonly length: number; at(index: number): number | undefined };
}

/** The bytes from `start` up to `end` of a document: a Buffer's, or a file's, read when asked. */
export type ReadRange = (start: number, end: number) => Buffer;

/**
 * The split itself, once the scan has laid the document out: over any
 * reader of byte ranges (the bytes in memory, or a file read a slice at a
 * time, so the document is never held whole). Undefined when the document
 * must be parsed whole; a format that throws, throws.
 */
export function splitByLayout(
  read: ReadRange,
  size: number,
  layout: { arrays: readonly ArraySpans[] },
  limits: Limits,
  detectWith: (input: DetectInput) => { format: Format; detection: Detection } | undefined,
  base: Omit<DetectInput, 'json' | 'text' | 'limits'>,
): SplitOutcome | undefined {
  try {
    // The last occurrence of a key wins, at the place of its first (as JSON.parse does).
    const members = new Map<string, ArraySpans>();
    for (const member of layout.arrays) members.set(member.key, member);

    const head = parseHead(read, size, layout.arrays);
    const input: DetectInput = { ...base, json: head, limits };
    const first = detectWith(input);
    const streaming = first?.format.streaming;
    if (!first || !streaming) return undefined;
    // Arrays the format does not fold over go back into the head, whole; then the format must still be the same.
    for (const [key, member] of members) {
      if (!streaming.members.includes(key)) setOwn(head, key, parseSlice(read, member.open, member.close + 1));
    }
    const match = detectWith(input);
    if (!match || match.format !== first.format) return undefined;

    const item = (key: string, index: number): unknown => {
      const member = members.get(key);
      if (!member || index >= member.ends.length) return undefined;
      return parseSlice(read, elementStart(member, index), member.ends.at(index)!);
    };
    const fold = streaming.open(head, item, match.detection.version === undefined ? {} : { version: match.detection.version });
    for (const [key, member] of members) {
      if (!streaming.members.includes(key)) continue;
      forEachElement(read, member, (value, index) => fold.element(key, index, value));
    }
    return { format: match.format, detection: match.detection, result: fold.finish() };
  } catch (err) {
    if (err instanceof NotSplittable) return undefined;
    throw err;
  }
}

const OPEN_BRACE = 0x7b;

/** Index of the first byte that is not JSON whitespace. */
function firstNonSpace(view: Buffer): number {
  let i = 0;
  while (i < view.length && isSpace(view[i]!)) i++;
  return i;
}

/** The document with every top-level array emptied: the bytes outside those arrays, parsed. */
function parseHead(read: ReadRange, size: number, arrays: readonly ArraySpans[]): Record<string, unknown> {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const member of arrays) {
    pieces.push(read(from, member.open + 1));
    from = member.close;
  }
  pieces.push(read(from, size));
  const head = parseText(Buffer.concat(pieces).toString('utf8'));
  if (typeof head !== 'object' || head === null || Array.isArray(head)) throw new NotSplittable('not an object');
  return head as Record<string, unknown>;
}

/** Where element `index` of an array begins: right after the `[`, or after the end of the element before it. */
function elementStart(member: ArraySpans, index: number): number {
  return index === 0 ? member.open + 1 : member.ends.at(index - 1)! + 1;
}

/**
 * The elements of one array, parsed a slice (SLICE_BYTES) at a time, from
 * the bytes or a reader of them. Each slice's values are handed over and
 * dropped before the next slice is read.
 */
export function forEachElement(bytes: Buffer | ReadRange, member: ArraySpans, each: (value: unknown, index: number) => void): void {
  const read: ReadRange = typeof bytes === 'function' ? bytes : (start, end) => bytes.subarray(start, end);
  const ends = member.ends;
  const count = ends.length;
  let first = 0;
  while (first < count) {
    const start = elementStart(member, first);
    let last = first;
    while (last + 1 < count && ends.at(last)! - start < SLICE_BYTES) last++;
    const values = parseText(`[${read(start, ends.at(last)!).toString('utf8')}]`);
    if (!Array.isArray(values) || values.length !== last - first + 1) throw new NotSplittable('slice does not match the scan');
    for (let k = 0; k < values.length; k++) each(values[k], first + k);
    first = last + 1;
  }
}

function parseSlice(read: ReadRange, start: number, end: number): unknown {
  return parseText(read(start, end).toString('utf8'));
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new NotSplittable('a slice is not JSON');
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
