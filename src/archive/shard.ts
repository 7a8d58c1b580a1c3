import { CustodyError } from '../errors.js';

/** Shard `index` of `count` (1-based), as `--shard K/N` gives it. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * `K/N` with 1 <= K <= N, as `--shard` takes it. Apart from batch.ts, which
 * splits the references (inShard), so that reading the flag loads no hashing
 * or file reading.
 */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !(count >= 1) || !(index >= 1) || index > count || count > 10_000) {
    throw new CustodyError('USAGE', `--shard "${value}" must be K/N with 1 <= K <= N (e.g. 2/4)`);
  }
  return { index, count };
}
