import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sha256Hex } from '../archive/hash.js';
import { JOURNAL } from '../archive/journal.js';
import { LOCK_NAME } from '../archive/lock.js';
import { DATE_PATTERN, INDEX_DIR, MANIFEST } from '../archive/paths.js';
import { CustodyError } from '../errors.js';

/** A day folder of the archive as it is now: the sha256 of its manifest, or why it cannot be indexed yet. */
export interface ArchiveDay {
  date: string;
  /** sha256 of `DAY/manifest.json` as read now; undefined when there is none yet. */
  sha256: string | undefined;
  /** A write-ahead journal is there: a run is writing the day, or was interrupted (the next archive completes it). */
  pending: boolean;
}

const ROOT_NAMES = new Set(['.gitkeep', LOCK_NAME, INDEX_DIR]);

/**
 * The day folders of a root, oldest first, each day manifest read and
 * hashed: the cheap look a query takes before trusting its index. Throws
 * NOT_A_BUNDLE for a folder that is not an archive root (a day folder given
 * instead of its root, say), VERIFICATION_FAILED for a day "folder" that is a
 * link or a file.
 */
export function readArchiveDays(root: string): ArchiveDay[] {
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CustodyError(code === 'ENOTDIR' ? 'NOT_A_BUNDLE' : 'FILE_UNREADABLE', `cannot read the archive root ${root}: ${code ?? String(err)}`, { cause: err });
  }
  const days = entries.filter((e) => DATE_PATTERN.test(e.name));
  if (days.length === 0 && entries.some((e) => !ROOT_NAMES.has(e.name))) {
    const hint = entries.some((e) => e.name === MANIFEST) ? ` (it looks like a ${DATE_PATTERN.test(basename(root)) ? 'day' : 'image'} folder; give the archive root)` : '';
    throw new CustodyError('NOT_A_BUNDLE', `${root} is not a custody archive root: no YYYY-MM-DD day folders${hint}`);
  }
  const out: ArchiveDay[] = [];
  for (const entry of days.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const dir = join(root, entry.name);
    if (!entry.isDirectory()) {
      throw new CustodyError('VERIFICATION_FAILED', `${dir} is ${entry.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; an archive's days are real folders (custody verify ${root} reports it)`);
    }
    out.push({ date: entry.name, sha256: hashIfExists(join(dir, MANIFEST)), pending: existsSync(join(dir, JOURNAL)) });
  }
  return out;
}

function hashIfExists(path: string): string | undefined {
  try {
    return sha256Hex(readFileSync(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}
