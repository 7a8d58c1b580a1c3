/*
 * One folder of an archive walked and every file in it hashed, in one pass:
 * what a hashing worker does with a whole day (hash-worker.ts), ahead of the
 * checks that the main thread runs on the days before it. Loaded by the
 * worker from the sources too, hence only node: and `.ts` imports.
 */
import { sep } from 'node:path';
import { hashOneSync, type HashResult } from './hash-one.ts';
import { byPath, walkSteps, type TreeEntry } from './walk-steps.ts';

export interface FolderJob {
  root: string;
  /** The folder, relative to the root (a day folder's date). */
  folder: string;
  /** Files whose text is kept, by the end of their name (manifests, checksum files, journals). */
  textSuffixes: string[];
}

export interface WalkedFolder {
  /** Every entry under the folder, sorted by path, paths relative to the root; the folder itself is not among them. */
  entries: TreeEntry[];
  /** One result per regular file, in the order of `entries`. */
  results: HashResult[];
}

/** Walk `root/folder` and hash each regular file as it is found; a folder that cannot be read is an `unreadable` entry. */
export function walkFolder({ root, folder, textSuffixes }: FolderJob, buffer: Buffer): WalkedFolder {
  const prefix = root.endsWith(sep) ? root : root + sep;
  const hashed = new Map<string, HashResult>();
  const onFile = (path: string) =>
    hashed.set(
      path,
      hashOneSync(
        buffer,
        prefix + path,
        textSuffixes.some((suffix) => path.endsWith(suffix)),
      ),
    );
  const steps = walkSteps(root, folder, { onFile });
  let step = steps.next();
  while (!step.done) step = steps.next();
  const entries = byPath(step.value);
  const results: HashResult[] = [];
  for (const entry of entries) if (entry.type === 'file') results.push(hashed.get(entry.path)!);
  return { entries, results };
}
