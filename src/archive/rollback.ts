import { rmdir, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { writeIfChanged } from './atomic.js';
import { checksumLine, sha256Hex } from '../lib/hash.js';
import { removeJournal } from './journal.js';
import { CHECKSUM_SUFFIX, MANIFEST } from '../lib/archive-format.js';

/** What a transaction changed so far, in the order it did it. */
export interface Undo {
  dayPath: string;
  /** Files this transaction created (absolute paths). */
  created: string[];
  /** Manifests it may have replaced: their folder and their text before (null: there was none). */
  manifests: { dir: string; previous: string | null }[];
}

/**
 * Put a day back as it was before a transaction that failed half-way (a full
 * disk, a folder that cannot be written): the files it created removed
 * first (that frees the space the rest needs), each manifest back to its
 * previous text, the folders it created removed when empty, and the journal
 * last. When any step fails the journal stays, and verify reports the day as
 * an interrupted run that the next archive completes: nothing is lost either
 * way, and no leftover is ever reported as tampering.
 */
export async function rollBack(undo: Undo): Promise<void> {
  for (const path of [...undo.created].reverse()) await unlinkIfThere(path);
  for (const { dir, previous } of [...undo.manifests].reverse()) {
    if (previous === null) {
      await unlinkIfThere(join(dir, MANIFEST + CHECKSUM_SUFFIX));
      await unlinkIfThere(join(dir, MANIFEST));
    } else {
      await writeIfChanged(join(dir, MANIFEST), previous);
      await writeIfChanged(join(dir, MANIFEST + CHECKSUM_SUFFIX), checksumLine(sha256Hex(previous), MANIFEST));
    }
  }
  const folders = new Set([...undo.created.map((path) => dirname(path)), ...undo.manifests.map((m) => m.dir)]);
  for (const folder of folders) await removeEmptyUpTo(folder, undo.dayPath);
  await removeJournal(undo.dayPath);
  await rmdir(undo.dayPath).catch(() => undefined); // only when the day is left empty
}

async function unlinkIfThere(path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** Remove `folder` and its parents while they are empty, stopping below `top`. */
async function removeEmptyUpTo(folder: string, top: string): Promise<void> {
  let dir = folder;
  while (relative(top, dir) !== '' && !relative(top, dir).startsWith(`..${sep}`)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}
