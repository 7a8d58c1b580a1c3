import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export type TreeEntry =
  | { type: 'file'; path: string; /** -1 when not known from the walk (the hashing pass measures it). */ size: number }
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
    // readdir's file types come from the directory itself (d_type): no stat per
    // file, and a symbolic link is reported as one, never followed.
    const dirents = await readdir(join(root, relative), { withFileTypes: true });
    for (const dirent of dirents) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      let kind: TreeEntry['type'];
      if (dirent.isSymbolicLink()) kind = 'symlink';
      else if (dirent.isDirectory()) kind = 'dir';
      else if (dirent.isFile()) kind = 'file';
      else if (dirent.isBlockDevice() || dirent.isCharacterDevice() || dirent.isFIFO() || dirent.isSocket()) kind = 'special';
      else {
        // d_type unknown on this file system: ask lstat.
        const info = await lstat(join(root, path));
        kind = info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'special';
      }
      if (kind === 'dir') pending.push(path);
      entries.push(kind === 'file' ? { type: 'file', path, size: -1 } : { type: kind, path });
    }
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
