import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { INDEX_DIR } from '../lib/archive-format.js';
import { assertRealFolders } from '../archive/real-folders.js';
import { CustodyError } from '../errors.js';
import { sha256Hex } from '../lib/hash.js';
import { userCacheFolder } from '../lib/user-cache.js';
import { TOOL } from '../version.js';
import { INDEX_WAIT_MS, indexFailure } from './index-errors.js';
import { isSealedIndex, sealFolder, sealIndex, type SealFolder } from './index-seal.js';
import { INDEX_FILE } from './paths.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
// Not `import … from 'node:fs'`: an ES import of node:fs builds its facade, whose getters load the fs streams (about 3 ms of a short run's start).
const { accessSync, constants, existsSync, lstatSync, mkdirSync, realpathSync, rmSync, writeFileSync } = process.getBuiltinModule('node:fs');

export interface OpenedIndex {
  db: DatabaseSync;
  path: string;
  /** Why the file was started afresh, as a clause after "because" (absent when an index of this version was opened). */
  fresh?: string;
  /** Set when the index is kept outside the root (it cannot be written): why, e.g. `ROOT cannot be written (EROFS)`. */
  outside?: string;
}

/**
 * Open (or create) the index of a root. A file that is not an SQLite
 * database, or one of another schema version, is deleted and started
 * again: it is derived, never the source of anything; so is a file found
 * damaged in use (`damaged`: what SQLite said of it). The folder gets a
 * `.gitignore` of `*`, so that no repository commits it wherever the root is.
 */
export async function openIndex(root: string, waitMs = INDEX_WAIT_MS, damaged?: string): Promise<OpenedIndex> {
  const { dir, outside } = await indexFolder(root);
  const where = outside !== undefined ? { outside } : {};
  const path = join(dir, INDEX_FILE);
  refuseLink(path);
  if (damaged !== undefined) removeIndexFiles(path);
  const seals = sealFolder();
  let db = connect(path, waitMs);
  const version = userVersion(db);
  const current = version === SCHEMA_VERSION && hasTable(db, 'days');
  if (current && isSealed(db, seals, path)) return { db, path, ...where };
  const empty = version === 0 && !hasTable(db);
  db.close();
  let fresh = damaged !== undefined ? `${path} was damaged (${damaged})` : `there was no index yet`;
  if (!empty) {
    removeIndexFiles(path);
    fresh =
      version === undefined
        ? `${path} was not a readable SQLite database`
        : current
          ? `${path} was not sealed by your custody (${seals.folder !== undefined ? 'a copy, or an index made by another user or machine, or planted' : `no seal can be kept: ${seals.why}`}): it is never read`
          : version === SCHEMA_VERSION
            ? `${path} was damaged (its tables could not be read)`
            : `${path} had index format ${version}, this custody writes ${SCHEMA_VERSION}`;
  }
  db = connect(path, waitMs);
  try {
    // Two runs may start on an empty root at once: the first to get the write lock creates the tables.
    db.exec('BEGIN IMMEDIATE');
    if (!hasTable(db, 'days')) {
      db.exec(SCHEMA_SQL);
      const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      insert.run('tool', `${TOOL.name} ${TOOL.version}`);
      insert.run('createdAt', new Date().toISOString());
      insert.run('id', sealIndex(seals, path));
    }
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    db.close();
    const failure = indexFailure(err, path, waitMs);
    throw failure instanceof CustodyError ? failure : new CustodyError('DISK', `cannot create the index ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { db, path, fresh, ...where };
}

/**
 * Where a root's index is kept: `ROOT/.custody-index/` (with a `.gitignore`
 * of `*`) when the root can be written and the index there, if any, is this
 * user's; else, as for an archive on read-only media, or one whose index
 * another user keeps (never removed nor rewritten by this one), a folder of
 * the user's cache named for the root's real path
 * (`~/.cache/custody/indexes/SHA256/`, user-cache.ts), and why.
 */
async function indexFolder(root: string): Promise<{ dir: string; outside?: string }> {
  await assertRealFolders(root, INDEX_DIR);
  const dir = join(root, INDEX_DIR);
  try {
    // Not recursive: the root is there (its days were listed), and a recursive mkdir on read-only media says ENOENT, not EROFS.
    // Writable by this user alone (whatever the umask): nobody else can put a file beside the index (a -wal SQLite would read).
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o755 });
    accessSync(dir, constants.W_OK);
    if (!existsSync(join(dir, '.gitignore')))
      writeFileSync(join(dir, '.gitignore'), '# custody index: derived from the archive, rebuilt at will (custody index --rebuild)\n*\n');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EROFS' && code !== 'EACCES' && code !== 'EPERM')
      throw new CustodyError('DISK', `cannot create the index folder ${dir}: ${code ?? String(err)}`, { cause: err });
    return inUserCache(root, `${root} cannot be written (${code})`, err);
  }
  const owner = ownerOf(join(dir, INDEX_FILE));
  const uid = process.getuid?.();
  if (owner !== undefined && uid !== undefined && owner !== uid) return inUserCache(root, `${join(dir, INDEX_FILE)} belongs to another user (uid ${owner})`);
  return { dir };
}

/** The user's own index folder for this root, in the user's cache; `why` says why the root's is not used. */
function inUserCache(root: string, why: string, cause?: unknown): { dir: string; outside: string } {
  const cache = userCacheFolder();
  if (cache === undefined) throw new CustodyError('DISK', `${why}, and there is no home folder to keep the index in`, { cause });
  const real = realpathSync(root);
  const elsewhere = join(cache, 'indexes', sha256Hex(real));
  try {
    mkdirSync(elsewhere, { recursive: true, mode: 0o700 });
    // For whoever looks into the cache: which archive this index describes.
    writeFileSync(join(elsewhere, 'root'), `${real}\n`);
  } catch (err) {
    throw new CustodyError('DISK', `${why}, nor can the index folder ${elsewhere} be: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  return { dir: elsewhere, outside: why };
}

/** The uid owning a file, or undefined when there is none there. */
function ownerOf(file: string): number | undefined {
  try {
    return lstatSync(file).uid;
  } catch {
    return undefined;
  }
}

function connect(path: string, waitMs: number): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw new CustodyError('DISK', `cannot open the index ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    // Another custody index or query may be writing: wait for it rather than fail.
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
    // The file may have been planted (index-seal.ts): nothing its schema defines runs with more than plain SQL.
    db.exec('PRAGMA trusted_schema = OFF');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    // A full build writes hundreds of thousands of rows: more pages cached than the 2 MB default.
    db.exec('PRAGMA cache_size = -65536');
  } catch {
    // Not a database: userVersion() says so and the caller starts afresh.
  }
  return db;
}

/** Whether this is the very index file this user's custody sealed (index-seal.ts); a file that cannot say is not. */
function isSealed(db: DatabaseSync, seals: SealFolder, path: string): boolean {
  // Read before anything is known of the file: `meta` must be a table (a planted view could run without end).
  if (seals.folder === undefined || !hasTable(db, 'meta')) return false;
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'id'").get() as { value: unknown } | undefined;
    return isSealedIndex(seals, row?.value, path);
  } catch {
    return false;
  }
}

/** `PRAGMA user_version`, or undefined when the file is not a readable database. */
function userVersion(db: DatabaseSync): number | undefined {
  try {
    const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
    return row?.user_version ?? 0;
  } catch {
    return undefined;
  }
}

/** Whether the database has that table (any table when no name is given). */
function hasTable(db: DatabaseSync, name?: string): boolean {
  try {
    const sql = `SELECT 1 FROM sqlite_master WHERE type = 'table'${name === undefined ? '' : ' AND name = ?'}`;
    return db.prepare(sql).get(...(name === undefined ? [] : [name])) !== undefined;
  } catch {
    return false;
  }
}

function refuseLink(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    let info;
    try {
      info = lstatSync(file);
    } catch {
      continue;
    }
    if (!info.isFile()) throw new CustodyError('ARCHIVE_UNSAFE', `${file} is not a regular file; custody writes its index only into regular files (remove it)`);
  }
}

function removeIndexFiles(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    try {
      rmSync(file, { force: true });
    } catch (err) {
      throw new CustodyError('DISK', `cannot remove the unusable index ${file}: ${(err as NodeJS.ErrnoException).code || (err as Error).message}`, {
        cause: err,
      });
    }
  }
}
