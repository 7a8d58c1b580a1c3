import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { CustodyError } from '../errors.js';
import type { Raw } from '../types.js';

/**
 * Read local evidence files fully before anything is written, so that a bad
 * file stops the run with nothing half-done. Only regular files; the size is
 * checked before reading.
 */
export async function readLocalEvidence(paths: readonly string[], maxBytes: number): Promise<Raw[]> {
  const raws: Raw[] = [];
  for (const path of paths) {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw new CustodyError('FILE_UNREADABLE', `cannot read evidence file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new CustodyError('FILE_UNREADABLE', `evidence file ${path} is not a regular file`);
      if (info.size > maxBytes) {
        throw new CustodyError('INPUT_TOO_LARGE', `evidence file ${path} is ${info.size} bytes, over the limit of ${maxBytes} (set --max-bytes)`);
      }
      const bytes = await handle.readFile();
      if (bytes.byteLength > maxBytes) {
        throw new CustodyError('INPUT_TOO_LARGE', `evidence file ${path} grew past the limit of ${maxBytes} bytes while being read`);
      }
      raws.push({ bytes, mediaType: '', origin: { method: 'local-file', file: basename(path) } });
    } catch (err) {
      if (err instanceof CustodyError) throw err;
      throw new CustodyError('FILE_UNREADABLE', `cannot read evidence file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    } finally {
      await handle.close();
    }
  }
  return raws;
}
