import { basename, join } from 'node:path';
import { sha256Hex } from '../lib/hash.js';
import { CustodyError } from '../errors.js';
import { DATE_PATTERN, INDEX_DIR, JOURNAL, LOCK_NAME, MANIFEST, TEXT_FILE_LIMIT } from '../lib/archive-format.js';
// Not `import … from 'node:fs'`: an ES import of node:fs builds its facade, whose getters load the fs streams (about 3 ms of a short run's start).
const { existsSync, readdirSync, readFileSync, statSync } = process.getBuiltinModule('node:fs');

/** A day folder of the archive as it is now: the sha256 of its manifest, or why it cannot be indexed yet. */
export interface ArchiveDay {
  date: string;
  /** sha256 of `DAY/manifest.json` as it is now; undefined when there is none yet. */
  sha256: string | undefined;
  /** A write-ahead journal is there: a run is writing the day, or was interrupted (the next archive completes it). */
  pending: boolean;
  /** The manifest's file identity (see readArchiveDays), taken before its bytes were read, and when (ms since the epoch). */
  stat: string | undefined;
  statAt: number;
}

/** What the index recorded of a day manifest: its sha256, and the file identity it had then. */
export interface RecordedDay {
  sha256: string;
  stat: string | null;
  /** When that identity was taken (ms since the epoch). */
  statAt: number | null;
}

const ROOT_NAMES = new Set(['.gitkeep', LOCK_NAME, INDEX_DIR]);

/**
 * The day folders of a root, oldest first. Throws NOT_A_BUNDLE for a folder
 * that is not an archive root (a day folder given instead of its root, say),
 * VERIFICATION_FAILED for a day "folder" that is a link or a file.
 */
export function listDayFolders(root: string): string[] {
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // An export is a file: the index needs the folders (report and diff read exports as they are).
    const hint = code === 'ENOTDIR' && /\.(tar\.gz|tgz|tar)$/i.test(root) ? ` (an export: extract it, tar -xzf ${basename(root)}, and give the folder)` : '';
    throw new CustodyError(code === 'ENOTDIR' ? 'NOT_A_BUNDLE' : 'FILE_UNREADABLE', `cannot read the archive root ${root}: ${code ?? String(err)}${hint}`, {
      cause: err,
    });
  }
  const days = entries.filter((e) => DATE_PATTERN.test(e.name));
  if (days.length === 0 && entries.some((e) => !ROOT_NAMES.has(e.name))) {
    const hint = entries.some((e) => e.name === MANIFEST)
      ? ` (it looks like ${DATE_PATTERN.test(basename(root)) ? 'a day' : 'an image'} folder; give the archive root)`
      : '';
    throw new CustodyError('NOT_A_BUNDLE', `${root} is not a custody archive root: no YYYY-MM-DD day folders${hint}`);
  }
  for (const entry of days) {
    if (!entry.isDirectory()) {
      const what = entry.isSymbolicLink() ? 'a symbolic link' : 'not a folder';
      throw new CustodyError(
        'VERIFICATION_FAILED',
        `${join(root, entry.name)} is ${what}; an archive's days are real folders (custody verify ${root} reports it)`,
      );
    }
  }
  return days.map((e) => e.name).sort();
}

/**
 * Each day manifest's sha256 as it is now: the look a query takes before
 * trusting its index. A manifest whose file identity (inode, size, mtime,
 * ctime) is the one recorded when it was hashed, and which had not changed
 * for 2 s before that, is the file that was hashed: its recorded sha256
 * stands, as git trusts its index's stat data (and re-hashes "racily clean"
 * entries). Every other manifest is read and hashed again. Replacing or
 * writing a file changes its ctime, which no file API can set back; whoever
 * can (root, by moving the clock) can also rewrite the index itself, which
 * is why `custody index --rebuild` builds it from the archive alone.
 */
export function readArchiveDays(root: string, dates: readonly string[], recorded: ReadonlyMap<string, RecordedDay> = new Map()): ArchiveDay[] {
  // Dates are plain names (listDayFolders): joined by hand, not normalised 730 times by path.join.
  const base = root.endsWith('/') ? root : `${root}/`;
  return dates.map((date) => {
    const dir = `${base}${date}`;
    const file = `${dir}/${MANIFEST}`;
    const statAt = Date.now();
    const stat = fileIdentity(file);
    const known = recorded.get(date);
    // The manifest the index holds is still there, unchanged: whether a run is adding to the day does not matter yet.
    if (stat && known && known.stat === stat.key && known.statAt !== null && stat.ctimeMs < known.statAt - RACY_MS)
      return { date, sha256: known.sha256, pending: false, stat: stat.key, statAt };
    const pending = existsSync(`${dir}/${JOURNAL}`);
    if (stat === undefined) return { date, sha256: undefined, pending, stat: undefined, statAt };
    if (stat.size > TEXT_FILE_LIMIT)
      throw new CustodyError(
        'VERIFICATION_FAILED',
        `${date}/${MANIFEST} is ${stat.size} bytes, more than the ${TEXT_FILE_LIMIT} a manifest may have; not indexed (custody verify ${root} lists every problem)`,
      );
    return { date, sha256: hashFile(file), pending, stat: stat.key, statAt };
  });
}

/** A file changed this close before its identity was taken may change again within the same timestamp: hash it. */
const RACY_MS = 2000;

/** `ino:size:mtimeMs:ctimeMs` (sub-microsecond fractions), or undefined when the file is not there. */
export function fileIdentity(path: string): { key: string; ctimeMs: number; size: number } | undefined {
  let info;
  try {
    info = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${code ?? String(err)}`, { cause: err });
  }
  return { key: `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`, ctimeMs: info.ctimeMs, size: info.size };
}

function hashFile(path: string): string | undefined {
  try {
    return sha256Hex(readFileSync(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}
