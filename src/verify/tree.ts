import type { Dirent } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CustodyError, fromFsError } from '../errors.js';
import { byPath, walkSteps, type TreeEntry } from './walk-steps.js';

export interface WalkOptions {
  /** Called for each regular file as the walk finds it (relative path), e.g. to hash it while the walk goes on. */
  onFile?: (path: string) => void;
  /** How a folder is listed (a seam for tests that need a folder to fail as it would without root's rights). */
  readdir?: (path: string) => Dirent[];
  /** Names directly under the root that are listed but never entered (a root's derived index, its day folders walked apart). */
  notEntered?: (name: string) => boolean;
  /** Walk only this folder of the root (paths stay relative to the root; the folder's own entry is not among them). */
  base?: string;
}

/**
 * Every entry under `root`, relative paths with `/`, never following a
 * symbolic link. Sorted, so reports are stable. Directories are read
 * synchronously, a batch at a time between turns of the event loop
 * (walk-steps.ts). A folder below the root that cannot be read is an
 * `unreadable` entry and the walk goes on; a root that cannot be read is an
 * error naming it.
 */
export async function walkTree(root: string, options: WalkOptions = {}): Promise<TreeEntry[]> {
  const steps = walkSteps(root, options.base ?? '', options);
  for (;;) {
    let step: IteratorResult<void, TreeEntry[]>;
    try {
      step = steps.next();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new CustodyError('NOT_A_BUNDLE', `${root} is not a folder`, { cause: err });
      throw fromFsError(err, root, 'read folder');
    }
    if (step.done) return byPath(step.value);
    await nextTurn();
  }
}
