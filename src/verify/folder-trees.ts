import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { record, startHashWorker, TEXT_SUFFIXES, type FileDigest } from './hash-files.js';
import { diskTree, diskTreeOf, type ArchiveTree } from './tree-source.js';
import type { FolderJob, WalkedFolder } from './walk-folder.js';

/** Trees handed out one at a time, in order. */
export interface TreeSource {
  next(): Promise<ArchiveTree | undefined>;
  close(): Promise<void>;
}

/** Below this many folders, each is read in turn (its files hashed in parallel, hash-files.ts): starting workers per folder would cost more. */
export const FOLDER_WORKER_THRESHOLD = 8;

/**
 * The trees of folders of a root (a root's days), in order: read ahead by
 * worker threads when there are many, else one after the other.
 */
export function folderTrees(root: string, folders: readonly string[], concurrency?: number): TreeSource {
  const threads = Math.max(1, Math.min(concurrency ?? availableParallelism(), availableParallelism()));
  if (folders.length >= FOLDER_WORKER_THRESHOLD && threads > 1) return new FolderTrees(root, folders, threads);
  let next = 0;
  return {
    next: async () => {
      if (next >= folders.length) return undefined;
      const folder = folders[next++]!;
      const tree = await diskTree(root, concurrency, { base: folder });
      tree.entries.unshift({ type: 'dir', path: folder });
      return tree;
    },
    close: async () => undefined,
  };
}

interface Thread {
  worker: Worker;
  /** Indexes of the folders posted to it and not answered yet, oldest first (it answers in order). */
  jobs: number[];
}

/** The young generation of a worker that walks whole days (see startHashWorker). */
const WALKER_YOUNG_GENERATION_MB = 32;
/** Folders a worker holds at once: one it walks, one waiting, so it never idles while the main thread is busy. */
const JOBS_PER_THREAD = 2;
/** Folders walked ahead of the one the caller is at, per thread: bounds the memory of trees not asked for yet. */
const AHEAD_PER_THREAD = 3;

/**
 * The trees of many folders of one root (a root's days), each walked and
 * hashed whole by a worker thread, handed out in order: while the caller
 * checks one day, the workers read the next ones. Memory stays bounded:
 * only a few folders are read ahead of the caller.
 */
export class FolderTrees implements TreeSource {
  readonly #root: string;
  readonly #folders: readonly string[];
  readonly #threads: Thread[] = [];
  readonly #ahead: number;
  /** The next folder to post to a worker, and the next to hand out. */
  #posted = 0;
  #taken = 0;
  readonly #done = new Map<number, WalkedFolder>();
  #waiting: { index: number; resolve: (walked: WalkedFolder) => void; reject: (err: Error) => void } | undefined;
  #failed: Error | undefined;

  constructor(root: string, folders: readonly string[], threads: number) {
    this.#root = root;
    this.#folders = folders;
    this.#ahead = Math.max(1, threads) * AHEAD_PER_THREAD;
    for (let i = 0; i < Math.max(1, threads); i++) {
      const thread: Thread = {
        worker: startHashWorker({
          youngGenerationMb: WALKER_YOUNG_GENERATION_MB,
          onMessage: (walked: WalkedFolder) => this.#received(thread, walked),
          onFail: (err) => this.#fail(err),
        }),
        jobs: [],
      };
      this.#threads.push(thread);
    }
    this.#post();
  }

  /** The next folder's tree (folder entry included), in the order given; undefined after the last. */
  async next(): Promise<ArchiveTree | undefined> {
    const index = this.#taken;
    if (index >= this.#folders.length) return undefined;
    this.#taken++;
    this.#post();
    const walked =
      this.#done.get(index) ??
      (await new Promise<WalkedFolder>((resolve, reject) => {
        if (this.#failed) reject(this.#failed);
        else this.#waiting = { index, resolve, reject };
      }));
    this.#done.delete(index);
    const digests = new Map<string, FileDigest | Error>();
    let k = 0;
    for (const entry of walked.entries) if (entry.type === 'file') record(digests, entry.path, walked.results[k++]!);
    return diskTreeOf(this.#root, [{ type: 'dir', path: this.#folders[index]! }, ...walked.entries], digests);
  }

  async close(): Promise<void> {
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  /** Post folders to threads with room, up to the read-ahead limit. */
  #post(): void {
    for (const thread of this.#threads) {
      while (thread.jobs.length < JOBS_PER_THREAD && this.#posted < this.#folders.length && this.#posted < this.#taken + this.#ahead && !this.#failed) {
        const job: FolderJob = { root: this.#root, folder: this.#folders[this.#posted]!, textSuffixes: TEXT_SUFFIXES };
        thread.jobs.push(this.#posted++);
        thread.worker.postMessage(job);
      }
    }
  }

  #received(thread: Thread, walked: WalkedFolder): void {
    const index = thread.jobs.shift()!;
    this.#done.set(index, walked);
    if (this.#waiting?.index === index) {
      const { resolve } = this.#waiting;
      this.#waiting = undefined;
      resolve(walked);
    }
    this.#post();
  }

  #fail(err: Error): void {
    if (this.#threads.length === 0) return; // closed: the workers were stopped on purpose
    this.#failed ??= err;
    this.#waiting?.reject(this.#failed);
    this.#waiting = undefined;
  }
}
