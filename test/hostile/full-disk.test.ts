import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { walkTree } from '../../src/verify/tree.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { DATE, EVIDENCE, REF, readJson } from './archive-fixture.js';

/**
 * A real full disk: a small tmpfs mounted for the test (needs root, as CI
 * runs). A run that meets ENOSPC must leave the archive as it was, with the
 * failure recorded, so that verify reports no leftover as a problem and a
 * rerun on a roomy disk completes (issue 11, defect 7).
 */
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!canMount && process.env.CI === 'true') throw new Error('the full-disk tests need root and mount(8) (CI runs as root)');

const mounts: string[] = [];
afterEach(() => {
  for (const dir of mounts.splice(0)) execFileSync('umount', [dir]);
});

async function smallDisk(bytes: number): Promise<string> {
  const dir = await tempDir('custody-full-disk-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** Fill the disk to the last byte it will take. */
async function fill(dir: string): Promise<void> {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=4096'], { stdio: 'ignore' });
  } catch {
    // dd stops with ENOSPC: the disk is full.
  }
}

async function bigEvidence(bytes: number): Promise<string> {
  const file = join(await tempDir(), 'big-scan.json');
  await writeFile(file, JSON.stringify({ note: 'a large report', padding: 'x'.repeat(bytes) }));
  return file;
}

const archiveArgs = (root: string, files: string[]) => [
  'archive',
  '--no-discover',
  REF,
  ...files.flatMap((f) => ['--evidence', f]),
  '--root',
  root,
  '--date',
  DATE,
  '--retries',
  '0',
];

describe.skipIf(!canMount)('a full disk (tmpfs)', () => {
  it('a run that meets ENOSPC mid-image records the image failed, leaves no leftover, and a rerun on a roomy disk completes', async () => {
    const disk = await smallDisk(256 * 1024);
    const root = join(disk, 'root');
    const files = [...EVIDENCE, await bigEvidence(600 * 1024)];

    const full = await runCli(archiveArgs(root, files));
    expect(full.stderr).toMatch(/ENOSPC/);
    // The only image failed: nothing archived, an operational failure (exit 3).
    expect(full.code).toBe(3);
    const day = await readJson<{ images: { status: string; error: string }[] }>(join(root, DATE, 'manifest.json'));
    expect(day.images).toEqual([expect.objectContaining({ status: 'failed', error: expect.stringMatching(/ENOSPC/) })]);
    // Nothing but the day manifest and its checksum: the image's files were rolled back.
    expect(
      (await walkTree(join(root, DATE)))
        .filter((e) => e.type === 'file')
        .map((e) => e.path)
        .sort(),
    ).toEqual(['manifest.json', 'manifest.json.sha256']);

    const verify = await runCli(['verify', root, '--json']);
    const report = JSON.parse(verify.stdout) as { problems: unknown[]; warnings: string[] };
    expect(report.problems).toEqual([]);
    expect(verify.code).toBe(0);

    execFileSync('mount', ['-o', 'remount,size=8m', disk]);
    const rerun = await runCli(archiveArgs(root, files));
    expect(rerun.code, rerun.stderr).toBe(0);
    const after = await runCli(['verify', root, '--chain', '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, problems: [], warnings: [] });
  });

  it('a first run on a disk with no room at all leaves no empty day folder behind', async () => {
    const disk = await smallDisk(64 * 1024);
    const root = join(disk, 'root');
    await mkdir(root);
    await fill(disk);
    const run = await runCli(archiveArgs(root, EVIDENCE));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/ENOSPC/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    // No empty day folder, and no lock file that would make the next run wait.
    expect(await readdir(root)).toEqual([]);

    await rm(join(disk, 'filler'));
    const rerun = await runCli(archiveArgs(root, EVIDENCE));
    expect(rerun.code, rerun.stderr).toBe(0);
    const verify = await runCli(['verify', root, '--chain', '--json']);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, problems: [], warnings: [] });
  });
});
