import type { EvidenceProblem as Problem } from '../types.js';
import { type Limits } from '../lib/limits.js';
import {
  BACKSLASH,
  BYTE_KIND,
  CLOSE,
  CLOSE_BRACKET,
  isSpace,
  OPEN,
  OPEN_BRACKET,
  OTHER,
  QUOTE,
  STRING,
  StructureScan,
  type RecordedArray,
} from '../lib/json-scan.js';

/**
 * A top-level key longer than this is not kept: the document gets no layout
 * and is parsed whole, as scanJson's caller would for any other surprise.
 */
const MAX_KEY_BYTES = 1 << 20;

/** Offsets per block, once the first block has grown to it: 256 KiB of 32-bit offsets. */
const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
const FIRST_BLOCK = 64;

/**
 * Offsets that grow one at a time, kept in typed arrays: off the heap,
 * nothing for the collector to trace, 4 bytes each until an offset needs
 * more (a document over 4 GiB: that block widens to 8). Past the first
 * block (which grows by doubling, so that a short array costs little), they
 * go into blocks of 64 Ki offsets: growing never copies what is kept, and
 * never leaves more than one block unused.
 */
export class Offsets {
  private readonly blocks: Array<Uint32Array | Float64Array> = [new Uint32Array(FIRST_BLOCK)];
  length = 0;

  push(value: number): void {
    const index = this.length;
    const slot = index & (BLOCK - 1);
    let block = this.blocks[index >>> BLOCK_BITS];
    if (block === undefined) {
      block = value > 0xffffffff ? new Float64Array(BLOCK) : new Uint32Array(BLOCK);
      this.blocks.push(block);
    } else if (slot === block.length || (value > 0xffffffff && block instanceof Uint32Array)) {
      block = this.replaceBlock(index >>> BLOCK_BITS, value > 0xffffffff, slot === block.length ? block.length * 2 : block.length);
    }
    block[slot] = value;
    this.length = index + 1;
  }

  /** The offset pushed `index`-th. */
  at(index: number): number {
    return this.blocks[index >>> BLOCK_BITS]![index & (BLOCK - 1)]!;
  }

  /** Block `which`, copied into a larger one (the first block growing) or a wider one (an offset past 4 GiB). */
  private replaceBlock(which: number, wide: boolean, size: number): Uint32Array | Float64Array {
    const old = this.blocks[which]!;
    const block = wide || old instanceof Float64Array ? new Float64Array(size) : new Uint32Array(size);
    block.set(old);
    this.blocks[which] = block;
    return block;
  }
}

/**
 * scanJson over bytes as they arrive, a chunk at a time, for documents that
 * are read from a file and never held whole: the same limits checks (a
 * problem at the first crossed), the same layout of the top-level arrays
 * and of their elements (offsets into the whole document), the same answers
 * for broken documents (an unterminated string: no layout, no problem).
 * Memory holds the layout (4 bytes per element, in typed arrays), never
 * the document. What the structure means is StructureScan's; this finds
 * the structure in bytes cut anywhere, strings and keys included.
 */
export class JsonScanner {
  private readonly structure: StructureScan<Offsets>;
  private inString = false;
  private escaped = false;
  /** Right after the `[` of a recorded array: waiting for its first byte that is not whitespace. */
  private awaiting = false;
  /** The bytes of a top-level key being read (from its opening quote), when it spans chunks. */
  private keyParts: Buffer[] | undefined;
  private keyBytes = 0;
  /** Offset of the next byte pushed. */
  private offset = 0;

  constructor(limits: Limits, layout: boolean) {
    this.structure = new StructureScan(limits, layout, () => new Offsets());
  }

  /** True once a limit was crossed: the rest of the document changes nothing. */
  get decided(): boolean {
    return this.structure.problem !== undefined;
  }

  push(chunk: Uint8Array): void {
    const structure = this.structure;
    if (structure.problem) return;
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
      if (awaiting) {
        if (isSpace(b)) continue;
        if (b !== CLOSE_BRACKET) structure.firstElement();
        awaiting = false;
      }
      const kind = BYTE_KIND[b]!;
      if (kind === OTHER) continue;
      if (kind === STRING) {
        inString = true;
        if (structure.atKey) keyFrom = this.startKey(j);
      } else if (kind === OPEN) {
        awaiting = structure.open(b === OPEN_BRACKET, base + j);
        if (structure.problem) return;
      } else if (kind === CLOSE) structure.close(base + j);
      else if (!structure.comma(base + j)) return;
    }
    this.inString = inString;
    this.escaped = escaped;
    this.awaiting = awaiting;
    if (keyFrom >= 0 && this.keyParts) this.keepKeyPart(view.subarray(keyFrom));
  }

  /** The verdict on everything pushed: scanJson's answer for the whole document. */
  finish(): { problem?: Problem; layout?: { arrays: RecordedArray<Offsets>[] } } {
    if (this.structure.problem) return { problem: this.structure.problem };
    if (this.inString) return {}; // Unterminated string: JSON.parse says so.
    return this.structure.result();
  }

  /** A top-level key opens at `at` in this chunk: its bytes are kept until its closing quote. */
  private startKey(at: number): number {
    this.keyParts = [];
    this.keyBytes = 0;
    return at;
  }

  private keepKeyPart(part: Buffer): void {
    this.keyBytes += part.length;
    if (this.keyBytes > MAX_KEY_BYTES) {
      this.structure.stopRecording();
      this.keyParts = undefined;
      return;
    }
    this.keyParts!.push(Buffer.from(part));
  }

  /** The closing quote of a top-level key arrived: `last` ends with it. */
  private readKey(last: Buffer): void {
    const parts = this.keyParts;
    this.keyParts = undefined;
    if (!parts) {
      // Too long to keep: no layout already.
      this.structure.keyRead(undefined);
      return;
    }
    if (this.keyBytes + last.length > MAX_KEY_BYTES) {
      this.structure.keyRead(undefined);
      return;
    }
    try {
      this.structure.keyRead(JSON.parse(Buffer.concat([...parts, last]).toString('utf8')) as string);
    } catch {
      this.structure.keyRead(undefined);
    }
  }
}
