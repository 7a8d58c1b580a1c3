import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export type TreeEntry =
  | { type: 'file'; path: string; size: number }
  | { type: 'dir'; path: string }
  | { type: 'symlink'; path: string }
  | { type: 'special'; path: string };

/**
 * Every entry under `root`, relative paths with `/`, never following a
 * symbolic link. Sorted, so reports are stable.
 */
export async function walkTree(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    const names = (await readdir(join(root, relative))).sort();
    for (const name of names) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const info = await lstat(join(root, path));
      if (info.isSymbolicLink()) entries.push({ type: 'symlink', path });
      else if (info.isDirectory()) {
        entries.push({ type: 'dir', path });
        pending.push(path);
      } else if (info.isFile()) entries.push({ type: 'file', path, size: info.size });
      else entries.push({ type: 'special', path });
    }
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
