import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { CustodyError } from '../errors.js';
import { readRegularFile } from '../lib/read-file.js';
import { DEFAULT_LIMITS } from '../lib/limits.js';
import { formatReference, parseReference } from '../oci/reference.js';
import type { Shard } from './shard.js';

/**
 * Read an images file: one reference a line, `#` starts a comment, blank
 * lines ignored, duplicates (after normalisation) merged. A bad line stops
 * the run before anything is written, naming the file and the line.
 */
export async function readImagesFile(path: string, check?: LineCheck, maxBytes: number = DEFAULT_LIMITS.maxBytes): Promise<string[]> {
  const bytes = await readRegularFile(path, { what: 'images file', maxBytes, limitHint: '(set --max-bytes)' });
  return parseImagesList(bytes.toString('utf8'), path, check);
}

/** A caller's own check of one entry before it is parsed; `where` is `FILE:LINE: `. Throws to refuse it. */
export type LineCheck = (entry: string, where: string) => void;

export function parseImagesList(text: string, source: string, check?: LineCheck): string[] {
  const refs: string[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') return;
    check?.(content, `${source}:${index + 1}: `);
    let normalized: string;
    try {
      normalized = formatReference(parseReference(content));
    } catch (err) {
      throw new CustodyError('INVALID_REFERENCE', `${source}:${index + 1}: ${(err as Error).message}`);
    }
    if (seen.has(normalized)) return;
    seen.add(normalized);
    refs.push(content);
  });
  return refs;
}

/**
 * Deterministic split: a reference belongs to shard K of N when the sha256 of
 * its normalised form, as a number, is K-1 modulo N. Every reference lands in
 * exactly one shard, whichever machine computes it.
 */
export function inShard(ref: string, shard: Shard): boolean {
  const normalized = formatReference(parseReference(ref));
  const head = createHash('sha256').update(normalized).digest().readBigUInt64BE(0);
  return Number(head % BigInt(shard.count)) === shard.index - 1;
}

/** Default parallelism: two per core, at least 2, at most 8 (gentle to registries). */
export function defaultConcurrency(): number {
  return Math.max(2, Math.min(8, availableParallelism() * 2));
}
