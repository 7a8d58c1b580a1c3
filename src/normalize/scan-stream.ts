import type { EvidenceProblem as Problem } from '../types.js';
import type { ArraySpans } from './split.js';
import { type Limits } from '../lib/limits.js';
import { BACKSLASH, BYTE_KIND, CLOSE, CLOSE_BRACKET, isSpace, MAX_MEMBERS, OPEN, OPEN_BRACKET, OTHER, QUOTE, STRING } from '../lib/json-scan.js';

/**
 * A top-level key longer than this is not kept: the document gets no layout
 * and is parsed whole, as scanJson's caller would for any other surprise.
 */
const MAX_KEY_BYTES = 1 << 20;

/**
 * Offsets that grow one at a time, kept in a typed array: off the heap,
 * nothing for the collector to trace. 32 bits each until an offset needs more
 * (a document over 4 GiB), then 64.
 */
export class Offsets {
  private values: Uint32Array | Float64Array = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length || (value > 0xffffffff && this.values instanceof Uint32Array)) {
      const grown =
        value > 0xffffffff || this.values instanceof Float64Array ? new Float64Array(this.values.length * 2) : new Uint32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  done(): Uint32Array | Float64Array {
    return this.values.subarray(0, this.length);
  }
}

/** An array of the layout while it is being read. */
interface OpenArray {
  key: string;
  open: number;
  starts: Offsets;
  ends: Offsets;
}

/** Waiting for the first byte of an element: after the `[` of a recorded array, or after a `,` in it. */
const NO_ELEMENT = 0;
const AFTER_OPEN = 1;
const AFTER_COMMA = 2;

/**
 * scanJson over bytes as they arrive, a chunk at a time, for documents that
 * are read from a file and never held whole: the same limits checks (a
 * problem at the first crossed), the same layout of the top-level arrays
 * and of their elements (offsets into the whole document), the same answers
 * for broken documents (an unterminated string: no layout, no problem).
 * Memory holds the layout (offsets in typed arrays), never the document.
 */
export class JsonScanner {
  private readonly counts: number[] = [];
  private readonly isArray: boolean[] = [];
  private readonly arrays: ArraySpans[] = [];
  private recording: boolean;
  private depth = 0;
  private key: string | undefined;
  private expectKey = false;
  private member: OpenArray | undefined;
  private inString = false;
  private escaped = false;
  /** The bytes of a top-level key being read (from its opening quote), when it spans chunks. */
  private keyParts: Buffer[] | undefined;
  private keyBytes = 0;
  private awaiting = NO_ELEMENT;
  private comma = 0;
  /** Offset of the next byte pushed. */
  private offset = 0;
  private problem: Problem | undefined;

  constructor(
    private readonly limits: Limits,
    layout: boolean,
  ) {
    this.recording = layout;
  }

  /** True once a limit was crossed: the rest of the document changes nothing. */
  get decided(): boolean {
    return this.problem !== undefined;
  }

  push(chunk: Uint8Array): void {
    if (this.problem) return;
    const view = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const base = this.offset;
    const n = view.length;
    this.offset += n;
    // The hot state in locals (written back at the end); the rest changes only at structure.
    let inString = this.inString;
    let escaped = this.escaped;
    let awaiting = this.awaiting;
    // Where the key being read starts in this chunk (0 when it began in an earlier one).
    let keyFrom = this.keyParts ? 0 : -1;
    for (let j = 0; j < n; j++) {
      let b = view[j]!;
      if (inString) {
        if (escaped) {
          escaped = false;
          continue;
        }
        while (b !== QUOTE && b !== BACKSLASH && ++j < n) b = view[j]!;
        if (j >= n) break;
        if (b === BACKSLASH) {
          escaped = true;
          continue;
        }
        inString = false;
        if (keyFrom >= 0) {
          this.readKey(view.subarray(keyFrom, j + 1));
          keyFrom = -1;
        }
        continue;
      }
      const kind = BYTE_KIND[b]!;
      if (awaiting !== NO_ELEMENT) {
        if (isSpace(b)) continue;
        const member = this.member!;
        if (b !== CLOSE_BRACKET) member.starts.push(base + j);
        else if (awaiting === AFTER_COMMA) member.starts.push(this.comma + 1);
        awaiting = NO_ELEMENT;
      }
      if (kind === OTHER) continue;
      if (kind === STRING) {
        inString = true;
        if (this.recording && this.depth === 1 && this.expectKey) {
          keyFrom = j;
          this.keyParts = [];
          this.keyBytes = 0;
        }
      } else if (kind === OPEN) {
        const depth = ++this.depth;
        if (depth > this.limits.maxDepth) {
          this.problem = { code: 'json-too-deep', path: '', message: `JSON nesting deeper than the limit of ${this.limits.maxDepth}` };
          return;
        }
        const opensArray = b === OPEN_BRACKET;
        this.isArray[depth] = opensArray;
        this.counts[depth] = 1;
        if (this.recording) {
          if (depth === 1) {
            if (opensArray) this.recording = false;
            else this.expectKey = true;
          } else if (depth === 2 && opensArray && this.key !== undefined) {
            if (this.arrays.length >= MAX_MEMBERS) this.recording = false;
            else {
              this.member = { key: this.key, open: base + j, starts: new Offsets(), ends: new Offsets() };
              awaiting = AFTER_OPEN;
            }
          }
        }
      } else if (kind === CLOSE) {
        const member = this.member;
        if (member && this.depth === 2) {
          if (member.starts.length > member.ends.length) member.ends.push(base + j);
          this.arrays.push({ key: member.key, open: member.open, close: base + j, starts: member.starts.done(), ends: member.ends.done() });
          this.member = undefined;
        }
        if (this.depth > 0) this.depth--;
      } else {
        // A comma.
        const depth = this.depth;
        if (depth > 0 && this.isArray[depth]) {
          const count = (this.counts[depth] ?? 0) + 1;
          this.counts[depth] = count;
          if (count > this.limits.maxArrayLength) {
            this.problem = { code: 'json-array-too-long', path: '', message: `a JSON array has more than ${this.limits.maxArrayLength} elements` };
            return;
          }
        }
        if (this.recording && depth === 1) {
          this.expectKey = true;
          this.key = undefined;
        } else if (this.member && depth === 2) {
          this.member.ends.push(base + j);
          awaiting = AFTER_COMMA;
          this.comma = base + j;
        }
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    this.awaiting = awaiting;
    if (keyFrom >= 0 && this.keyParts) this.keepKeyPart(view.subarray(keyFrom));
  }

  /** The verdict on everything pushed: scanJson's answer for the whole document. */
  finish(): { problem?: Problem; layout?: { arrays: ArraySpans[] } } {
    if (this.problem) return { problem: this.problem };
    if (this.inString) return {}; // Unterminated string: JSON.parse says so.
    // An array still open here is not in the layout (scanJson keeps closed ones only).
    return this.recording ? { layout: { arrays: this.arrays } } : {};
  }

  private keepKeyPart(part: Buffer): void {
    this.keyBytes += part.length;
    if (this.keyBytes > MAX_KEY_BYTES) {
      this.recording = false;
      this.keyParts = undefined;
      return;
    }
    this.keyParts!.push(Buffer.from(part));
  }

  /** The closing quote of a top-level key arrived: `last` ends with it. */
  private readKey(last: Buffer): void {
    const parts = this.keyParts;
    this.keyParts = undefined;
    this.expectKey = false;
    if (!parts || !this.recording) return;
    if (this.keyBytes + last.length > MAX_KEY_BYTES) {
      this.recording = false;
      return;
    }
    try {
      this.key = JSON.parse(Buffer.concat([...parts, last]).toString('utf8')) as string;
    } catch {
      this.recording = false;
    }
  }
}
