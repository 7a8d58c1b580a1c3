import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { diskError } from '../lib/atomic.js';
// Not an ES import of node:fs: its facade loads the fs streams (see src/query/archive-days.ts).
const { lstatSync } = process.getBuiltinModule('node:fs');

/**
 * custody writes only into real folders under the root. A symbolic link (or
 * a file) where an archive folder belongs would send the writes somewhere
 * else, outside the root, so every existing component of `relative` under
 * `root` must be a directory reached without following a link. The root
 * itself is the user's to choose and may be a link.
 */
export async function assertRealFolders(root: string, relative: string): Promise<void> {
  let path = root;
  for (const segment of relative.split('/')) {
    if (segment === '' || segment === '.') continue;
    path = join(path, segment);
    let info;
    try {
      // A few lstat calls, made synchronously: node:fs/promises need not load for them (a query's start).
      info = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw diskError(err, path, 'inspect');
    }
    if (info.isSymbolicLink()) {
      throw new CustodyError(
        'ARCHIVE_UNSAFE',
        `${path} is a symbolic link; custody writes only into real folders under the root and never follows a link it did not create (remove the link)`,
      );
    }
    if (!info.isDirectory()) throw new CustodyError('ARCHIVE_UNSAFE', `${path} is not a folder; custody will not write the archive through it`);
  }
}
