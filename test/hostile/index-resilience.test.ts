import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { chmod, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { CustodyError } from '../../src/errors.js';
import { queryArchive } from '../../src/query/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
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
