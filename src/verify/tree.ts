import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

export type TreeEntry =
  | { type: 'file'; path: string; /** -1 when not known from the walk (the hashing pass measures it). */ size: number }
  | { type: 'dir'; path: string }
  | { type: 'symlink'; path: string }
  | { type: 'special'; path: string };

export interface WalkOptions {
  /** Called once, as soon as the walk has seen this many files (`atFiles`), e.g. to boot hashing workers early. */
  onFiles?: { atFiles: number; call: () => void };
}

/** Directories read between turns of the event loop. */
const DIRS_PER_TURN = 64;

/**
 * Every entry under `root`, relative paths with `/`, never following a
 * symbolic link. Sorted, so reports are stable. Directories are read
 * synchronously (one system call each, no thread-pool round trip), a batch
 * at a time between turns of the event loop.
 */
export async function walkTree(root: string, options: WalkOptions = {}): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const pending = [''];
  let fileCount = 0;
  let notify = options.onFiles;
  for (let dirsRead = 1; pending.length > 0; dirsRead++) {
    const relative = pending.pop()!;
    // readdir's file types come from the directory itself (d_type): no stat per
    // file, and a symbolic link is reported as one, never followed.
    for (const dirent of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      let kind: TreeEntry['type'];
      if (dirent.isSymbolicLink()) kind = 'symlink';
      else if (dirent.isDirectory()) kind = 'dir';
      else if (dirent.isFile()) kind = 'file';
      else if (dirent.isBlockDevice() || dirent.isCharacterDevice() || dirent.isFIFO() || dirent.isSocket()) kind = 'special';
      else {
        // d_type unknown on this file system: ask lstat.
        const info = lstatSync(join(root, path));
        kind = info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'special';
      }
      if (kind === 'dir') pending.push(path);
      if (kind === 'file') {
        entries.push({ type: 'file', path, size: -1 });
        if (notify && ++fileCount >= notify.atFiles) {
          notify.call();
          notify = undefined;
        }
      } else entries.push({ type: kind, path });
    }
    if (dirsRead % DIRS_PER_TURN === 0) await nextTurn();
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
