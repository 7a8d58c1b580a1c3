import type { NormalizeProblemCode, Problem } from '../types.js';
import type { Limits } from './limits.js';

/** Where a top-level member's array lies in the bytes, and where each of its elements ends. */
export interface ArrayMember {
  key: string;
  /** Offsets of the `[` and of the `]` that close the array. */
  open: number;
  close: number;
  /**
   * Element i ends at ends[i] (the `,` or `]` after it) and begins right
   * after the previous one's end (element 0: after the `[`), JSON whitespace
   * included: where it begins follows from where the one before ends, so it
   * is not kept.
   */
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

/** A growing list of element ends: plain numbers (scanJson) or typed storage (the chunked scanner, normalize/scan-stream.ts). */
export interface EndList {
  readonly length: number;
  push(value: number): void;
}

/** A top-level array as recorded, with its ends in the scanner's own list. */
export interface RecordedArray<Ends extends EndList> {
  key: string;
  open: number;
  close: number;
  ends: Ends;
}

/** Why a scan stops: the first limit crossed. */
type ShapeProblem = Problem<NormalizeProblemCode>;

/**
 * What a scan does at the bytes that make structure (an opening or closing
 * bracket or brace, a comma, a key), the same for scanJson and for the
 * chunked scanner: nesting depth and the length of every open array against
 * the limits (`problem`, at the first crossed), and, when a layout is
 * asked for and the document is an object, the spans of its top-level
 * arrays and of their elements. The scanners find the bytes; this keeps
 * the books.
 */
export class StructureScan<Ends extends EndList> {
  problem: ShapeProblem | undefined;
  readonly arrays: RecordedArray<Ends>[] = [];
  private depth = 0;
  /** Elements so far in each open array, by depth (and whether the value open at that depth is an array). */
  private readonly counts: number[] = [];
  private readonly isArray: boolean[] = [];
  private recording: boolean;
  /** At depth 1 of the top-level object: the last key read, and whether the next string is a key. */
  private key: string | undefined;
  private expectKey = false;
  /** The top-level array being recorded; `first`: something other than whitespace follows its `[`. */
  private member: (RecordedArray<Ends> & { first: boolean }) | undefined;

  constructor(
    private readonly limits: Limits,
    layout: boolean,
    private readonly newEnds: () => Ends,
  ) {
    this.recording = layout;
  }

  /** The string that opens now is a key of the top-level object, to be read and handed to `keyRead`. */
  get atKey(): boolean {
    return this.recording && this.depth === 1 && this.expectKey;
  }

  /** The key `atKey` asked for (undefined when it could not be read: no layout then). */
  keyRead(key: string | undefined): void {
    this.expectKey = false;
    if (key === undefined) this.recording = false;
    else this.key = key;
  }

  /** No layout after all (a key too long to keep). */
  stopRecording(): void {
    this.recording = false;
  }

  /**
   * A `{` or `[` at `at`. True when it opens a recorded array: the scanner
   * then calls `firstElement` if anything but whitespace comes before its
   * `]`. On crossing the depth limit, `problem` is set.
   */
  open(opensArray: boolean, at: number): boolean {
    const depth = ++this.depth;
    if (depth > this.limits.maxDepth) {
      this.problem = { code: 'json-too-deep', path: '', message: `JSON nesting deeper than the limit of ${this.limits.maxDepth}` };
      return false;
    }
    this.isArray[depth] = opensArray;
    this.counts[depth] = 1;
    if (!this.recording) return false;
    if (depth === 1) {
      // A top-level array: nothing to split.
      if (opensArray) this.recording = false;
      else this.expectKey = true;
    } else if (depth === 2 && opensArray && this.key !== undefined) {
      if (this.arrays.length >= MAX_MEMBERS) this.recording = false;
      else {
        this.member = { key: this.key, open: at, close: -1, ends: this.newEnds(), first: false };
        return true;
      }
    }
    return false;
  }

  /** The array just recorded holds at least one element (or, broken, a stray comma). */
  firstElement(): void {
    this.member!.first = true;
  }

  /** A `}` or `]` at `at`. */
  close(at: number): void {
    const member = this.member;
    if (member && this.depth === 2) {
      // After a comma there is always one more element (empty, for a trailing comma: then the slice does not parse).
      if (member.first || member.ends.length > 0) member.ends.push(at);
      this.arrays.push({ key: member.key, open: member.open, close: at, ends: member.ends });
      this.member = undefined;
    }
    if (this.depth > 0) this.depth--;
  }

  /** A `,` at `at`. False, with `problem` set, when it makes an array longer than the limit. */
  comma(at: number): boolean {
    const depth = this.depth;
    if (depth > 0 && this.isArray[depth]) {
      const count = (this.counts[depth] ?? 0) + 1;
      this.counts[depth] = count;
      if (count > this.limits.maxArrayLength) {
        this.problem = { code: 'json-array-too-long', path: '', message: `a JSON array has more than ${this.limits.maxArrayLength} elements` };
        return false;
      }
    }
    if (this.recording && depth === 1) {
      this.expectKey = true;
      this.key = undefined;
    } else if (this.member && depth === 2) this.member.ends.push(at);
    return true;
  }

  /** The verdict once every byte is seen: the problem, else the layout (arrays still open are not in it), if it was kept. */
  result(): { problem?: ShapeProblem; layout?: { arrays: RecordedArray<Ends>[] } } {
    if (this.problem) return { problem: this.problem };
    return this.recording ? { layout: { arrays: this.arrays } } : {};
  }
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
export function scanJson(bytes: Uint8Array, limits: Limits, layout: boolean): { problem?: ShapeProblem; layout?: JsonLayout } {
  const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scan = new StructureScan<number[]>(limits, layout, () => []);
  const n = view.length;
  for (let i = 0; i < n; i++) {
    const b = view[i]!;
    const kind = BYTE_KIND[b]!;
    if (kind === OTHER) continue;
    if (kind === STRING) {
      const end = endOfString(view, i);
      if (end < 0) return {}; // Unterminated string: JSON.parse says so.
      if (scan.atKey) scan.keyRead(parseKey(view, i, end));
      i = end - 1;
    } else if (kind === OPEN) {
      if (scan.open(b === OPEN_BRACKET, i)) {
        if (elementFollows(view, i + 1)) scan.firstElement();
      } else if (scan.problem) return { problem: scan.problem };
    } else if (kind === CLOSE) scan.close(i);
    else if (!scan.comma(i)) return { problem: scan.problem! };
  }
  return scan.result();
}

/** A top-level key (the string from its opening quote up to `end`), or undefined when it is not one JSON.parse reads. */
function parseKey(view: Buffer, start: number, end: number): string | undefined {
  try {
    return JSON.parse(view.toString('utf8', start, end)) as string;
  } catch {
    return undefined;
  }
}

/** Whether something other than whitespace, and other than the `]` that closes it, follows an array's `[` (from `from` on). */
function elementFollows(view: Buffer, from: number): boolean {
  let k = from;
  while (k < view.length && isSpace(view[k]!)) k++;
  return k < view.length && view[k] !== CLOSE_BRACKET;
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
