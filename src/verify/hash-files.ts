import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { hashFile, sha256Hex } from '../archive/hash.js';

export interface FileDigest {
  sha256: string;
  size: number;
  /** Text of small files verification reads (manifests, checksum files), captured while hashing. */
  text?: string;
}

/** Files whose text is worth keeping from the hashing pass. */
export function wantsText(path: string): boolean {
  return path.endsWith('.sha256') || path.endsWith('manifest.json') || path.endsWith('.custody-journal.json');
}

// A worker is plain CommonJS evaluated from a string, so it runs the same
// from src/ (tests) and dist/ (the binary). Synchronous reads are right in a
// worker: one pass per file, 1 MiB at a time, hash as it reads.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const SIZE = 1 << 20;
const buffer = Buffer.allocUnsafe(SIZE);
function hashOne(path, keepText) {
  let fd;
  try {
    fd = fs.openSync(path, 'r');
    const hash = createHash('sha256');
    let size = 0;
    let text;
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, SIZE, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      hash.update(chunk);
      if (keepText && size === 0 && n < SIZE) text = chunk.toString('utf8');
      size += n;
      // A short read of a regular file is its end: skip the extra read(2) that would return 0.
      if (n < SIZE) break;
    }
    const result = [hash.digest('hex'), size];
    if (keepText) result.push(text !== undefined ? text : fs.readFileSync(path, 'utf8'));
    return result;
  } catch (err) {
    return [null, 0, String((err && err.code) || (err && err.message) || err)];
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
parentPort.on('message', (files) => {
  parentPort.postMessage(files.map(([path, keepText]) => hashOne(path, keepText)));
});
`;

/** `[sha256, size, text?]`, or `[null, 0, error]`: compact, cheap to pass between threads. */
type WorkerResult = [string, number, string?] | [null, number, string];

/** Below this many files, hashing in the main thread beats starting workers. */
const WORKER_THRESHOLD = 256;
const BATCH = 512;

/**
 * Hash files, every core busy: worker threads take batches of paths, read and
 * hash each file in one pass, and hand back digests (plus the text of the
 * small files verification reads). An unreadable file maps to its error.
 */
export async function hashFiles(root: string, paths: readonly string[], concurrency = availableParallelism()): Promise<Map<string, FileDigest | Error>> {
  const results = new Map<string, FileDigest | Error>();
  if (paths.length < WORKER_THRESHOLD) {
    await hashInThread(root, paths, results);
    return results;
  }
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, availableParallelism())) }, () => new Worker(WORKER_SOURCE, { eval: true }));
  try {
    let next = 0;
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= paths.length) {
                resolve();
                return;
              }
              const batch = paths.slice(next, next + BATCH);
              next += batch.length;
              worker.postMessage(batch.map((p) => [join(root, p), wantsText(p)]));
              pending = batch;
            };
            let pending: readonly string[] = [];
            worker.on('message', (batchResults: WorkerResult[]) => {
              batchResults.forEach(([sha256, size, text], i) => {
                if (sha256 === null) results.set(pending[i]!, new Error(text));
                else results.set(pending[i]!, text === undefined ? { sha256, size } : { sha256, size, text });
              });
              send();
            });
            worker.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

async function hashInThread(root: string, paths: readonly string[], results: Map<string, FileDigest | Error>): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      try {
        if (wantsText(path)) {
          const bytes = await readFile(join(root, path));
          results.set(path, { sha256: sha256Hex(bytes), size: bytes.length, text: bytes.toString('utf8') });
        } else {
          results.set(path, await hashFile(join(root, path)));
        }
      } catch (err) {
        results.set(path, err instanceof Error ? err : new Error(String(err)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, paths.length) }, worker));
}
