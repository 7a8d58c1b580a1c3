import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkTree } from '../../src/verify/tree.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { DATE, EVIDENCE, IMAGE, REF, archivedExample } from './archive-fixture.js';

/**
 * Links planted inside the archive root must never carry archive's writes
 * outside it (issue 11, defect 2). Each row plants a link where archive
 * would write, then archives into that day: nothing may appear outside, and
 * the run fails with the documented exit code naming the link.
 */

interface Row {
  name: string;
  /** Where the link goes, relative to the root. */
  link: string;
  /** Whether the day exists (archived once) before the link is planted. */
  existingDay: boolean;
  exit: number;
  message: RegExp;
}

const ROWS: Row[] = [
  { name: 'the day folder is a link', link: DATE, existingDay: false, exit: 2, message: /2026-11-29 is a symbolic link/ },
  { name: 'images/ is a link', link: `${DATE}/images`, existingDay: false, exit: 2, message: /images is a symbolic link/ },
  { name: 'trust/ is a link', link: `${DATE}/trust`, existingDay: false, exit: 2, message: /trust is a symbolic link/ },
  {
    name: 'the registry folder is a link',
    link: `${DATE}/images/registry.example`,
    existingDay: false,
    exit: 1,
    message: /registry\.example is a symbolic link/,
  },
  { name: 'the image folder is a link', link: `${DATE}/${IMAGE}`, existingDay: false, exit: 1, message: /sha256-[0-9a-f]+ is a symbolic link/ },
  { name: "an existing image's evidence/ is a link", link: `${DATE}/${IMAGE}/evidence`, existingDay: true, exit: 1, message: /evidence is a symbolic link/ },
];

async function filesUnder(dir: string): Promise<string[]> {
  return (await walkTree(dir)).filter((e) => e.type !== 'dir').map((e) => e.path);
}

describe('archive never writes through a link inside the root', () => {
  it.each(ROWS)('$name: exit $exit, nothing outside the root', async (row) => {
    const root = await tempDir('custody-links-');
    const outside = await tempDir('custody-outside-');
    if (row.existingDay) {
      await archivedExample(DATE, root);
      const { rm } = await import('node:fs/promises');
      await rm(join(root, row.link), { recursive: true });
    }
    await mkdir(join(root, row.link, '..'), { recursive: true });
    await symlink(outside, join(root, row.link));

    // New evidence, so that archive has something to write into the linked folder.
    const extra = join(await tempDir(), 'extra.json');
    await writeFile(extra, '{"note":"more evidence"}\n');
    const result = await runCli(['archive', '--no-discover', REF, ...[...EVIDENCE, extra].flatMap((f) => ['--evidence', f]), '--root', root, '--date', DATE]);

    expect(await filesUnder(outside)).toEqual([]);
    expect(result.code, result.stderr).toBe(row.exit);
    expect(result.stderr).toMatch(row.message);
    expect(result.stderr).toMatch(/custody writes only into real folders under the root/);
  });

  it('an evidence file replaced by a link to an outside file with the same bytes is refused, not reused', async () => {
    const f = await archivedExample();
    const outside = await tempDir('custody-outside-');
    const target = join(outside, 'copy.json');
    const { copyFile, rm } = await import('node:fs/promises');
    await copyFile(join(f.image, f.evidence), target);
    await rm(join(f.image, f.evidence));
    await symlink(target, join(f.image, f.evidence));
    const result = await runCli(['archive', '--no-discover', REF, ...EVIDENCE.flatMap((e) => ['--evidence', e]), '--root', f.root, '--date', DATE]);
    // Nothing new to write, so the run reuses nothing through the link: the image manifest is read without following links.
    expect(result.code).toBe(0);
    const verify = await runCli(['verify', f.root, '--json']);
    expect(verify.code).toBe(1);
    expect((JSON.parse(verify.stdout) as { problems: { code: string }[] }).problems.map((p) => p.code)).toContain('symlink');
    expect(await readdir(outside)).toEqual(['copy.json']);
  });

  it('a root that is itself a link (the user named it) is fine', async () => {
    const real = await tempDir('custody-real-root-');
    const alias = join(await tempDir(), 'alias');
    await symlink(real, alias);
    const result = await runCli(['archive', '--no-discover', REF, ...EVIDENCE.flatMap((e) => ['--evidence', e]), '--root', alias, '--date', DATE]);
    expect(result.code, result.stderr).toBe(0);
    expect((await filesUnder(real)).length).toBeGreaterThan(4);
  });
});
