import { execFileSync } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archive } from '../../src/archive/archive.js';
import { walkTree } from '../../src/verify/tree.js';
import { validateAgainst } from '../../src/schemas.js';
import { verifyArchive } from '../../src/verify/verify.js';
import { EXAMPLE_DIGEST, REPO_ROOT, fakeDigest, tempDir } from '../helpers/cli.js';

const DIGEST = EXAMPLE_DIGEST;
const REF = `registry.example:5000/acme/shop@${DIGEST}`;
const EXAMPLES = join(REPO_ROOT, 'examples', 'evidence');
const EVIDENCE = ['sbom.spdx.json', 'sbom.cdx.json', 'provenance.intoto.json', 'scan.trivy.json'].map((f) => join(EXAMPLES, f));

async function snapshot(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await walkTree(root)) {
    if (entry.type === 'file') files.set(entry.path, (await readFile(join(root, entry.path))).toString('base64'));
  }
  return files;
}

describe('archive --no-discover', () => {
  it('writes the dated layout of DESIGN.md with a .sha256 beside every file', async () => {
    const root = await tempDir();
    const report = await archive({ refs: [REF], evidenceFiles: EVIDENCE, root, date: '2026-11-29' });
    expect(report.invalid).toBe(0);
    expect(report.images[0]!.evidence.map((e) => `${e.kind}/${e.format}`).sort()).toEqual(['attestation/in-toto', 'sbom/cyclonedx', 'sbom/spdx', 'scan/trivy']);
    const imagePath = `images/registry.example_5000/acme/shop/sha256-${DIGEST.slice(7)}`;
    expect(report.images[0]).toMatchObject({ status: 'ok', digest: DIGEST, path: imagePath });

    const files = [...(await snapshot(root)).keys()];
    for (const file of files.filter((f) => !f.endsWith('.sha256'))) expect(files).toContain(`${file}.sha256`);
    expect(files).toContain('2026-11-29/manifest.json');
    expect(files).toContain(`2026-11-29/${imagePath}/manifest.json`);
    const evidence = files.filter((f) => f.includes('/evidence/') && !f.endsWith('.sha256'));
    expect(evidence).toHaveLength(4);
    for (const file of evidence) expect(file).toMatch(/\/evidence\/(sbom|attestation|scan|other)-[a-z0-9-]+-[a-f0-9]{12}\.json$/);

    const day = JSON.parse(await readFile(join(root, '2026-11-29', 'manifest.json'), 'utf8'));
    expect(validateAgainst('day-manifest.schema.json', day)).toEqual([]);
    expect(day).toMatchObject({ schemaVersion: 1, tool: { name: 'custody' }, date: '2026-11-29', previous: null });
    expect(day.images).toEqual([
      { ref: REF, digest: DIGEST, path: imagePath, manifestSha256: expect.stringMatching(/^[a-f0-9]{64}$/), status: 'ok', error: null },
    ]);

    const image = JSON.parse(await readFile(join(root, '2026-11-29', imagePath, 'manifest.json'), 'utf8'));
    expect(validateAgainst('image-manifest.schema.json', image)).toEqual([]);
    expect(image.subject).toEqual({ ref: REF, digest: DIGEST, mediaType: null, platforms: [] });
    for (const entry of image.evidence) {
      const bytes = await readFile(join(root, '2026-11-29', imagePath, entry.path));
      expect(entry.size).toBe(bytes.length);
      expect(entry.origin.method).toBe('local-file');
    }
  });

  it('archives evidence bytes exactly as given', async () => {
    const root = await tempDir();
    const report = await archive({ refs: [REF], evidenceFiles: EVIDENCE, root, date: '2026-11-29' });
    const dir = join(root, '2026-11-29', report.images[0]!.path!);
    const originals = await Promise.all(EVIDENCE.map((f) => readFile(f)));
    const archived = await Promise.all(report.images[0]!.evidence.map((e) => readFile(join(dir, e.path))));
    expect(archived.map((b) => b.toString('base64')).sort()).toEqual(originals.map((b) => b.toString('base64')).sort());
  });

  it('is idempotent: a rerun leaves every byte and every mtime unchanged', async () => {
    const root = await tempDir();
    const options = { refs: [REF], evidenceFiles: EVIDENCE, root, date: '2026-11-29' };
    await archive(options);
    const before = await snapshot(root);
    const mtimeBefore = (await stat(join(root, '2026-11-29', 'manifest.json'))).mtimeMs;
    const rerun = await archive({ ...options, now: () => new Date('2030-01-01T00:00:00Z') });
    expect(rerun.images[0]!.evidence.every((e) => !e.added)).toBe(true);
    expect(await snapshot(root)).toEqual(before);
    expect((await stat(join(root, '2026-11-29', 'manifest.json'))).mtimeMs).toBe(mtimeBefore);
  });

  it('is append-only: new evidence is added beside the old, nothing rewritten', async () => {
    const root = await tempDir();
    const work = await tempDir();
    const scan = join(work, 'scan.json');
    const original = await readFile(EVIDENCE[3]!, 'utf8');
    await writeFile(scan, original);
    await archive({ refs: [REF], evidenceFiles: [scan], root, date: '2026-11-29' });
    const before = await snapshot(root);

    const changed = original.replace('"LOW"', '"MEDIUM"');
    await writeFile(scan, changed);
    const second = await archive({ refs: [REF], evidenceFiles: [scan], root, date: '2026-11-29', now: () => new Date('2030-01-01T00:00:00Z') });
    const after = await snapshot(root);
    for (const [path, bytes] of before) {
      if (!path.endsWith('manifest.json') && !path.endsWith('manifest.json.sha256')) expect(after.get(path)).toBe(bytes);
    }
    const dir = join(root, '2026-11-29', second.images[0]!.path!);
    const names = (await readdir(join(dir, 'evidence'))).filter((n) => !n.endsWith('.sha256'));
    expect(names).toHaveLength(2);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.evidence).toHaveLength(2);
    expect(manifest.updatedAt).toBe('2030-01-01T00:00:00.000Z');
    expect(manifest.createdAt).not.toBe(manifest.updatedAt);
    expect((await verifyArchive(root)).problems).toEqual([]);
  });

  it('archives an invalid file all the same, flagged with its problems', async () => {
    const root = await tempDir();
    const work = await tempDir();
    const broken = join(work, 'broken.spdx.json');
    const spdx = JSON.parse(await readFile(EVIDENCE[0]!, 'utf8'));
    delete spdx.dataLicense;
    await writeFile(broken, JSON.stringify(spdx));
    const report = await archive({ refs: [REF], evidenceFiles: [broken], root, date: '2026-11-29' });
    expect(report.invalid).toBe(1);
    const entry = report.images[0]!.evidence[0]!;
    expect(entry).toMatchObject({ valid: false, kind: 'sbom', format: 'spdx' });
    expect(entry.problems.map((p) => p.path)).toContain('/dataLicense');
    expect((await verifyArchive(root)).ok).toBe(true);
  });

  it('flags evidence that names only another image as subject-mismatch, and archives it', async () => {
    const root = await tempDir();
    const other = `registry.example/acme/other@${fakeDigest('another image')}`;
    const report = await archive({ refs: [other], evidenceFiles: EVIDENCE, root, date: '2026-11-29' });
    for (const entry of report.images[0]!.evidence) {
      expect(entry.valid).toBe(false);
      expect(entry.problems).toContainEqual(expect.objectContaining({ code: 'subject-mismatch' }));
    }
    expect(report.invalid).toBe(4);
  });

  it('keeps an unknown file as kind other, format unknown', async () => {
    const root = await tempDir();
    const work = await tempDir();
    const notes = join(work, 'notes.txt');
    await writeFile(notes, 'release notes: nothing to see\n');
    const report = await archive({ refs: [REF], evidenceFiles: [notes], root, date: '2026-11-29' });
    expect(report.images[0]!.evidence[0]).toMatchObject({
      kind: 'other',
      format: 'unknown',
      valid: true,
      path: expect.stringMatching(/^evidence\/other-unknown-[a-f0-9]{12}\.txt$/),
    });
  });

  it('links a day to the newest earlier day (hash chain)', async () => {
    const root = await tempDir();
    await archive({ refs: [REF], evidenceFiles: EVIDENCE.slice(0, 1), root, date: '2026-11-27' });
    await archive({ refs: [REF], evidenceFiles: EVIDENCE.slice(0, 1), root, date: '2026-11-29' });
    const first = await readFile(join(root, '2026-11-27', 'manifest.json'));
    const second = JSON.parse(await readFile(join(root, '2026-11-29', 'manifest.json'), 'utf8'));
    const { createHash } = await import('node:crypto');
    expect(second.previous).toEqual({ date: '2026-11-27', sha256: createHash('sha256').update(first).digest('hex') });
  });

  it('passes sha256sum -c inside every folder of a fresh archive', async () => {
    const root = await tempDir();
    await archive({ refs: [REF], evidenceFiles: EVIDENCE, root, date: '2026-11-29' });
    const folders = new Set<string>();
    for (const entry of await walkTree(root)) {
      if (entry.type === 'file' && entry.path.endsWith('.sha256')) folders.add(entry.path.split('/').slice(0, -1).join('/'));
    }
    expect(folders.size).toBeGreaterThanOrEqual(3);
    for (const folder of folders) {
      const dir = join(root, folder);
      const sums = (await readdir(dir)).filter((n) => n.endsWith('.sha256'));
      const output = execFileSync('sha256sum', ['-c', ...sums], { cwd: dir, encoding: 'utf8' });
      expect(output.trim().split('\n')).toHaveLength(sums.length);
      expect(output).not.toContain('FAILED');
    }
  });
});
