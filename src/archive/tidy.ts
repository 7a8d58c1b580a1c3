import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fromFsError } from '../errors.js';
import { isTempName } from '../lib/archive-format.js';

/**
 * Remove temporary files that a killed run left in a day folder. They were
 * never renamed into place, so no manifest lists them. Call with the lock held:
 * every writer holds it, so no temporary file here is still being written.
 */
export async function removeLeftoverTemps(dir: string): Promise<number> {
  let removed = 0;
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw fromFsError(err, dir, 'list');
  }
  for (const entry of names) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removed += await removeLeftoverTemps(path);
    else if (entry.isFile() && isTempName(entry.name)) {
      await unlink(path).catch((err: unknown) => {
        throw fromFsError(err, path, 'remove');
      });
      removed++;
    }
  }
  return removed;
}
