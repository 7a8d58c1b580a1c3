import { hashFile } from '../archive/hash.js';
import { join } from 'node:path';

export interface FileDigest {
  sha256: string;
  size: number;
}

/** Hash files with bounded parallelism; an unreadable file maps to its error. */
export async function hashFiles(
  root: string,
  paths: readonly string[],
  concurrency = 8,
): Promise<Map<string, FileDigest | Error>> {
  const results = new Map<string, FileDigest | Error>();
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      try {
        results.set(path, await hashFile(join(root, path)));
      } catch (err) {
        results.set(path, err instanceof Error ? err : new Error(String(err)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return results;
}
