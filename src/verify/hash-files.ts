import { availableParallelism } from 'node:os';
import { extname, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CHECKSUM_SUFFIX, JOURNAL, MANIFEST } from '../lib/archive-format.js';
import { hashOneSync, READ_SIZE, type HashResult } from './hash-one.js';
import type { HashBatch, HashedBatch } from './hash-worker.js';

export interface FileDigest {
  sha256: string;
  size: number;
  /** Text of small files verification reads (manifests, checksum files), captured while hashing. */
  text?: string;
}

/** Names of the files whose text verification reads: kept from the hashing pass. */
export const TEXT_SUFFIXES = [CHECKSUM_SUFFIX, MANIFEST, JOURNAL];

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
/** Files handed to a thread at a time: a few milliseconds of small files. */
const BATCH = 512;
/** Batches a worker holds at once: enough for it never to idle while the main thread hashes a slice. */
const IN_FLIGHT = 4;
/** The main thread hashes in slices this long, then lets the event loop run. */
const SLICE_MS = 10;

interface Thread {
  worker: Worker;
  /** The paths of each batch handed to the worker and not back yet, oldest first (it answers in order). */
  batches: string[][];
}

/**
 * Hash files with every core busy, from the moment the first files are
 * known: files are added as a walk finds them (`add`), workers hash them in
 * batches while the walk goes on, and `finish` has the main thread join in
 * on what is left. An unreadable file maps to its error.
 */
export class HashPool {
  readonly #threads: Thread[] = [];
  readonly #size: number;
  readonly #prefix: string;
  readonly #queue: string[] = [];
  /** The first file of #queue not handed out yet. */
  #next = 0;
  #finishing = false;
  #failed: Error | undefined;
  #settled: (() => void) | undefined;
  readonly results = new Map<string, FileDigest | Error>();

  constructor(root: string, threads = availableParallelism()) {
    this.#size = Math.max(1, Math.min(threads, availableParallelism()));
    this.#prefix = root.endsWith(sep) ? root : root + sep;
  }

  /** A file to hash (relative to the root, `/`-separated). */
  add(path: string): void {
    this.#queue.push(path);
    if (this.#queue.length === WORKER_THRESHOLD) this.#start();
    if (this.#queue.length - this.#next >= BATCH) this.#feed();
  }

  /** Hash every file added and not hashed yet, the main thread included; every file's digest or error. */
  async finish(): Promise<Map<string, FileDigest | Error>> {
    this.#finishing = true;
    this.#feed();
    const buffer = Buffer.allocUnsafe(READ_SIZE);
    let sliceStart = performance.now();
    while (this.#next < this.#queue.length) {
      const end = Math.min(this.#next + BATCH, this.#queue.length);
      for (; this.#next < end; this.#next++) {
        const path = this.#queue[this.#next]!;
        record(this.results, path, hashOneSync(buffer, this.#prefix + path, wantsText(path)));
      }
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn(); // replies come in, workers get more
        sliceStart = performance.now();
      }
    }
    await new Promise<void>((resolve) => {
      this.#settled = resolve;
      this.#check();
    });
    if (this.#failed) throw this.#failed;
    return this.results;
  }

  async close(): Promise<void> {
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  #start(): void {
    while (this.#threads.length < this.#size - 1) {
      const thread: Thread = {
        worker: startHashWorker({ onMessage: (results: HashedBatch) => this.#received(thread, results), onFail: (err) => this.#fail(err) }),
        batches: [],
      };
      this.#threads.push(thread);
    }
  }

  /** Hand batches to workers with room: whole batches while files are still being added, what is left once finishing. */
  #feed(): void {
    for (const thread of this.#threads) {
      while (thread.batches.length < IN_FLIGHT && !this.#failed) {
        const left = this.#queue.length - this.#next;
        if (left === 0 || (left < BATCH && !this.#finishing)) return;
        const paths = this.#queue.slice(this.#next, this.#next + BATCH);
        this.#next += paths.length;
        thread.batches.push(paths);
        const batch: HashBatch = { prefix: this.#prefix, paths, keepText: Uint8Array.from(paths, (p) => (wantsText(p) ? 1 : 0)) };
        thread.worker.postMessage(batch);
      }
    }
  }

  #received(thread: Thread, results: HashedBatch): void {
    const paths = thread.batches.shift() ?? [];
    for (let i = 0; i < paths.length; i++) record(this.results, paths[i]!, results[i]!);
    this.#feed();
    this.#check();
  }

  #fail(err: Error): void {
    this.#failed ??= err;
    for (const thread of this.#threads) thread.batches = [];
    this.#check();
  }

  /** Resolve finish() once every batch handed out has come back (or a worker failed). */
  #check(): void {
    if (this.#settled && this.#threads.every((t) => t.batches.length === 0)) {
      this.#settled();
      this.#settled = undefined;
    }
  }
}

/**
 * A hashing thread (hash-worker.ts), not keeping the process alive. A worker
 * hashing files allocates little (its read buffer lives outside the heap): a
 * small young generation keeps its memory a few megabytes. One that walks
 * whole folders allocates their entries: give it more, or it spends its time
 * collecting garbage.
 */
export function startHashWorker<T>({ youngGenerationMb = 4, onMessage, onFail }: HashWorkerEvents<T>): Worker {
  const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb } });
  worker.unref();
  worker.on('message', onMessage);
  worker.on('error', onFail);
  // A worker only stops when it is terminated (close) or dies: either way, what it held is lost.
  worker.on('exit', (code: number) => onFail(new Error(`a hashing worker stopped (exit code ${code}) before it finished`)));
  return worker;
}

/** What a hashing worker's owner hears: each answer, in order, and its failure (an error thrown in it, or its end). */
export interface HashWorkerEvents<T> {
  youngGenerationMb?: number;
  onMessage: (answer: T) => void;
  onFail: (err: Error) => void;
}

/** A file's result as a digest (or its error) in a map of them. */
export function record(results: Map<string, FileDigest | Error>, path: string, [sha256, size, text]: HashResult): void {
  if (sha256 === null) results.set(path, new Error(text));
  else results.set(path, text === undefined ? { sha256, size } : { sha256, size, text });
}

/** Hash files once, with a pool made for the call. */
export async function hashFiles(root: string, paths: readonly string[], threads?: number): Promise<Map<string, FileDigest | Error>> {
  const pool = new HashPool(root, threads);
  try {
    for (const path of paths) pool.add(path);
    return await pool.finish();
  } finally {
    await pool.close();
  }
}
