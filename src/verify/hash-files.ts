import { availableParallelism } from 'node:os';
import { extname, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CHECKSUM_SUFFIX, JOURNAL, MANIFEST } from '../lib/archive-format.js';
import { hashOneSync, READ_SIZE, type HashResult } from './hash-one.js';
import type { HashJob } from './hash-worker.js';

export interface FileDigest {
  sha256: string;
  size: number;
  /** Text of small files verification reads (manifests, checksum files), captured while hashing. */
  text?: string;
}

/** Names of the files whose text verification reads: kept from the hashing pass. */
const TEXT_SUFFIXES = [CHECKSUM_SUFFIX, MANIFEST, JOURNAL];

export function wantsText(path: string): boolean {
  return TEXT_SUFFIXES.some((suffix) => path.endsWith(suffix));
}

/**
 * The worker's module beside this one, with this module's own extension:
 * dist/ holds hash-worker.js; when the sources run directly (vitest) this is
 * hash-files.ts, and Node runs hash-worker.ts, stripping its types.
 */
const WORKER_URL = new URL(`./hash-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** Below this many files, hashing in the main thread alone beats starting workers. */
export const WORKER_THRESHOLD = 256;
/** The main thread hashes in slices this long, then lets the event loop run. */
const SLICE_MS = 25;

/**
 * Hash files with every core busy: the main thread and one worker per other
 * core take files from one shared counter, so no thread idles while another
 * has a queue. Workers can be started before the file list is known (they
 * boot while the tree is walked). An unreadable file maps to its error.
 */
export class HashPool {
  #workers: Worker[] = [];
  readonly #threads: number;

  constructor(threads = availableParallelism()) {
    this.#threads = Math.max(1, Math.min(threads, availableParallelism()));
  }

  /** Boot the workers now; idempotent. */
  start(): void {
    while (this.#workers.length < this.#threads - 1) {
      // A worker allocates little (its read buffer lives outside the heap): a small
      // young generation keeps each worker's memory a few megabytes.
      const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      worker.unref();
      this.#workers.push(worker);
    }
  }

  async hash(root: string, paths: readonly string[]): Promise<Map<string, FileDigest | Error>> {
    if (paths.length >= WORKER_THRESHOLD) this.start();
    const job: HashJob = {
      prefix: root.endsWith(sep) ? root : root + sep,
      paths,
      keepText: Uint8Array.from(paths, (p) => (wantsText(p) ? 1 : 0)),
      counter: new Int32Array(new SharedArrayBuffer(4)),
    };
    const fromWorkers = this.#workers.map((worker) => runOn(worker, job));
    const results = new Map<string, FileDigest | Error>();
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    let sliceStart = performance.now();
    for (let i = Atomics.add(job.counter, 0, 1); i < paths.length; i = Atomics.add(job.counter, 0, 1)) {
      record(results, paths[i]!, hashOneSync(buffer, job.prefix + paths[i], job.keepText[i] === 1));
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
    for (const pairs of await Promise.all(fromWorkers)) {
      for (let k = 0; k < pairs.length; k += 2) record(results, paths[pairs[k] as number]!, pairs[k + 1] as HashResult);
    }
    return results;
  }

  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function record(results: Map<string, FileDigest | Error>, path: string, [sha256, size, text]: HashResult): void {
  if (sha256 === null) results.set(path, new Error(text));
  else results.set(path, text === undefined ? { sha256, size } : { sha256, size, text });
}

function runOn(worker: Worker, job: HashJob): Promise<(number | HashResult)[]> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (pairs: (number | HashResult)[]) => {
      cleanup();
      resolve(pairs);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`a hashing worker stopped (exit code ${code}) before it finished`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}

/** Hash files once, with a pool made for the call. */
export async function hashFiles(root: string, paths: readonly string[], threads?: number): Promise<Map<string, FileDigest | Error>> {
  const pool = new HashPool(threads);
  try {
    return await pool.hash(root, paths);
  } finally {
    await pool.close();
  }
}
