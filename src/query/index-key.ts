import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { nodeCrypto } from '../lib/hash.js';
import { userCacheFolder } from '../lib/user-cache.js';
// Not an ES import of node:fs: its facade loads the fs streams (see src/query/archive-days.ts).
const { closeSync, constants, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } = process.getBuiltinModule('node:fs');

/**
 * The user's index key, and the seal it puts on each index custody builds.
 *
 * An index lies inside the archive root (`ROOT/.custody-index/`), and the
 * root is as hostile as anything custody reads: `verify` does not look into
 * the index, so a folder handed over with an index in it (or an export
 * extracted with a crafted `.custody-index/` entry) could carry forged
 * answers beside an archive that verifies. The day-manifest hashes an index
 * records say which archive it describes, not who wrote its facts. So each
 * index gets, when it is created, a random id and the HMAC-SHA256 of that id
 * under a key only this user holds (`CACHE/index-key`, user-cache.ts: 32
 * random bytes, made on first use, a private file); an index without that
 * seal is never read, only built again. Whoever can write an index custody
 * sealed can still rewrite its facts, as they could with no seal:
 * `custody index --rebuild` builds it from the archive alone.
 */
export type IndexKey = { key: Buffer; file: string } | { key: undefined; why: string };

const KEY_NAME = 'index-key';
const KEY_TEXT = /^[0-9a-f]{64}\n?$/;
/** Keys read in this process, by file (the cache folder follows XDG_CACHE_HOME, which tests change). */
const known = new Map<string, Buffer>();

/**
 * This user's index key, made the first time. Undefined key (and why) when
 * the user has no cache folder that can be written: no index can be sealed
 * then, so none is ever read (each run builds its own). A key file that is
 * not a private regular file of this user's, or not a key, is refused (exit 2).
 */
export function indexKey(): IndexKey {
  const folder = userCacheFolder();
  if (folder === undefined) return { key: undefined, why: 'no home folder to keep it in' };
  const file = join(folder, KEY_NAME);
  const cached = known.get(file);
  if (cached) return { key: cached, file };
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!exists(file)) makeKey(file);
  } catch (err) {
    return { key: undefined, why: `${file} cannot be written (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  const key = readKey(file);
  known.set(file, key);
  return { key, file };
}

/** The seal of the index with this id. */
export function sealOf(key: Buffer, id: string): string {
  return nodeCrypto().createHmac('sha256', key).update(`custody index ${id}`).digest('hex');
}

/** A new index's id and seal (no seal without a key). */
export function newSeal(key: Buffer | undefined): { id: string; seal: string | undefined } {
  const id = nodeCrypto().randomBytes(16).toString('hex');
  return { id, seal: key ? sealOf(key, id) : undefined };
}

/** Whether `seal` is the seal of `id` under this key (compared in constant time). */
export function sealMatches(key: Buffer, id: string, seal: string): boolean {
  const expected = Buffer.from(sealOf(key, id), 'hex');
  const given = Buffer.from(seal, 'hex');
  return given.length === expected.length && nodeCrypto().timingSafeEqual(given, expected);
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Write a new key whole under another name, then link it into place: two runs making it at once end with one key. */
function makeKey(file: string): void {
  const temp = `${file}.${process.pid}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${nodeCrypto().randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The key, read through one descriptor opened without following a link, checked for what it is and whose. */
function readKey(file: string): Buffer {
  const refuse = (why: string) =>
    new CustodyError('INVALID_KEY', `the index key ${file} ${why}; custody keeps it a private file of yours: remove it (each index is then built again once)`);
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refuse(code === 'ELOOP' ? 'is a symbolic link' : `cannot be read (${code ?? String(err)})`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw refuse('is not a regular file');
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) throw refuse(`belongs to another user (uid ${info.uid})`);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) throw refuse(`can be read or written by others (mode ${(info.mode & 0o777).toString(8)})`);
    const text = readFileSync(fd, 'latin1');
    if (!KEY_TEXT.test(text)) throw refuse('is not 64 hexadecimal digits');
    return Buffer.from(text.slice(0, 64), 'hex');
  } finally {
    closeSync(fd);
  }
}
