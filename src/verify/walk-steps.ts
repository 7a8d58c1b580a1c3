/*
 * The walk of an archive folder, as steps: tree.ts drives it between turns
 * of the event loop, a hashing worker (hash-worker.ts) drives it straight
 * through. Only node: imports here, so that the worker can load this file
 * from the sources too (see hash-worker.ts).
 */
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

export type TreeEntry =
  | { type: 'file'; path: string; /** -1 when not known from the walk (the hashing pass measures it). */ size: number }
  | { type: 'dir'; path: string }
  | { type: 'symlink'; path: string }
  | { type: 'special'; path: string }
  /** A folder (or entry) the walk could not read: EACCES, EIO… `reason` is the error code. */
  | { type: 'unreadable'; path: string; reason: string };

export interface WalkSteps {
  /** Called for each regular file as the walk finds it (relative path), e.g. to hash it while the walk goes on. */
  onFile?: (path: string) => void;
  /** How a folder is listed (a seam for tests that need a folder to fail as it would without root's rights). */
  readdir?: (path: string) => Dirent[];
  /** Names directly under the root that are listed but never entered (a root's derived index, its day folders walked apart). */
  notEntered?: (name: string) => boolean;
}

/** Directories read per step. */
const DIRS_PER_STEP = 64;

const listFolder = (path: string): Dirent[] => readdirSync(path, { withFileTypes: true });

export function reasonOf(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.message : String(err));
}

/**
 * Every entry under `root/base` (base '' for the root itself), paths
 * relative to `root` with `/`, never following a symbolic link, in no
 * particular order; a step after every few folders read. Directories are
 * read synchronously (one system call each). A folder that cannot be read is
 * an `unreadable` entry and the walk goes on, except the root itself, whose
 * error is thrown.
 */
export function* walkSteps(root: string, base: string, options: WalkSteps = {}): Generator<void, TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const pending = [base];
  for (let dirsRead = 1; pending.length > 0; dirsRead++) {
    const relative = pending.pop()!;
    // readdir's file types come from the directory itself (d_type): no stat per
    // file, and a symbolic link is reported as one, never followed.
    let dirents: Dirent[];
    try {
      dirents = (options.readdir ?? listFolder)(join(root, relative));
    } catch (err) {
      if (relative === '') throw err;
      entries.push({ type: 'unreadable', path: relative, reason: reasonOf(err) });
      continue;
    }
    for (const dirent of dirents) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      const kind = kindOf(dirent, root, path);
      if (typeof kind !== 'string') entries.push(kind);
      else if (kind === 'file') {
        entries.push({ type: 'file', path, size: -1 });
        options.onFile?.(path);
      } else {
        if (kind === 'dir' && !(relative === '' && options.notEntered?.(dirent.name))) pending.push(path);
        entries.push({ type: kind, path });
      }
    }
    if (dirsRead % DIRS_PER_STEP === 0) yield;
  }
  return entries;
}

/** What an entry is, from the directory's own file type; lstat only when the file system does not say. */
function kindOf(dirent: Dirent, root: string, path: string): Exclude<TreeEntry['type'], 'unreadable'> | TreeEntry {
  if (dirent.isSymbolicLink()) return 'symlink';
  if (dirent.isDirectory()) return 'dir';
  if (dirent.isFile()) return 'file';
  if (dirent.isBlockDevice() || dirent.isCharacterDevice() || dirent.isFIFO() || dirent.isSocket()) return 'special';
  try {
    const info = lstatSync(join(root, path));
    return info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'special';
  } catch (err) {
    return { type: 'unreadable', path, reason: reasonOf(err) };
  }
}

/** Entries sorted by path, so that reports are stable. */
export function byPath(entries: TreeEntry[]): TreeEntry[] {
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
