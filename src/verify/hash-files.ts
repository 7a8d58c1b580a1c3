import * as nodeCrypto from 'node:crypto';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

export interface FileDigest {
  sha256: string;
  size: number;
  /** Text of small files verification reads (manifests, checksum files), captured while hashing. */
  text?: string;
}

/** Names of the files whose text verification reads: kept from the hashing pass. */
const TEXT_SUFFIXES = ['.sha256', 'manifest.json', '.custody-journal.json'];

export function wantsText(path: string): boolean {
  return TEXT_SUFFIXES.some((suffix) => path.endsWith(suffix));
}

/** `[sha256, size, text?]`, or `[null, 0, error]`: compact, cheap to pass between threads. */
type HashResult = [string, number, string?] | [null, number, string];
type Crypto = Pick<typeof nodeCrypto, 'hash' | 'createHash'>;

const READ_SIZE = 1 << 20;

/**
 * Read and hash one file in one pass, 1 MiB at a time. Synchronous on
 * purpose: it runs where blocking is right (a worker, or a main-thread slice).
 * It takes its modules as arguments and closes over nothing, because workers
 * run it from its source text: one implementation for every thread.
 * The walk saw a regular file, but the name may have been swapped since: the
 * open neither follows a link nor waits on a FIFO, and fstat on the open
 * descriptor refuses anything but a regular file (the same rule as
 * src/lib/read-file.ts, written out here because a worker imports nothing).
 */
function hashOneSync(fsys: typeof fs, crypto: Crypto, buffer: Buffer, path: string, keepText: boolean): HashResult {
  let fd: number | undefined;
  try {
    const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW, O_NOCTTY } = fsys.constants;
    fd = fsys.openSync(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
    const info = fsys.fstatSync(fd);
    if (!info.isFile()) {
      const type = info.isFIFO() ? 'a FIFO' : info.isDirectory() ? 'a directory' : info.isSocket() ? 'a socket' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : 'not a regular file';
      return [null, 0, `it is ${type}, not a regular file`];
    }
    let n = fsys.readSync(fd, buffer, 0, buffer.length, null);
    let result: HashResult;
    if (n < buffer.length) {
      // The whole file in one read (a short read of a regular file is its end):
      // one-shot hashing, no hash object, no second read(2).
      const bytes = buffer.subarray(0, n);
      result = [crypto.hash('sha256', bytes, 'hex'), n];
      if (keepText) result.push(bytes.toString('utf8'));
      return result;
    }
    const hash = crypto.createHash('sha256');
    // Text kept from the same descriptor: reading the name again could read another file.
    const kept: Buffer[] = [];
    let size = 0;
    for (; n > 0; n = fsys.readSync(fd, buffer, 0, buffer.length, null)) {
      const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
      hash.update(chunk);
      if (keepText) kept.push(Buffer.from(chunk));
      size += n;
    }
    result = [hash.digest('hex'), size];
    if (keepText) result.push(Buffer.concat(kept).toString('utf8'));
    return result;
  } catch (err) {
    const error = err as NodeJS.ErrnoException;
    if (error?.code === 'ELOOP') return [null, 0, 'it is a symbolic link, not a regular file'];
    return [null, 0, String(error?.code ?? error?.message ?? err)];
  } finally {
    if (fd !== undefined) fsys.closeSync(fd);
  }
}

/** A job the threads share: the paths, and one counter each thread takes the next index from. */
interface Job {
  /** The root, ending in a separator; each path is relative to it. */
  prefix: string;
  paths: readonly string[];
  keepText: Uint8Array;
  counter: Int32Array;
}

// A worker is plain CommonJS evaluated from a string, so it runs the same from
// src/ (tests) and dist/ (the binary). It takes files until the shared counter
// passes the end, then hands back [index, result] pairs in one message.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const hashOne = ${hashOneSync.toString()};
const buffer = Buffer.allocUnsafe(${READ_SIZE});
parentPort.on('message', ({ prefix, paths, keepText, counter }) => {
  const out = [];
  for (let i = Atomics.add(counter, 0, 1); i < paths.length; i = Atomics.add(counter, 0, 1)) {
    out.push(i, hashOne(fs, crypto, buffer, prefix + paths[i], keepText[i] === 1));
  }
  parentPort.postMessage(out);
});
`;

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
      const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      worker.unref();
      this.#workers.push(worker);
    }
  }

  async hash(root: string, paths: readonly string[]): Promise<Map<string, FileDigest | Error>> {
    if (paths.length >= WORKER_THRESHOLD) this.start();
    const job: Job = {
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
      record(results, paths[i]!, hashOneSync(fs, nodeCrypto, buffer, job.prefix + paths[i], job.keepText[i] === 1));
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

function runOn(worker: Worker, job: Job): Promise<(number | HashResult)[]> {
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
