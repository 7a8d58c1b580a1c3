import { appendFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { archive } from '../../src/archive/archive.js';
import { EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

const DIGEST = EXAMPLE_DIGEST;
const REF = `registry.example/acme/shop@${DIGEST}`;
const EVIDENCE = ['sbom.spdx.json', 'scan.trivy.json'].map((f) => join(REPO_ROOT, 'examples', 'evidence', f));
const DATE = '2026-11-29';
const IMAGE = `images/registry.example/acme/shop/sha256-${DIGEST.slice(7)}`;

let root: string;
let day: string;
let image: string;
let evidencePath: string;

async function verifyJson(path: string) {
  const result = await runCli(['verify', path, '--json']);
  return { ...result, report: JSON.parse(result.stdout) as { ok: boolean; checked: number; problems: { code: string; path: string; message: string }[] } };
}

async function editJson(file: string, edit: (value: Record<string, unknown>) => void) {
  const value = JSON.parse(await readFile(file, 'utf8'));
  edit(value);
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

beforeEach(async () => {
  root = await tempDir();
  const report = await archive({ refs: [REF], evidenceFiles: EVIDENCE, root, date: DATE });
  day = join(root, DATE);
  image = join(day, IMAGE);
  evidencePath = report.images[0]!.evidence.find((e) => e.format === 'spdx')!.path;
});

describe('custody verify', () => {
  it('passes a fresh archive at every level: root, day, image', async () => {
    for (const path of [root, day, image]) {
      const { code, report, stderr } = await verifyJson(path);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(report.ok).toBe(true);
      expect(report.checked).toBeGreaterThan(0);
    }
  });

  it('names an altered evidence file (exit 1, code altered)', async () => {
    await appendFile(join(image, evidencePath), ' ');
    const { code, report, stderr } = await verifyJson(root);
    expect(code).toBe(1);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'altered', path: `${DATE}/${IMAGE}/${evidencePath}` }));
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(evidencePath);
  });

  it('catches a file altered together with its .sha256 through the manifest', async () => {
    const file = join(image, evidencePath);
    await appendFile(file, ' ');
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    await writeFile(`${file}.sha256`, `${sha}  ${evidencePath.split('/').pop()}\n`);
    const { code, report } = await verifyJson(image);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'altered', path: evidencePath })]);
  });

  it('names a missing evidence file (code missing)', async () => {
    await rm(join(image, evidencePath));
    const { code, report } = await verifyJson(day);
    expect(code).toBe(1);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'missing', path: `${IMAGE}/${evidencePath}` }));
  });

  it('names an unlisted file (code unlisted)', async () => {
    await writeFile(join(image, 'evidence', 'extra.json'), '{}');
    await writeFile(join(image, 'evidence', 'extra.json.sha256'), `${'0'.repeat(64)}  extra.json\n`);
    const { code, report } = await verifyJson(image);
    expect(code).toBe(1);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'unlisted', path: 'evidence/extra.json' }));
  });

  it('names a file without its .sha256 (code checksum-missing)', async () => {
    await rm(join(image, `${evidencePath}.sha256`));
    const { code, report } = await verifyJson(image);
    expect(code).toBe(1);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'checksum-missing', path: evidencePath }));
  });

  it.each([
    ['upper-case hex', (sha: string, name: string) => `${sha.toUpperCase()}  ${name}\n`],
    ['another file name', (sha: string) => `${sha}  other.json\n`],
    ['two lines', (sha: string, name: string) => `${sha}  ${name}\n${sha}  ${name}\n`],
    ['a single space', (sha: string, name: string) => `${sha} ${name}\n`],
    ['a short hash', (sha: string, name: string) => `${sha.slice(1)}  ${name}\n`],
  ])('names a .sha256 in the wrong format: %s (code checksum-format)', async (_why, make) => {
    const file = join(image, `${evidencePath}.sha256`);
    const [sha] = (await readFile(file, 'utf8')).split(' ');
    await writeFile(file, make(sha!, evidencePath.split('/').pop()!));
    const { code, report } = await verifyJson(image);
    expect(code).toBe(1);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'checksum-format', path: `${evidencePath}.sha256` }));
  });

  it.each([['../../../../etc/passwd'], ['/etc/passwd'], ['evidence/../manifest.json']])(
    'names a manifest path that leaves its folder: %s (code unsafe-path)',
    async (bad) => {
      await editJson(join(image, 'manifest.json'), (m) => {
        (m.evidence as { path: string }[])[0]!.path = bad;
      });
      const { code, report } = await verifyJson(image);
      expect(code).toBe(1);
      expect(report.problems).toContainEqual(expect.objectContaining({ code: 'unsafe-path', path: 'manifest.json#/evidence/0/path' }));
      expect(report.problems).toContainEqual(expect.objectContaining({ code: 'manifest-schema', path: 'manifest.json#/evidence/0/path' }));
    },
  );

  it('names a symbolic link anywhere (code symlink)', async () => {
    await symlink('/etc/passwd', join(image, 'evidence', 'link.json'));
    await mkdir(join(day, 'images', 'linked'), { recursive: true });
    await symlink(image, join(day, 'images', 'linked', 'dir'));
    const { code, report } = await verifyJson(root);
    expect(code).toBe(1);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'symlink', path: `${DATE}/${IMAGE}/evidence/link.json` }));
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'symlink', path: `${DATE}/images/linked/dir` }));
  });

  it('names a day manifest whose manifestSha256 does not match (code manifest-mismatch)', async () => {
    await editJson(join(image, 'manifest.json'), (m) => {
      m.updatedAt = '2030-01-01T00:00:00.000Z';
    });
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256')
      .update(await readFile(join(image, 'manifest.json')))
      .digest('hex');
    await writeFile(join(image, 'manifest.json.sha256'), `${sha}  manifest.json\n`);
    const { code, report } = await verifyJson(day);
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'manifest-mismatch', path: 'manifest.json#/images/0/manifestSha256' })]);
  });

  it('checks manifests against their schemas, naming the field (code manifest-schema)', async () => {
    await editJson(join(day, 'manifest.json'), (m) => {
      delete m.previous;
      (m.images as { status: string }[])[0]!.status = 'great';
    });
    const { code, report } = await verifyJson(day);
    expect(code).toBe(1);
    const paths = report.problems.filter((p) => p.code === 'manifest-schema').map((p) => p.path);
    expect(paths).toContain('manifest.json#/previous');
    expect(paths).toContain('manifest.json#/images/0/status');
  });

  it('reports every problem at once', async () => {
    await appendFile(join(image, evidencePath), 'x');
    await writeFile(join(image, 'stray.txt'), 'x');
    await rm(join(day, 'manifest.json.sha256'));
    const { report } = await verifyJson(root);
    const codes = new Set(report.problems.map((p) => p.code));
    expect(codes).toEqual(new Set(['altered', 'unlisted', 'checksum-missing']));
  });

  it('refuses a path that is not an archive (exit 2)', async () => {
    const empty = await tempDir();
    await writeFile(join(empty, 'hello.txt'), 'hi');
    const result = await runCli(['verify', empty]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^custody: .*not a custody archive/);
    const missing = await runCli(['verify', join(empty, 'nope')]);
    expect(missing.code).toBe(2);
  });
});
