import { basename } from 'node:path';
import { readRegularFile } from '../lib/read-file.js';
import type { Raw } from '../types.js';

/**
 * Read local evidence files fully before anything is written, so that a bad
 * file stops the run with nothing half-done. Only regular files (a FIFO or a
 * device is refused, never waited on); the size is checked before reading.
 */
export async function readLocalEvidence(paths: readonly string[], maxBytes: number): Promise<Raw[]> {
  const raws: Raw[] = [];
  for (const path of paths) {
    const bytes = await readRegularFile(path, { what: 'evidence file', maxBytes, limitHint: '(set --max-bytes)' });
    raws.push({ bytes, mediaType: '', origin: { method: 'local-file', file: basename(path) } });
  }
  return raws;
}
