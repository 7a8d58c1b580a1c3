import { stringFingerprint } from './canonical.js';

/** Hashes per block, once the first block has grown to it (256 KiB). */
const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
const FIRST_BLOCK = 1024;
/** Positions are counted in 32 bits. */
const MAX_SIZE = 2 ** 32 - 1;

/**
 * Strings met again among millions (SPDXIDs), in 4 bytes each: the string
 * at each position (0, 1, 2, … in the order they are added) leaves its
 * 32-bit hash in a typed array, and nothing else: no string, no map, no
 * object per string, nothing for the garbage collector to trace, and no
 * position (it is the hash's place in the array). At the end, a sorted copy
 * of the hashes tells which ones are shared; only the strings with a shared
 * hash are read again (`stringAt`) and compared exactly, in position order,
 * so a shared hash never makes a repeat and a repeat is never missed.
 * Linear in the strings plus one native sort, even when hashes were made
 * to collide (the strings that share them are then compared through one
 * map, each read once).
 */
export class StringRepeats {
  private readonly blocks: Uint32Array[] = [new Uint32Array(FIRST_BLOCK)];
  /** One bit per position that has no string (set only once there is one). */
  private absent: Uint8Array | undefined;
  private count = 0;

  constructor(private readonly hash: (value: string) => number = stringFingerprint) {}

  /** How many positions were added: the position of the next. */
  get size(): number {
    return this.count;
  }

  /** The string at the next position; undefined for a position without one (never a repeat, never read again). */
  add(value: string | undefined): void {
    const position = this.count;
    if (position === MAX_SIZE) throw new Error(`StringRepeats: more than ${MAX_SIZE} positions`);
    const slot = position & (BLOCK - 1);
    let block = this.blocks[position >>> BLOCK_BITS];
    if (block === undefined) {
      block = new Uint32Array(BLOCK);
      this.blocks.push(block);
    } else if (slot === block.length) {
      const grown = new Uint32Array(block.length * 2);
      grown.set(block);
      this.blocks[position >>> BLOCK_BITS] = block = grown;
    }
    if (value === undefined) this.markAbsent(position);
    else block[slot] = this.hash(value);
    this.count = position + 1;
  }

  /**
   * Pairs [first, repeat] of positions of equal strings, in the order of
   * the repeats: each repeat with the first position of its string.
   * `stringAt` reads the string added at a position again. Call once,
   * after the last add.
   */
  repeats(stringAt: (position: number) => string | undefined): Array<[number, number]> {
    const shared = this.sharedHashes();
    const pairs: Array<[number, number]> = [];
    if (shared.size === 0) return pairs;
    const firsts = new Map<string, number>();
    for (let position = 0; position < this.count; position++) {
      if (!shared.has(this.hashAt(position)) || this.isAbsent(position)) continue;
      const value = stringAt(position);
      if (value === undefined) continue;
      const first = firsts.get(value);
      if (first === undefined) firsts.set(value, position);
      else pairs.push([first, position]);
    }
    return pairs;
  }

  /** Hashes held at more than one position: from a sorted copy, dropped before any string is read. */
  private sharedHashes(): Set<number> {
    const sorted = new Uint32Array(this.count);
    for (let b = 0, at = 0; at < this.count; b++) {
      const block = this.blocks[b]!;
      const take = Math.min(block.length, this.count - at);
      sorted.set(take === block.length ? block : block.subarray(0, take), at);
      at += take;
    }
    sorted.sort();
    const shared = new Set<number>();
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) shared.add(sorted[i]!);
    return shared;
  }

  private hashAt(position: number): number {
    return this.blocks[position >>> BLOCK_BITS]![position & (BLOCK - 1)]!;
  }

  private markAbsent(position: number): void {
    const byte = position >>> 3;
    let absent = this.absent;
    if (absent === undefined || byte >= absent.length) {
      const grown = new Uint8Array(Math.max(64, (byte + 1) * 2));
      if (absent) grown.set(absent);
      this.absent = absent = grown;
    }
    absent[byte] = absent[byte]! | (1 << (position & 7));
  }

  private isAbsent(position: number): boolean {
    const absent = this.absent;
    return absent !== undefined && position >>> 3 < absent.length && (absent[position >>> 3]! & (1 << (position & 7))) !== 0;
  }
}
