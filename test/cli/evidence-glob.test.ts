import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAGS, parseFlag } from '../../src/cli/flag-types.js';
import { isCustodyError } from '../../src/errors.js';
import { REPO_ROOT, spawnCli, tempDir } from '../helpers/cli.js';

const evidence = (value: string) => parseFlag('evidence', FLAGS.evidence.type, value) as string[];
const EXAMPLES = join(REPO_ROOT, 'examples', 'evidence');
const DIGEST = `sha256:${'a'.repeat(64)}`;

async function reportsTree(): Promise<string> {
  const dir = await tempDir('custody-glob-');
  for (const folder of ['reports/b', 'reports/a/deep', 'reports/.hidden']) await mkdir(join(dir, folder), { recursive: true });
  await copyFile(join(EXAMPLES, 'sbom.cdx.json'), join(dir, 'reports', 'x.json'));
  await copyFile(join(EXAMPLES, 'sbom.spdx.json'), join(dir, 'reports', 'b', 'z.json'));
  await copyFile(join(EXAMPLES, 'scan.trivy.json'), join(dir, 'reports', 'a', 'deep', 'y.json'));
  await writeFile(join(dir, 'reports', '.hidden', 'h.json'), '{}');
  await writeFile(join(dir, 'reports', 'notes.txt'), 'not json');
  await mkdir(join(dir, 'reports', 'folder.json'));
  return dir;
}

describe('--evidence takes globs', () => {
  it('expands a quoted glob to the files it matches, in sorted order, at any depth with **, hidden files and folders left out', async () => {
    const dir = await reportsTree();
    expect(evidence(`${dir}/reports/**/*.json`)).toEqual([`${dir}/reports/a/deep/y.json`, `${dir}/reports/b/z.json`, `${dir}/reports/x.json`]);
    expect(evidence(`${dir}/reports/*.json`)).toEqual([`${dir}/reports/x.json`]);
    expect(evidence(`${dir}/reports/.hidden/*.json`)).toEqual([`${dir}/reports/.hidden/h.json`]);
  });

  it('a glob that matches nothing is a usage error naming it', async () => {
    const dir = await reportsTree();
    const pattern = `${dir}/reports/**/*.xml`;
    let error: unknown;
    try {
      evidence(pattern);
    } catch (err) {
      error = err;
    }
    expect(isCustodyError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toBe(`--evidence takes a file path, got ${JSON.stringify(pattern)}, which matches no file`);
  });

  it('a path that exists wins over a glob it could be read as; a plain path is passed on as it is', async () => {
    const dir = await tempDir('custody-glob-');
    await writeFile(join(dir, 'a[1].json'), '{}');
    await writeFile(join(dir, 'a1.json'), '{}');
    expect(evidence(join(dir, 'a[1].json'))).toEqual([join(dir, 'a[1].json')]);
    expect(evidence(join(dir, 'a[0-9].json'))).toEqual([join(dir, 'a1.json')]);
    expect(evidence(join(dir, 'missing.json'))).toEqual([join(dir, 'missing.json')]);
  });

  it('through the binary: a relative glob and a file, repeated, are archived in order; an empty glob exits 2 with one line', async () => {
    const dir = await reportsTree();
    const archived = await spawnCli(
      [
        'archive',
        '--no-discover',
        `registry.example/app@${DIGEST}`,
        '--evidence',
        'reports/**/*.json',
        '--evidence',
        'reports/notes.txt',
        '--root',
        'root',
        '--date',
        '2026-01-01',
        '--json',
      ],
      { cwd: dir },
    ).done;
    const report = JSON.parse(archived.stdout) as { images: { evidence: { source: string }[] }[] };
    expect(report.images[0]!.evidence.map((e) => e.source)).toEqual(['y.json', 'z.json', 'x.json', 'notes.txt']);

    const none = await spawnCli(
      ['archive', '--no-discover', `registry.example/app@${DIGEST}`, '--evidence', 'reports/*.xml', '--root', 'root', '--date', '2026-01-01'],
      { cwd: dir },
    ).done;
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('custody: --evidence takes a file path, got "reports/*.xml", which matches no file\n');
  });
});
