/**
 * A hashing thread of HashPool (hash-files.ts) and of FolderTrees
 * (folder-trees.ts): it answers each message posted to it, in order: a
 * batch of files with one result per file, a folder with the folder walked
 * and every file in it hashed (walk-folder.ts).
 *
 * Loaded by URL beside hash-files: the .js that the build emits, or this
 * .ts itself when the sources run directly (the tests; Node 24 strips the
 * types). Hence the `.ts` imports below, which the build rewrites to `.js`
 * (tsconfig rewriteRelativeImportExtensions).
 */
import { parentPort } from 'node:worker_threads';
import { hashOneSync, READ_SIZE, type HashResult } from './hash-one.ts';
import { walkFolder, type FolderJob, type WalkedFolder } from './walk-folder.ts';

export interface HashBatch {
  /** The root, ending in a separator; each path is relative to it. */
  prefix: string;
  paths: string[];
  /** 1 where the file's text is kept (manifests, checksum files). */
  keepText: Uint8Array;
}

/** The answer to a batch: one result per path, in the same order. */
export type HashedBatch = HashResult[];

const buffer = Buffer.allocUnsafe(READ_SIZE);

parentPort?.on('message', (job: HashBatch | FolderJob) => {
  if ('folder' in job) {
    const walked: WalkedFolder = walkFolder(job, buffer);
    parentPort!.postMessage(walked);
    return;
  }
  const { prefix, paths, keepText } = job;
  const results: HashedBatch = paths.map((path, i) => hashOneSync(buffer, prefix + path, keepText[i] === 1));
  parentPort!.postMessage(results);
});
