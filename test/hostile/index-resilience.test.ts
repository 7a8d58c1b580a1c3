import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { chmod, chown, cp, mkdir, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustodyError } from '../../src/errors.js';
import { queryArchive } from '../../src/query/index.js';
import { SCHEMA_VERSION } from '../../src/query/schema.js';
import { BUILT_CLI, runCli, tempDir } from '../helpers/cli.js';
import { canDropPrivileges, runBounded } from './support.js';
import { archiveDay } from '../query/fixture.js';

/**
 * The index is shared by every custody run on a root, and its file is as
 * hostile as the rest of the root. Another run holding its write lock past
 * the wait, or a damaged file, must end in one clear line and the
 * documented exit code, never in "internal error"; a root that cannot be
 * written (an archive on read-only media, handed to an auditor) must still
 * answer, with its index kept in the user's cache.
 */
let root: string;
let indexFile: string;

beforeAll(async () => {
  root = await tempDir('custody-index-contention-');
  await archiveDay(root, '2026-04-01', ['shop']);
  const indexed = await runCli(['index', root]);
  expect(indexed.code, indexed.stderr).toBe(0);
  indexFile = join(root, '.custody-index', 'index.sqlite');
}, 120_000);

describe('index contention and damage', () => {
  it('another run holding the write lock: LOCKED after the wait, naming the index; the same query answers once it is released', async () => {
    const before = await queryArchive(root, { kind: 'package', name: 'openssl' });
    expect(before.cells.length).toBeGreaterThan(0);
    const other = new DatabaseSync(indexFile);
    other.exec('BEGIN IMMEDIATE');
    try {
      const refused = await queryArchive(root, { kind: 'package', name: 'openssl' }, { rebuild: true, waitMs: 150 }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(CustodyError);
      expect((refused as CustodyError).code).toBe('LOCKED');
      expect((refused as CustodyError).message).toContain(indexFile);
      expect((refused as CustodyError).message).toContain('another custody run');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const after = await queryArchive(root, { kind: 'package', name: 'openssl' }, { rebuild: true, waitMs: 150 });
    expect(after.cells).toEqual(before.cells);
  });

  it('a damaged table, found in use: the index is started afresh once, the notice says why, the answer is the same', async () => {
    const good = await runCli(['query', 'package', 'openssl', '--root', root, '--format', 'csv']);
    expect(good.code, good.stderr).toBe(0);
    damageTable('days');
    const query = await runCli(['query', 'package', 'openssl', '--root', root, '--format', 'csv']);
    expect(query.code, query.stderr).toBe(0);
    expect(query.stdout).toBe(good.stdout);
    expect(query.stderr).toBe(
      `custody: index: built from 1 day(s) because ${indexFile} was damaged (database disk image is malformed): 1 image manifest(s) checked, 3 new document(s) stored (3 read and parsed), 0 evidence entries already indexed\n`,
    );

    // The same through custody index (--rebuild empties the tables of a file it can read: here it cannot).
    damageTable('components');
    const rebuilt = await runCli(['index', root, '--rebuild']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain(`because ${indexFile} was damaged (database disk image is malformed)`);
    const again = await runCli(['query', 'package', 'openssl', '--root', root, '--format', 'csv']);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(good.stdout);
  });

  it('a file damaged past its schema: started afresh, and the notice says the file was damaged', async () => {
    const good = await runCli(['query', 'package', 'openssl', '--root', root, '--format', 'csv']);
    checkpoint();
    damage(indexFile, 2, statSync(indexFile).size / readFileSync(indexFile).readUInt16BE(16) - 1);
    const rebuilt = await runCli(['query', 'package', 'openssl', '--root', root, '--format', 'csv']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toBe(good.stdout);
    expect(rebuilt.stderr).toContain(`because ${indexFile} was damaged`);
  });
});

describe('a root that cannot be written', () => {
  it('query and index keep the index in the user’s cache, say where and why, leave the root untouched, and answer as in a writable copy', async () => {
    expect(canDropPrivileges, 'setpriv is needed to test EACCES as root').toBe(true);
    const readOnly = await tempDir('custody-read-only-');
    await cp(root, readOnly, { recursive: true, filter: (source) => !source.includes('.custody-index') });
    await chmod(readOnly, 0o555);
    const cache = await tempDir('custody-cache-');
    const env = { XDG_CACHE_HOME: cache };
    const writable = await runCli(['query', 'package', 'openssl', '--root', root, '--format', 'csv']);

    const first = await runBounded(['query', 'package', 'openssl', '--root', readOnly, '--format', 'csv'], { unprivileged: true, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(writable.stdout);
    const [kept] = readdirSync(join(cache, 'custody', 'indexes'));
    const elsewhere = join(cache, 'custody', 'indexes', kept!, 'index.sqlite');
    expect(first.stderr.split('\n')[0]).toBe(`custody: index: ${readOnly} cannot be written (EACCES): the index is kept in ${elsewhere}`);
    expect(first.stderr).toContain('because there was no index yet');
    expect(readFileSync(join(cache, 'custody', 'indexes', kept!, 'root'), 'utf8')).toBe(`${readOnly}\n`);
    expect(existsSync(join(readOnly, '.custody-index'))).toBe(false);

    // Again: the index in the cache is up to date, and only where it is kept is said.
    const again = await runBounded(['index', readOnly, '--json'], { unprivileged: true, env });
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as { index: string; outside: string | null; days: { added: string[] } };
    expect(report.index).toBe(elsewhere);
    expect(report.outside).toBe(`${readOnly} cannot be written (EACCES)`);
    expect(report.days.added).toEqual([]);
    await chmod(readOnly, 0o755);
  });
});

/**
 * The seals (src/query/index-seal.ts) decide which index is read: a seal
 * folder someone else could write, or point elsewhere, would let them seal
 * a forged index; a seal must name the very file it was made for. Each row
 * runs with its own user cache.
 */
describe('index seals', () => {
  const withCache = async <T>(cache: string, run: () => Promise<T>): Promise<T> => {
    const before = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    try {
      return await run();
    } finally {
      if (before === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = before;
    }
  };
  const query = () => runCli(['query', 'package', 'openssl', '--root', root, '--format', 'csv']);
  const sealsOf = (cache: string) => join(cache, 'custody', 'index-seals');
  const unsealed = (why: string) => `because ${indexFile} was not sealed by your custody (${why}): it is never read`;

  it('a new index is sealed in a private folder of the user cache, under its id, naming its file; the next run reads it', async () => {
    const cache = await tempDir('custody-seal-cache-');
    await withCache(cache, () => runCli(['index', root, '--rebuild']));
    expect(statSync(sealsOf(cache)).mode & 0o777).toBe(0o700);
    const db = new DatabaseSync(indexFile, { readOnly: true });
    const { value: id } = db.prepare("SELECT value FROM meta WHERE key = 'id'").get() as { value: string };
    db.close();
    expect(readdirSync(sealsOf(cache))).toContain(id);
    const info = statSync(indexFile, { bigint: true });
    expect(readFileSync(join(sealsOf(cache), id), 'utf8')).toBe(`${info.dev}:${info.ino}\n${indexFile}\n`);
    const again = await withCache(cache, query);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('');
  });

  it('a copy of a sealed index put back in its place (the same id, another file) is not read', async () => {
    const cache = await tempDir('custody-seal-cache-');
    await withCache(cache, () => runCli(['index', root, '--rebuild']));
    checkpoint();
    const copy = `${indexFile}.copy`;
    await cp(indexFile, copy);
    await rename(copy, indexFile);
    const result = await withCache(cache, query);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(unsealed('a copy, or an index made by another user or machine, or planted'));
  });

  it('a seal folder that is a symbolic link is not used: no index is read, each run says why', async () => {
    const cache = await tempDir('custody-seal-cache-');
    const elsewhere = await tempDir('custody-seal-elsewhere-');
    await mkdir(join(cache, 'custody'), { recursive: true });
    await symlink(elsewhere, sealsOf(cache));
    await withCache(cache, query);
    const result = await withCache(cache, query);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(unsealed(`no seal can be kept: ${sealsOf(cache)} is a symbolic link`));
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('a seal folder others can write is not used', async () => {
    const cache = await tempDir('custody-seal-cache-');
    await mkdir(sealsOf(cache), { recursive: true });
    await chmod(sealsOf(cache), 0o777);
    await withCache(cache, query);
    const result = await withCache(cache, query);
    expect(result.stderr).toContain(unsealed(`no seal can be kept: ${sealsOf(cache)} can be written by others (mode 777)`));
  });

  it.runIf(process.getuid?.() === 0)('a seal folder of another user is not used (run as root to hand it over)', async () => {
    const cache = await tempDir('custody-seal-cache-');
    await mkdir(sealsOf(cache), { recursive: true, mode: 0o700 });
    await chown(sealsOf(cache), 65534, 65534);
    await withCache(cache, query);
    const result = await withCache(cache, query);
    expect(result.stderr).toContain(unsealed(`no seal can be kept: ${sealsOf(cache)} belongs to another user (uid 65534)`));
  });

  it('a seal that is a symbolic link to a true seal is not read', async () => {
    const cache = await tempDir('custody-seal-cache-');
    await withCache(cache, () => runCli(['index', root, '--rebuild']));
    const db = new DatabaseSync(indexFile, { readOnly: true });
    const { value: id } = db.prepare("SELECT value FROM meta WHERE key = 'id'").get() as { value: string };
    db.close();
    const seal = join(sealsOf(cache), id);
    await rename(seal, `${seal}.real`);
    await symlink(`${seal}.real`, seal);
    const result = await withCache(cache, query);
    expect(result.stderr).toContain(unsealed('a copy, or an index made by another user or machine, or planted'));
  });

  it('with no cache folder to keep seals in, no index can be sealed: each run builds its own, and says why', async () => {
    const notAFolder = join(await tempDir('custody-seal-nowhere-'), 'file');
    writeFileSync(notAFolder, '');
    const first = await withCache(join(notAFolder, 'cache'), query);
    expect(first.code, first.stderr).toBe(0);
    const second = await withCache(join(notAFolder, 'cache'), query);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toContain(unsealed(`no seal can be kept: ${join(notAFolder, 'cache', 'custody', 'index-seals')} cannot be made (ENOTDIR)`));
  });

  it('a planted index built to hang its reader (meta an endless view) is not read: rebuilt at once', async () => {
    const planted = join(await tempDir('custody-planted-view-'), 'archive');
    await cp(root, planted, { recursive: true, filter: (source) => !source.includes('.custody-index') });
    await mkdir(join(planted, '.custody-index'));
    const db = new DatabaseSync(join(planted, '.custody-index', 'index.sqlite'));
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('CREATE TABLE days (date TEXT PRIMARY KEY)');
    db.exec("CREATE VIEW meta AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT 'id' AS key, x AS value FROM n WHERE x < 0");
    db.close();
    const result = await runBounded(['query', 'package', 'openssl', '--root', planted, '--format', 'csv'], { timeoutMs: 15_000 });
    expect(result.killed).toBe(false);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('was not sealed by your custody');
  });
});

describe('a root shared by two users', () => {
  it.runIf(process.getuid?.() === 0 && existsSync('/usr/bin/setpriv'))(
    "another user's index in the root is neither read nor removed: this user's is kept in its own cache (run as root to be two users)",
    async () => {
      const shared = join(await tempDir('custody-shared-'), 'archive');
      await cp(root, shared, { recursive: true, filter: (source) => !source.includes('.custody-index') });
      await chmod(shared, 0o777);
      await chmod(join(shared, '..'), 0o755);
      const theirCache = await tempDir('custody-their-cache-');
      await chown(theirCache, 65534, 65534);
      /** The other user's query, with their own cache. */
      const theirQuery = () =>
        spawnSync(
          'setpriv',
          ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BUILT_CLI, 'query', 'package', 'openssl', '--root', shared, '--format', 'csv'],
          {
            encoding: 'utf8',
            env: { ...process.env, XDG_CACHE_HOME: theirCache },
          },
        );
      const theirs = theirQuery();
      expect(theirs.status, theirs.stderr).toBe(0);
      const theirIndex = join(shared, '.custody-index', 'index.sqlite');
      expect(statSync(theirIndex).uid).toBe(65534);
      const before = readFileSync(theirIndex);

      const mine = await tempDir('custody-my-cache-');
      const result = await runBounded(['query', 'package', 'openssl', '--root', shared, '--format', 'csv'], { env: { XDG_CACHE_HOME: mine } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(theirs.stdout);
      const [kept] = readdirSync(join(mine, 'custody', 'indexes'));
      expect(result.stderr.split('\n')[0]).toBe(
        `custody: index: ${theirIndex} belongs to another user (uid 65534): the index is kept in ${join(mine, 'custody', 'indexes', kept!, 'index.sqlite')}`,
      );
      expect(readFileSync(theirIndex).equals(before)).toBe(true);

      // Their next query reads their index as it was: nothing rebuilt.
      const again = theirQuery();
      expect(again.status, again.stderr).toBe(0);
      expect(again.stderr).toBe('');
    },
  );
});

/** Everything written back into the index file (no WAL left to read the pages from). */
function checkpoint(): void {
  const db = new DatabaseSync(indexFile);
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
}

/** A table's first page overwritten with garbage; the schema stays readable. */
function damageTable(table: string): void {
  checkpoint();
  const db = new DatabaseSync(indexFile, { readOnly: true });
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(table) as { rootpage: number };
  db.close();
  damage(indexFile, rootpage, 1);
}

/** Overwrite `count` pages of an SQLite file from page `first` (1-based) with garbage. */
function damage(file: string, first: number, count: number): void {
  const pageSize = readFileSync(file).readUInt16BE(16);
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(count * pageSize, 0xa5), 0, count * pageSize, (first - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}
