import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { archive } from '../../src/archive/archive.js';
import { verifyArchive } from '../../src/verify/verify.js';
import { EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { hostileTarGz, type RawTarEntry } from '../helpers/hostile-tar.js';

/**
 * Two checks of `custody verify` that nothing else stands in for: a day
 * manifest's date must be its folder's name, and an export's SHA256SUMS
 * must list every file. Each case breaks only that rule, so the test fails
 * when the check goes.
 */
const REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
const EVIDENCE = ['sbom.spdx.json', 'scan.trivy.json'].map((f) => join(REPO_ROOT, 'examples', 'evidence', f));
const DATE = '2026-11-29';
let root: string;

beforeAll(async () => {
  root = await tempDir();
  await archive({ refs: [REF], evidenceFiles: EVIDENCE, root, date: DATE });
  expect((await verifyArchive(root)).problems).toEqual([]);
});

describe('verify: a day folder is the day its manifest says', () => {
  it('a day folder renamed to another date is manifest-mismatch at #/date, and nothing else', async () => {
    const copy = await tempDir();
    execFileSync('cp', ['-a', join(root, DATE), join(copy, DATE)]);
    await rename(join(copy, DATE), join(copy, '2026-11-30'));
    const report = await verifyArchive(copy);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { code: 'manifest-mismatch', path: '2026-11-30/manifest.json#/date', message: '2026-11-30/manifest.json says date 2026-11-29 but lives in 2026-11-30/' },
    ]);
  });
});

describe('verify: an export lists every file in SHA256SUMS', () => {
  it('a file dropped from SHA256SUMS (but listed by its manifest, with its .sha256) is unlisted, and nothing else', async () => {
    const out = join(await tempDir(), 'day.tar.gz');
    expect((await runCli(['export', join(root, DATE), '--out', out])).code).toBe(0);
    const unpacked = await tempDir();
    execFileSync('tar', ['xzf', out, '-C', unpacked]);
    const listing = execFileSync('tar', ['tzf', out], { encoding: 'utf8' }).trim().split('\n');
    const sums = (await readFile(join(unpacked, 'SHA256SUMS'), 'utf8')).split('\n');
    const dropped = sums.find((line) => line.includes('/evidence/') && !line.endsWith('.sha256'))!;
    const droppedPath = dropped.slice(66);
    await writeFile(join(unpacked, 'SHA256SUMS'), sums.filter((line) => line !== dropped).join('\n'));
    const entries: RawTarEntry[] = [];
    for (const path of listing) {
      entries.push(path.endsWith('/') ? { path, type: 'Directory' } : { path, body: await readFile(join(unpacked, path)) });
    }
    const forged = join(await tempDir(), 'forged.tar.gz');
    await writeFile(forged, hostileTarGz(entries));

    const intact = await runCli(['verify', out, '--json']);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, problems: [] });
    const result = await runCli(['verify', forged, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems).toEqual([{ code: 'unlisted', path: droppedPath, message: `${droppedPath} is not in SHA256SUMS` }]);
  });
});

describe('verify: a root derived index is never read', () => {
  it('verify ROOT neither lists nor hashes ROOT/.custody-index/, but a day folder named the same is still checked', async () => {
    const copy = await tempDir();
    execFileSync('cp', ['-a', join(root, DATE), join(copy, DATE)]);
    await mkdir(join(copy, '.custody-index', 'deep'), { recursive: true });
    await writeFile(join(copy, '.custody-index', 'index.sqlite'), 'derived bytes verify must not read');
    await writeFile(join(copy, '.custody-index', 'deep', 'stray'), 'x');
    let seen: string[] = [];
    const report = await verifyArchive(copy, { onTree: (tree) => (seen = [...tree.entries.map((e) => e.path), ...tree.digests.keys()]) });
    expect(report.problems).toEqual([]);
    expect(seen).toContain('.custody-index');
    expect(seen.filter((p) => p.startsWith('.custody-index/'))).toEqual([]);
    // Inside a day folder the name is nothing special: an unlisted file there is a problem.
    await mkdir(join(copy, DATE, '.custody-index'));
    await writeFile(join(copy, DATE, '.custody-index', 'index.sqlite'), 'x');
    const day = await verifyArchive(copy);
    expect(day.problems.map((p) => [p.code, p.path])).toContainEqual(['unlisted', `${DATE}/.custody-index/index.sqlite`]);
  });
});
