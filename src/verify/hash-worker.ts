/**
 * A hashing thread of HashPool (hash-files.ts): it takes files until the
 * shared counter passes the end of the job, then hands back
 * [index, result] pairs in one message.
 *
 * Loaded by URL beside hash-files: the .js that the build emits, or this
 * .ts itself when the sources run directly (the tests; Node 24 strips the
 * types). Hence the `.ts` import below, which the build rewrites to `.js`
 * (tsconfig rewriteRelativeImportExtensions).
 */
import { parentPort } from 'node:worker_threads';
import { hashOneSync, READ_SIZE } from './hash-one.ts';

export interface HashJob {
  /** The root, ending in a separator; each path is relative to it. */
  prefix: string;
  paths: readonly string[];
  /** 1 where the file's text is kept (manifests, checksum files). */
  keepText: Uint8Array;
  /** One Int32 the threads take the next index from (Atomics.add). */
  counter: Int32Array;
}

const buffer = Buffer.allocUnsafe(READ_SIZE);

parentPort?.on('message', ({ prefix, paths, keepText, counter }: HashJob) => {
  const out: unknown[] = [];
  for (let i = Atomics.add(counter, 0, 1); i < paths.length; i = Atomics.add(counter, 0, 1)) {
    out.push(i, hashOneSync(buffer, prefix + paths[i], keepText[i] === 1));
  }
  parentPort!.postMessage(out);
});
