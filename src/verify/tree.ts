import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CustodyError, fromFsError } from '../errors.js';

export type TreeEntry =
  | { type: 'file'; path: string; /** -1 when not known from the walk (the hashing pass measures it). */ size: number }
  | { type: 'dir'; path: string }
  | { type: 'symlink'; path: string }
  | { type: 'special'; path: string }
  /** A folder (or entry) the walk could not read: EACCES, EIO… `reason` is the error code. */
  | { type: 'unreadable'; path: string; reason: string };

export interface WalkOptions {
  /** Called for each regular file as the walk finds it (relative path), e.g. to hash it while the walk goes on. */
  onFile?: (path: string) => void;
  /** How a folder is listed (a seam for tests that need a folder to fail as it would without root's rights). */
  readdir?: (path: string) => Dirent[];
  /** Folders directly under the root that are listed but never entered (a root's derived index). */
  notEntered?: ReadonlySet<string>;
}

const listFolder = (path: string): Dirent[] => readdirSync(path, { withFileTypes: true });

function reasonOf(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.message : String(err));
}

/** Directories read between turns of the event loop. */
const DIRS_PER_TURN = 64;

/**
 * Every entry under `root`, relative paths with `/`, never following a
 * symbolic link. Sorted, so reports are stable. Directories are read
 * synchronously (one system call each, no thread-pool round trip), a batch
 * at a time between turns of the event loop. A folder below the root that
 * cannot be read is an `unreadable` entry and the walk goes on; a root that
 * cannot be read is an error naming it.
 */
export async function walkTree(root: string, options: WalkOptions = {}): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const pending = [''];
  for (let dirsRead = 1; pending.length > 0; dirsRead++) {
    const relative = pending.pop()!;
    // readdir's file types come from the directory itself (d_type): no stat per
    // file, and a symbolic link is reported as one, never followed.
    let dirents: Dirent[];
    try {
      dirents = (options.readdir ?? listFolder)(join(root, relative));
    } catch (err) {
      if (relative === '') {
        if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new CustodyError('NOT_A_BUNDLE', `${root} is not a folder`, { cause: err });
        throw fromFsError(err, root, 'read folder');
      }
      entries.push({ type: 'unreadable', path: relative, reason: reasonOf(err) });
      continue;
    }
    for (const dirent of dirents) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      let kind: TreeEntry['type'];
      if (dirent.isSymbolicLink()) kind = 'symlink';
      else if (dirent.isDirectory()) kind = 'dir';
      else if (dirent.isFile()) kind = 'file';
      else if (dirent.isBlockDevice() || dirent.isCharacterDevice() || dirent.isFIFO() || dirent.isSocket()) kind = 'special';
      else {
        // d_type unknown on this file system: ask lstat.
        let info;
        try {
          info = lstatSync(join(root, path));
        } catch (err) {
          entries.push({ type: 'unreadable', path, reason: reasonOf(err) });
          continue;
        }
        kind = info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'special';
      }
      if (kind === 'dir' && !(relative === '' && options.notEntered?.has(dirent.name))) pending.push(path);
      if (kind === 'file') {
        entries.push({ type: 'file', path, size: -1 });
        options.onFile?.(path);
      } else entries.push({ type: kind, path });
    }
    if (dirsRead % DIRS_PER_TURN === 0) await nextTurn();
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
