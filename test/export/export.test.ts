import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdir, readFile, readdir, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { archive } from '../../src/archive/archive.js';
import { EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { hostileTarGz, type RawTarEntry } from '../helpers/hostile-tar.js';

const REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
const EVIDENCE = ['sbom.spdx.json', 'sbom.cdx.json', 'scan.trivy.json', 'provenance.intoto.json'].map((f) => join(REPO_ROOT, 'examples', 'evidence', f));
const DATE = '2026-11-29';
let root: string;
let out: string;

beforeAll(async () => {
  root = await tempDir();
  await archive({ refs: [REF], evidenceFiles: EVIDENCE, root, date: DATE });
  out = join(await tempDir(), 'day.tar.gz');
  const result = await runCli(['export', join(root, DATE), '--out', out]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
});

describe('custody export', () => {
  it('is deterministic: the same day gives the same bytes, wherever the folder lives', async () => {
    const second = join(await tempDir(), 'again.tar.gz');
    expect((await runCli(['export', join(root, DATE), '--out', second])).code).toBe(0);
    const copyRoot = await tempDir();
    await cp(join(root, DATE), join(copyRoot, DATE), { recursive: true });
    const third = join(await tempDir(), 'copy.tar.gz');
    expect((await runCli(['export', join(copyRoot, DATE), '--out', third])).code).toBe(0);
    const bytes = await readFile(out);
    expect((await readFile(second)).equals(bytes)).toBe(true);
    expect((await readFile(third)).equals(bytes)).toBe(true);
  });

  it('holds the day folder and a top-level SHA256SUMS that sha256sum -c accepts', async () => {
    const listing = execFileSync('tar', ['tzf', out], { encoding: 'utf8' }).trim().split('\n');
    expect(listing[0]).toBe('SHA256SUMS');
    expect(listing).toContain(`${DATE}/manifest.json`);
    const dir = await tempDir();
    execFileSync('tar', ['xzf', out, '-C', dir]);
    const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(check.trim().split('\n')).toHaveLength(listing.length - 1);
    expect(check).not.toContain('FAILED');
  });

  it('verifies an export without unpacking it to disk', async () => {
    const before = await readdir(join(out, '..'));
    const result = await runCli(['verify', out, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, target: 'export', problems: [] });
    expect(report.checked).toBe(EVIDENCE.length + 2);
    expect(await readdir(join(out, '..'))).toEqual(before);
  });

  it('refuses to export a day that does not verify (exit 1)', async () => {
    const copyRoot = await tempDir();
    await cp(join(root, DATE), join(copyRoot, DATE), { recursive: true });
    await appendFile(join(copyRoot, DATE, 'manifest.json'), ' ');
    const target = join(await tempDir(), 'bad.tar.gz');
    const result = await runCli(['export', join(copyRoot, DATE), '--out', target]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^custody: refusing to export .*: it does not verify, \d+ problem\(s\); first: manifest\.json: .*\(altered\)$/);
    expect(await readdir(join(target, '..'))).toEqual([]);
  });

  it('exports a sealed day, carrying the warnings of verify along, and the export verifies (exit 0)', async () => {
    const copyRoot = await tempDir();
    await cp(join(root, DATE), join(copyRoot, DATE), { recursive: true });
    const key = join(await tempDir(), 'seal.key');
    await writeFile(key, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await runCli(['seal', join(copyRoot, DATE), '--key', key])).code).toBe(0);
    const warned = await runCli(['verify', join(copyRoot, DATE), '--json']);
    expect(JSON.parse(warned.stdout).warnings).toEqual([expect.stringContaining('checked against the key kept beside it')]);

    const sealed = join(await tempDir(), 'sealed.tar.gz');
    const result = await runCli(['export', join(copyRoot, DATE), '--out', sealed]);
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^custody: warning from verify: manifest\.json\.sigstore\.json: checked against the key kept beside it/),
    ]);
    expect(execFileSync('tar', ['tzf', sealed], { encoding: 'utf8' })).toContain(`${DATE}/manifest.json.sigstore.json`);
    const json = await runCli(['export', join(copyRoot, DATE), '--out', `${sealed}.again`, '--json']);
    expect(JSON.parse(json.stdout).warnings).toHaveLength(1);

    const verified = await runCli(['verify', sealed, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, target: 'export', problems: [], signatures: 1 });
  });
});

describe('verify on hostile exports', () => {
  async function tarEntriesOfGoodExport(): Promise<RawTarEntry[]> {
    const dir = await tempDir();
    execFileSync('tar', ['xzf', out, '-C', dir]);
    const files = execFileSync('tar', ['tzf', out], { encoding: 'utf8' }).trim().split('\n');
    return Promise.all(files.map(async (path) => ({ path, body: await readFile(join(dir, path)) })));
  }

  async function verifyTar(entries: RawTarEntry[]) {
    const file = join(await tempDir(), 'hostile.tar.gz');
    await writeFile(file, hostileTarGz(entries));
    const result = await runCli(['verify', file, '--json']);
    return { ...result, report: result.code === 2 ? undefined : JSON.parse(result.stdout) };
  }

  it('accepts a byte-for-byte rebuild of a good export (the builder itself is sound)', async () => {
    const { code, report } = await verifyTar(await tarEntriesOfGoodExport());
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
  });

  it.each([
    ['an absolute path', { path: '/etc/cron.d/evil', body: 'x' }, 'unsafe-path'],
    ['a .. path', { path: `${DATE}/../../evil`, body: 'x' }, 'unsafe-path'],
    ['a symbolic link', { path: `${DATE}/images/link`, type: 'SymbolicLink', linkpath: '/etc/passwd' }, 'symlink'],
    ['a hard link', { path: `${DATE}/images/hard`, type: 'Link', linkpath: `${DATE}/manifest.json` }, 'symlink'],
    ['a character device', { path: `${DATE}/dev`, type: 'CharacterDevice' }, 'special-file'],
    ['a FIFO', { path: `${DATE}/fifo`, type: 'FIFO' }, 'special-file'],
  ] as const)('refuses %s (exit 1)', async (_what, hostile, code) => {
    const entries = [...(await tarEntriesOfGoodExport()), hostile as RawTarEntry];
    const result = await verifyTar(entries);
    expect(result.code).toBe(1);
    expect(result.report.problems).toContainEqual(expect.objectContaining({ code }));
  });

  it('names a file altered inside the export', async () => {
    const entries = await tarEntriesOfGoodExport();
    const evidence = entries.find((e) => e.path.includes('/evidence/') && !e.path.endsWith('.sha256'))!;
    evidence.body = Buffer.concat([Buffer.from(evidence.body!), Buffer.from(' ')]);
    const result = await verifyTar(entries);
    expect(result.code).toBe(1);
    expect(result.report.problems).toContainEqual(expect.objectContaining({ code: 'altered', path: evidence.path }));
  });

  it('refuses a file that is not a gzip tar (exit 2)', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'junk.tar.gz');
    await writeFile(file, 'this is not a tarball');
    const result = await runCli(['verify', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
