import { readdirSync } from 'node:fs';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/output.js';
import { diskTree } from '../../src/verify/tree-source.js';
import { verifyTree } from '../../src/verify/verify.js';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { DATE, GOOD, REF, canDropPrivileges, makeArchive, oneErrorLine, runBounded } from './support.js';

/**
 * File-system failures are named in one line with the right exit code, never
 * "internal error": an unreadable folder inside an archive is a verify
 * problem and everything else is still checked; a bad --root is bad input
 * (2); a lock that custody did not make is a damaged archive (DISK, 3).
 */

const SCAN = join(REPO_ROOT, 'examples', 'evidence', 'scan.trivy.json');

/** An archive of two days; day 2's evidence file is altered; returns day 1's image folder too. */
async function twoDays(): Promise<{ root: string; image1: string; alteredFile: string }> {
  const { root, image } = await makeArchive();
  const result = await runCli(['archive', '--no-discover', REF, '--evidence', SCAN, '--root', root, '--date', '2026-11-30']);
  expect(result.code, result.stderr).toBe(0);
  const evidence2 = join(root, '2026-11-30', image.slice(join(root, DATE).length + 1), 'evidence');
  const [name] = (await readdir(evidence2)).filter((n) => !n.endsWith('.sha256'));
  await writeFile(join(evidence2, name!), '{"altered": true}');
  return { root, image1: image, alteredFile: `2026-11-30/${join(evidence2, name!).slice(join(root, '2026-11-30').length + 1)}` };
}

interface Row {
  name: string;
  setup: () => Promise<{ args: string[]; message: string }>;
  exit: number;
  unprivileged?: boolean;
}

const ROWS: Row[] = [
  {
    name: 'archive: .custody.lock is a folder (EISDIR)',
    setup: async () => {
      const { root } = await makeArchive();
      await mkdir(join(root, '.custody.lock'));
      return {
        args: ['archive', '--no-discover', REF, '--evidence', GOOD, '--root', root, '--date', DATE],
        message: `archive lock ${join(root, '.custody.lock')} is a directory, not a regular file`,
      };
    },
    exit: 3,
  },
  {
    name: 'archive: --root is a regular file',
    setup: async () => {
      const file = join(await tempDir(), 'root-file');
      await writeFile(file, 'x');
      return { args: ['archive', '--no-discover', REF, '--evidence', GOOD, '--root', file], message: `archive root ${file} is a regular file, not a folder` };
    },
    exit: 2,
  },
  {
    name: 'archive: --root under a regular file (ENOTDIR)',
    setup: async () => {
      const file = join(await tempDir(), 'root-file');
      await writeFile(file, 'x');
      return {
        args: ['archive', '--no-discover', REF, '--evidence', GOOD, '--root', join(file, 'sub')],
        message: `archive root ${join(file, 'sub')} is not a folder`,
      };
    },
    exit: 2,
  },
  {
    name: 'export: the day folder is a regular file',
    setup: async () => {
      const dir = await tempDir();
      await writeFile(join(dir, DATE), 'x');
      return { args: ['export', join(dir, DATE), '--out', join(dir, 'out.tar.gz')], message: `${join(dir, DATE)} is not a folder` };
    },
    exit: 2,
  },
  {
    name: 'verify: the path is a regular file',
    setup: async () => {
      const file = join(await tempDir(), 'root-file');
      await writeFile(file, 'x');
      return { args: ['verify', file], message: `${file} is not a custody archive folder` };
    },
    exit: 2,
  },
  {
    name: 'verify: the path is under a regular file (ENOTDIR)',
    setup: async () => {
      const file = join(await tempDir(), 'root-file');
      await writeFile(file, 'x');
      return { args: ['verify', join(file, 'sub')], message: `cannot read ${join(file, 'sub')}: ENOTDIR` };
    },
    exit: 2,
  },
  {
    name: 'verify: the archive root itself cannot be read (EACCES)',
    setup: async () => {
      const { root } = await makeArchive();
      await chmod(root, 0o000);
      return { args: ['verify', root], message: `cannot read folder ${root}: EACCES` };
    },
    exit: 2,
    unprivileged: true,
  },
  {
    name: 'archive: the root cannot be written (EACCES on the lock)',
    setup: async () => {
      const { root } = await makeArchive();
      await chmod(root, 0o555);
      return {
        args: ['archive', '--no-discover', REF, '--evidence', SCAN, '--root', root, '--date', DATE],
        message: `cannot create lock ${join(root, '.custody.lock')}: EACCES`,
      };
    },
    exit: 3,
    unprivileged: true,
  },
];

describe('file-system errors: one line naming the path, never an internal error', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    if (row.unprivileged) expect(canDropPrivileges, 'setpriv is needed to test EACCES as root').toBe(true);
    const { args, message } = await row.setup();
    const result = await runBounded(args, { unprivileged: row.unprivileged ?? false });
    expect(result.killed).toBe(false);
    expect(result.code, result.stderr).toBe(row.exit);
    const line = oneErrorLine(result.stderr);
    expect(line).not.toContain('internal error');
    expect(line).toContain(message);
  });
});

describe('verify: a folder that cannot be read is a problem, and everything else is still checked', () => {
  it('EACCES on an image folder (run without the rights root has): unreadable names it, exit 1, the altered file of the other day is found', async () => {
    expect(canDropPrivileges, 'setpriv is needed to test EACCES as root').toBe(true);
    const { root, image1, alteredFile } = await twoDays();
    await chmod(image1, 0o000);
    const result = await runBounded(['verify', root, '--json'], { unprivileged: true });
    await chmod(image1, 0o755);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { problems: { code: string; path: string; message: string }[] };
    const folder = image1.slice(root.length + 1);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'unreadable', path: folder }));
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'altered', path: alteredFile }));
    // Files inside the unreadable folder are not reported missing one by one.
    expect(report.problems.filter((p) => p.code === 'missing' && p.path.startsWith(`${folder}/`))).toEqual([]);
    expect(oneErrorLine(result.stderr)).not.toContain('internal error');
  });

  it('the same through the readdir seam (any user): EIO on one folder', async () => {
    const { root, image1, alteredFile } = await twoDays();
    const failing = (path: string) => {
      if (path === image1) throw Object.assign(new Error(`EIO: i/o error, scandir '${path}'`), { code: 'EIO', syscall: 'scandir', path });
      return readdirSync(path, { withFileTypes: true });
    };
    const report = await verifyTree(await diskTree(root, 1, { readdir: failing }), 'root', root, undefined);
    const folder = image1.slice(root.length + 1);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual({ code: 'unreadable', path: folder, message: `${folder} cannot be read (EIO); nothing in it was checked` });
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'altered', path: alteredFile }));
  });
});

describe('the last guard: a raw system error that reaches the CLI', () => {
  it.each([
    ['EACCES', 2],
    ['EISDIR', 2],
    ['ENOTDIR', 2],
    ['ELOOP', 2],
    ['ENAMETOOLONG', 2],
    ['EIO', 3],
    ['ENOSPC', 3],
  ] as const)('%s is named with its path, exit %i, never "internal error"', (code, exit) => {
    let err = '';
    const error = Object.assign(new Error(`${code}: failed, open '/some/where'`), { code, syscall: 'open', path: '/some/where' });
    expect(reportError({ out: () => undefined, err: (t) => (err += t) }, error)).toBe(exit);
    expect(err).toBe(`custody: cannot open /some/where: ${code}\n`);
  });
});
