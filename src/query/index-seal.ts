import { join } from 'node:path';
import { nodeCrypto } from '../lib/hash.js';
import { userCacheFolder } from '../lib/user-cache.js';
// Not an ES import of node:fs: its facade loads the fs streams (see src/query/archive-days.ts).
const { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } = process.getBuiltinModule('node:fs');

/**
 * Which index files this user's custody built: the only ones it reads.
 *
 * An index lies inside the archive root (`ROOT/.custody-index/`), and the
 * root is as hostile as anything custody reads: `verify` does not look into
 * the index, so a folder handed over with an index in it (or an export
 * extracted with a crafted `.custody-index/` entry) could carry forged
 * answers beside an archive that verifies. The day-manifest hashes an index
 * records say which archive it describes, not who wrote its facts.
 *
 * So each index gets a random id when custody creates it, and the user's
 * cache gets a seal under that id (`CACHE/index-seals/ID`, user-cache.ts, a
 * folder private to the user) naming the file it was made in: its device
 * and inode. An index is read only when its id has a seal here naming that
 * very file. A planted index has no seal; a copy of one of this user's own
 * (handed back from a folder shared before, edited) is another file. Nothing
 * is hashed to check a seal: a query opens its index with one small read.
 * Whoever can write the sealed file itself can still rewrite its facts, as
 * they could with no seal: `custody index --rebuild` builds it from the
 * archive alone.
 */
export type SealFolder = { folder: string } | { folder: undefined; why: string };

const ID = /^[0-9a-f]{32}$/;

/**
 * The user's seal folder, made private the first time. Undefined folder (and
 * why) when there is none this user alone can write: no index can be sealed
 * then, so none is ever read (each run builds its own, and says why).
 */
export function sealFolder(): SealFolder {
  const cache = userCacheFolder();
  if (cache === undefined) return { folder: undefined, why: 'there is no home folder to keep them in' };
  const folder = join(cache, 'index-seals');
  let info;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    info = lstatSync(folder);
  } catch (err) {
    return { folder: undefined, why: `${folder} cannot be made (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  if (!info.isDirectory()) return { folder: undefined, why: `${folder} is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}` };
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return { folder: undefined, why: `${folder} belongs to another user (uid ${info.uid})` };
  if (process.platform !== 'win32' && (info.mode & 0o022) !== 0)
    return { folder: undefined, why: `${folder} can be written by others (mode ${(info.mode & 0o777).toString(8)})` };
  return { folder };
}

/** Seal the index file at `path`, just made: its new id, to be stored in the index (`meta`). */
export function sealIndex(seals: SealFolder, path: string): string {
  const id = nodeCrypto().randomBytes(16).toString('hex');
  if (seals.folder === undefined) return id;
  const file = join(seals.folder, id);
  try {
    // Whole or not at all: written aside, then renamed into place.
    writeFileSync(`${file}.tmp`, `${identity(path)}\n${path}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(`${file}.tmp`, file);
  } catch {
    // Unsealed, the index still answers this run; the next one builds it again and says why.
  }
  return id;
}

/** Whether the index with this id, opened at `path`, is the very file this user's custody sealed under it. */
export function isSealedIndex(seals: SealFolder, id: unknown, path: string): boolean {
  if (seals.folder === undefined || typeof id !== 'string' || !ID.test(id)) return false;
  let fd;
  try {
    fd = openSync(join(seals.folder, id), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return false;
  }
  try {
    if (!fstatSync(fd).isFile()) return false;
    const sealed = readFileSync(fd, 'utf8').split('\n', 1)[0];
    return sealed === identity(path);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** `DEV:INODE` of a file: what a copy, or a file put in its place, does not share. */
function identity(path: string): string {
  const info = lstatSync(path, { bigint: true });
  return `${info.dev}:${info.ino}`;
}
