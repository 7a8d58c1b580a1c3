import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { BUILT_CLI, EXAMPLE_DIGEST, runCli, spawnCli, tempDir } from '../helpers/cli.js';
import { SHOP, archiveDay, indexJson, queryJson } from './fixture.js';

/**
 * The index never answers from bytes the archive cannot vouch for, and never
 * from an index that no longer matches the archive. One real archive (two
 * days) is made once; each test tampers with its own copy.
 */
const SHOP_IMAGE = `images/registry.example/acme/shop/sha256-${EXAMPLE_DIGEST.slice(7)}`;
let base: string;
let root: string;

beforeAll(async () => {
  base = await tempDir('custody-tamper-base-');
  await archiveDay(base, '2026-05-01', ['layout', 'shop']);
  await archiveDay(base, '2026-05-02', ['layout', 'shop']);
}, 120_000);

beforeEach(async () => {
  root = join(await tempDir('custody-tamper-'), 'archive');
  cpSync(base, root, { recursive: true });
});

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Rewrite a manifest; with `withSum`, its .sha256 too (a forger covering their tracks). */
function editManifest(file: string, edit: (value: Record<string, unknown>) => void, withSum: boolean): void {
  const value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(value);
  const bytes = `${JSON.stringify(value, null, 2)}\n`;
  writeFileSync(file, bytes);
  if (withSum) writeFileSync(`${file}.sha256`, `${sha256(bytes)}  manifest.json\n`);
}

function evidenceFile(date: string, format: string): string {
  const manifest = JSON.parse(readFileSync(join(root, date, SHOP_IMAGE, 'manifest.json'), 'utf8')) as { evidence: { path: string; format: string }[] };
  return join(root, date, SHOP_IMAGE, manifest.evidence.find((e) => e.format === format)!.path);
}

describe('an index that no longer matches the archive', () => {
  it('is refused when a past day manifest changed, and rebuilt from the archive as it is (said on stderr)', async () => {
    await indexJson(root);
    const recorded = sha256(readFileSync(join(root, '2026-05-01', 'manifest.json')));
    // A forger drops the shop image from the first day and fixes the checksum file.
    editManifest(join(root, '2026-05-01', 'manifest.json'), (day) => (day.images = (day.images as { ref: string }[]).filter((i) => i.ref !== SHOP)), true);
    const now = sha256(readFileSync(join(root, '2026-05-01', 'manifest.json')));
    const result = await queryJson(root, 'image', 'registry.example/acme/shop');
    expect(result.stderr).toContain(
      `custody: index: built from 2 day(s) because the index no longer matches the archive: 2026-05-01/manifest.json has sha256 ${now}, the index recorded ${recorded}, and only the newest day may grow (custody verify --chain tells whether the archive was altered)`,
    );
    expect(result.answer!.rows.map((r) => r.date)).toEqual(['2026-05-02']);
    // verify --chain sees what the index cannot: the link from the next day.
    const verify = await runCli(['verify', root, '--chain', '--json']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('chain-broken');
  });

  it('is refused when a day it indexed is gone', async () => {
    await indexJson(root);
    await rename(join(root, '2026-05-01'), join(root, '..', 'moved'));
    const result = await queryJson(root, 'missing', 'signature');
    expect(result.stderr).toContain('because the index no longer matches the archive: 2026-05-01 was indexed but is no longer there');
    expect(result.answer!.rows.map((r) => r.date)).toEqual(['2026-05-02']);
  });

  it('indexes the newest day again when it changed (it may grow), and only it', async () => {
    await indexJson(root);
    editManifest(join(root, '2026-05-02', 'manifest.json'), (day) => (day.updatedAt = '2026-05-02T23:00:00.000Z'), true);
    const report = await indexJson(root);
    expect(report.rebuilt).toBeNull();
    expect(report.days.reindexed).toEqual(['2026-05-02']);
    expect(report.images).toBe(2);
  });

  it('an index file that is not a database is started again', async () => {
    await indexJson(root);
    writeFileSync(join(root, '.custody-index', 'index.sqlite'), 'not a database, not even close '.repeat(200));
    const result = await queryJson(root, 'missing', 'signature');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/index: built from 2 day\(s\) because .*index\.sqlite was not a readable SQLite database/);
  });
});

describe('an archive that does not verify is not indexed (exit 1, one line naming the file, nothing on stdout)', () => {
  it('a day manifest that does not match its .sha256', async () => {
    await indexJson(root);
    editManifest(join(root, '2026-05-01', 'manifest.json'), (day) => (day.createdAt = '2020-01-01T00:00:00.000Z'), false);
    const now = sha256(readFileSync(join(root, '2026-05-01', 'manifest.json')));
    for (let run = 0; run < 2; run++) {
      // Refused every time: a failed rebuild leaves the old index, which the next query refuses again.
      const result = await runCli(['query', 'missing', 'signature', '--root', root]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        new RegExp(
          `^custody: 2026-05-01/manifest.json has sha256 ${now}, its manifest.json.sha256 says [0-9a-f]{64}; not indexed \\(custody verify .* lists every problem\\)\\n$`,
        ),
      );
    }
  });

  it('an image manifest that does not match the sha256 its day manifest records (even with its own .sha256 fixed)', async () => {
    editManifest(join(root, '2026-05-02', SHOP_IMAGE, 'manifest.json'), (m) => (m.updatedAt = '2020-01-01T00:00:00.000Z'), true);
    const result = await runCli(['index', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^custody: 2026-05-02/${SHOP_IMAGE}/manifest.json has sha256 [0-9a-f]{64}; 2026-05-02/manifest.json#/images/\\d+/manifestSha256 records [0-9a-f]{64}; not indexed`,
      ),
    );
    expect(existsSync(join(root, '.custody-index', 'index.sqlite'))).toBe(true);
  });

  it('an evidence file whose bytes do not match its entry, when the index reads it', async () => {
    const file = evidenceFile('2026-05-01', 'trivy');
    const bytes = readFileSync(file);
    bytes[bytes.indexOf('CRITICAL')] = 'X'.charCodeAt(0); // same size, other bytes
    writeFileSync(file, bytes);
    const result = await runCli(['query', 'vuln', 'CVE-2023-45853', '--root', root]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^custody: 2026-05-01/${SHOP_IMAGE}/evidence/scan-trivy-[0-9a-f]{12}\\.json has sha256 ${sha256(bytes)}; its image manifest says [0-9a-f]{64}; not indexed`,
      ),
    );
  });

  it('a missing evidence file', async () => {
    const file = evidenceFile('2026-05-01', 'spdx');
    await rename(file, `${file}.gone`);
    const result = await runCli(['index', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/evidence\/sbom-spdx-[0-9a-f]{12}\.json is listed but missing; not indexed/);
  });

  it('a day folder that is a symbolic link', async () => {
    await rename(join(root, '2026-05-02'), join(root, '..', 'elsewhere'));
    await symlink(join(root, '..', 'elsewhere'), join(root, '2026-05-02'));
    const result = await runCli(['index', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/2026-05-02 is a symbolic link; an archive's days are real folders/);
  });

  it("a document already indexed is not read again: its copy on a later day is vouched for by that day's manifest, and the answer comes from the verified copy (custody verify re-hashes every copy)", async () => {
    await indexJson(root);
    // Day 3 repeats the shop's scan; its copy is then altered before anything indexes day 3.
    await archiveDay(root, '2026-05-03', ['shop']);
    const file = evidenceFile('2026-05-03', 'trivy');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"CRITICAL"', '"LOW"     '));
    const result = await queryJson(root, 'vuln', 'CVE-2023-45853', '--since', '2026-05-03');
    expect(result.code).toBe(0);
    expect(result.answer!.rows.map((r) => r.severity)).toEqual(['CRITICAL']);
    const verify = await runCli(['verify', root]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('altered');
  });
});

/**
 * The archive folder is hostile, `.custody-index/` included: verify does not
 * look into it, so a folder handed over with an index in it (or an export
 * extracted with a crafted `.custody-index/` entry) could carry answers
 * forged beside an archive that verifies. Only an index this user's custody
 * sealed (index-seal.ts) is read. Run as the built command, each side with
 * its own user cache (and so its own seals), as two people on two machines.
 */
describe('an index custody did not build here', () => {
  const asUser = async (cache: string, args: string[]) => spawnCli(args, { env: { XDG_CACHE_HOME: cache } }).done;
  const forge = (file: string) => {
    const db = new DatabaseSync(file);
    // Every trace of openssl gone from the facts, as a forger hiding a vulnerable package would leave it.
    db.exec("DELETE FROM components WHERE name = 'openssl' OR purl_name LIKE '%openssl%'");
    db.close();
  };

  it('an index planted in the root, with forged facts, is not read: rebuilt from the archive, and said so', async () => {
    const forger = await tempDir('custody-forger-cache-');
    const auditor = await tempDir('custody-auditor-cache-');
    expect((await asUser(forger, ['index', root])).code).toBe(0);
    forge(join(root, '.custody-index', 'index.sqlite'));
    // The forged index answers its maker: nothing binds an index to its archive's contents but the maker.
    const lie = await asUser(forger, ['query', 'package', 'openssl', '--root', root]);
    expect(lie.code, lie.stderr).toBe(1);
    // The folder as handed over: copied, so no file identity carries over either.
    const handed = join(await tempDir('custody-handed-'), 'archive');
    cpSync(root, handed, { recursive: true });
    expect((await asUser(auditor, ['verify', handed])).code).toBe(0);
    const answer = await asUser(auditor, ['query', 'package', 'openssl', '--root', handed, '--format', 'csv']);
    expect(answer.code, answer.stderr).toBe(0);
    expect(answer.stdout.split('\r\n').filter((line) => line.includes(',openssl,')).length).toBe(2);
    expect(answer.stderr).toContain(
      `custody: index: built from 2 day(s) because ${join(handed, '.custody-index', 'index.sqlite')} was not sealed by your custody (a copy, or an index made by another user or machine, or planted): it is never read`,
    );
    // Sealed now with the auditor's key: the next query reads it, saying nothing.
    const again = await asUser(auditor, ['query', 'package', 'openssl', '--root', handed, '--format', 'csv']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(answer.stdout);
  });
});

describe('the index folder', () => {
  it('is writable by its user alone, whatever the umask (nobody else can put a -wal file beside the index)', () => {
    const made = spawnSync('sh', ['-c', `umask 000 && exec "${process.execPath}" "${BUILT_CLI}" index "${root}"`], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    expect(statSync(join(root, '.custody-index')).mode & 0o777).toBe(0o755);
  });

  it('a symbolic link where the index folder belongs is refused (exit 2)', async () => {
    const elsewhere = await tempDir('custody-index-elsewhere-');
    await symlink(elsewhere, join(root, '.custody-index'));
    const result = await runCli(['index', root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\.custody-index is a symbolic link; custody writes only into real folders/);
  });

  it('a folder where the index file belongs is refused (exit 2)', async () => {
    await mkdir(join(root, '.custody-index', 'index.sqlite'), { recursive: true });
    const result = await runCli(['index', root]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/index\.sqlite is not a regular file/);
  });

  it('is never part of an export', async () => {
    await indexJson(root);
    const out = join(root, '..', 'day.tar.gz');
    const exported = await runCli(['export', join(root, '2026-05-01'), '--out', out, '--json']);
    expect(exported.code).toBe(0);
    const { list } = await import('tar');
    const names: string[] = [];
    await list({ file: out, onReadEntry: (entry) => names.push(entry.path) });
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => n.includes('custody-index'))).toEqual([]);
    // query reads folders: given the export, it says how to get one (exit 2, one line).
    const queried = await runCli(['query', 'package', 'openssl', '--root', out]);
    expect(queried.code).toBe(2);
    expect(queried.stderr).toBe(`custody: cannot read the archive root ${out}: ENOTDIR (an export: extract it, tar -xzf day.tar.gz, and give the folder)\n`);
  });

  it('holds nothing verify checks: a stray file in it is not reported', async () => {
    await indexJson(root);
    await writeFile(join(root, '.custody-index', 'stray.txt'), 'x');
    const result = await runCli(['verify', root]);
    expect(result.code).toBe(0);
  });
});
