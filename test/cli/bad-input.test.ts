import { existsSync } from 'node:fs';
import { open, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/verify/verify.js';
import { EXAMPLE_DIGEST, REPO_ROOT, fakeDigest, runCli, tempDir } from '../helpers/cli.js';

const REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
const GOOD = join(REPO_ROOT, 'examples', 'evidence', 'sbom.spdx.json');

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^custody: /);
  return lines[0]!;
}

async function archiveArgs(root: string, ...files: string[]): Promise<string[]> {
  return ['archive', '--no-discover', REF, ...files.flatMap((f) => ['--evidence', f]), '--root', root, '--date', '2026-11-29'];
}

describe('bad input to archive', () => {
  it('an unreadable file: exit 2, the file named, nothing written', async () => {
    const root = join(await tempDir(), 'root');
    const missing = join(await tempDir(), 'missing.json');
    const result = await runCli(await archiveArgs(root, GOOD, missing));
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain(missing);
    expect(existsSync(root)).toBe(false);
  });

  it('a folder given as a file: exit 2, nothing written', async () => {
    const root = join(await tempDir(), 'root');
    const dir = await tempDir();
    const result = await runCli(await archiveArgs(root, dir));
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain('not a regular file');
    expect(existsSync(root)).toBe(false);
  });

  it('a 2 GiB file over the size limit: exit 2 without reading it, nothing written', async () => {
    const root = join(await tempDir(), 'root');
    const big = join(await tempDir(), 'big.json');
    const handle = await open(big, 'w');
    await handle.truncate(2 * 1024 ** 3);
    await handle.close();
    const result = await runCli(await archiveArgs(root, GOOD, big));
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/big\.json is 2147483648 bytes, over the limit of 536870912/);
    expect(existsSync(root)).toBe(false);
  });

  it('the size limit is settable with --max-bytes', async () => {
    const root = join(await tempDir(), 'root');
    const result = await runCli([...(await archiveArgs(root, GOOD)), '--max-bytes', '100']);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain('over the limit of 100');
  });

  it('a file that is not JSON: archived, flagged json-invalid, exit 1 with one line', async () => {
    const root = await tempDir();
    const broken = join(await tempDir(), 'broken.json');
    await writeFile(broken, '{"spdxVersion": "SPDX-2.3", ');
    const result = await runCli(await archiveArgs(root, broken));
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/broken\.json .*not valid JSON/);
    const report = await verifyArchive(root);
    expect(report.ok).toBe(true);
  });

  it('deeply nested JSON: no crash, flagged json-too-deep, exit 1', async () => {
    const root = await tempDir();
    const deep = join(await tempDir(), 'deep.json');
    await writeFile(deep, `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    const result = await runCli([...(await archiveArgs(root, deep)), '--json']);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    const report = JSON.parse(result.stdout);
    expect(report.images[0].evidence[0].problems[0]).toMatchObject({ code: 'json-too-deep' });
  });

  it('a reference without a digest under --no-discover: exit 2, nothing written', async () => {
    const root = join(await tempDir(), 'root');
    const result = await runCli(['archive', '--no-discover', 'registry.example/acme/shop:v1', '--evidence', GOOD, '--root', root]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain('--no-discover needs a digest');
    expect(existsSync(root)).toBe(false);
  });

  it.each([
    [['archive', '--no-discover', 'Bad Ref@x', '--evidence', GOOD], 'invalid image reference'],
    [['archive', '--no-discover', REF, '--evidence', GOOD, '--date', '2026-02-30'], 'not a calendar date'],
    [['archive', '--bogus-flag', REF], 'unknown flag --bogus-flag for custody archive'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [[], 'name a command'],
    [['archive', '--no-discover', REF, `registry.example/x@${fakeDigest('x')}`, '--evidence', GOOD], 'exactly one reference'],
  ])('usage error %j: exit 2, one line', async (args, message) => {
    const root = join(await tempDir(), 'root');
    const result = await runCli([...args, '--root', root]);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toContain(message);
    expect(existsSync(root)).toBe(false);
  });

  it('an image folder already damaged: refuses to add to it (exit 1), file untouched', async () => {
    const root = await tempDir();
    await runCli(await archiveArgs(root, GOOD));
    const day = join(root, '2026-11-29');
    const images = join(day, 'images', 'registry.example', 'acme', 'shop');
    const [folder] = await readdir(images);
    await writeFile(join(images, folder!, 'manifest.json'), '{"not": "a manifest"}');
    const scan = join(REPO_ROOT, 'examples', 'evidence', 'scan.trivy.json');
    const result = await runCli(await archiveArgs(root, scan));
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toContain('does not match its schema');
  });
});
