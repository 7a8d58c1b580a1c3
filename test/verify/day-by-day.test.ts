import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dayAt, writeSyntheticArchive } from '../../scripts/lib/synthetic-archive.mjs';
import { openVerified, verifyDays } from '../../src/days/open.js';
import { FOLDER_WORKER_THRESHOLD, FolderTrees } from '../../src/verify/folder-trees.js';
import { verifyArchive } from '../../src/verify/verify.js';
import { walkFolder } from '../../src/verify/walk-folder.js';
import { tempDir } from '../helpers/cli.js';

/*
 * A root is verified day by day (src/verify/verify.ts verifyRoot): what lies
 * outside the days first, then each day as its own tree. From
 * FOLDER_WORKER_THRESHOLD days on, worker threads read and hash the days
 * ahead of the checks (folder-trees.ts); with one thread they are read in
 * turn. Both must find exactly what verifying the whole tree at once found.
 */
const DAYS = FOLDER_WORKER_THRESHOLD + 3;
const OPTIONS = { days: DAYS, images: 3, rebuildEvery: 4, scanEvery: 3, components: 5, log4jEvery: 2 };
const day = (i: number) => dayAt('2025-01-01', i);
const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** The files of one image folder of a day, relative to the root. */
function imageFolder(root: string, i: number): string {
  const base = join(day(i), 'images', 'registry.example', 'team-0', 'app-0');
  return join(base, readdirSync(join(root, base))[0]!);
}

/** Replace a file's bytes with a new inode: the generator hard-links repeated evidence across days. */
async function rewrite(file: string, bytes: string | Buffer): Promise<void> {
  await unlink(file);
  await writeFile(file, bytes);
}

/** A generated root whose third day has one SBOM altered (image2: its image folder; sbom: the file's name). */
async function rootWithAlteredSbom(prefix: string): Promise<{ root: string; image2: string; sbom: string }> {
  const root = join(await tempDir(prefix), 'root');
  writeSyntheticArchive(root, OPTIONS);
  const image2 = imageFolder(root, 2);
  const sbom = readdirSync(join(root, image2, 'evidence')).find((n) => n.startsWith('sbom-') && !n.endsWith('.sha256'))!;
  await rewrite(join(root, image2, 'evidence', sbom), '{"altered": true}\n');
  return { root, image2, sbom };
}

const both = async (root: string, options: { chain?: boolean } = {}) => ({
  workers: await verifyArchive(root, { ...options }),
  inTurn: await verifyArchive(root, { ...options, concurrency: 1 }),
});

describe('verifying a root day by day', () => {
  let clean: string;
  beforeAll(async () => {
    clean = join(await tempDir('custody-days-'), 'root');
    writeSyntheticArchive(clean, OPTIONS);
  });

  it('passes an intact root of many days, chain included, with workers and without', async () => {
    const { workers, inTurn } = await both(clean, { chain: true });
    expect(workers.problems).toEqual([]);
    expect(workers.ok).toBe(true);
    expect(inTurn).toEqual(workers);
    const files = readdirSync(clean, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.endsWith('.sha256'));
    expect(workers.checked).toBe(files.length);
  });

  it('finds every kind of tampering, in any day and outside the days, the same with workers as without', async () => {
    const { root, image2, sbom } = await rootWithAlteredSbom('custody-days-tampered-');
    await writeFile(join(root, day(4), 'images', 'stray.json'), '{}');
    const image6 = imageFolder(root, 6);
    const scan = readdirSync(join(root, image6, 'evidence')).find((n) => n.startsWith('scan-') && !n.endsWith('.sha256'))!;
    await unlink(join(root, image6, 'evidence', `${scan}.sha256`));
    await symlink('/etc/passwd', join(root, day(DAYS - 1), 'trust-me.json'));
    const day5 = join(root, day(5), 'manifest.json');
    await rewrite(day5, readFileSync(day5, 'utf8').replace('"date"', '"date" ').replace(/\n$/, ' \n'));
    await rewrite(`${day5}.sha256`, `${sha(readFileSync(day5))}  manifest.json\n`);
    await writeFile(join(root, 'notes.txt'), 'not evidence');
    // A link named like a day, to a real day elsewhere: never followed, never taken for a day.
    await symlink(join(root, day(1)), join(root, '2030-01-01'));
    await mkdir(join(root, 'extra'));
    await writeFile(join(root, 'extra', 'file.json'), '{}');

    const { workers, inTurn } = await both(root, { chain: true });
    expect(inTurn).toEqual(workers);
    const found = workers.problems.map((p) => `${p.code} ${p.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        `altered ${image2}/evidence/${sbom}`,
        `unlisted ${day(4)}/images/stray.json`,
        `checksum-missing ${image6}/evidence/${scan}`,
        `symlink ${day(DAYS - 1)}/trust-me.json`,
        `chain-broken ${day(6)}/manifest.json#/previous`,
        `unlisted notes.txt`,
        `symlink 2030-01-01`,
        `unlisted extra/file.json`,
      ]),
    );
    expect(workers.ok).toBe(false);
    expect(found.filter((p) => p.includes('2030-01-01'))).toEqual(['symlink 2030-01-01']);
  });

  it('reports a file where a day folder was, and goes on with the other days', async () => {
    const root = join(await tempDir('custody-days-gone-'), 'root');
    writeSyntheticArchive(root, OPTIONS);
    await rm(join(root, day(3)), { recursive: true });
    await writeFile(join(root, day(3)), 'a file where a day folder was');
    const { workers, inTurn } = await both(root);
    expect(inTurn).toEqual(workers);
    expect(workers.problems.map((p) => `${p.code} ${p.path}`)).toContain(`unlisted ${day(3)}`);
    expect(workers.problems.every((p) => !p.path.startsWith(`${day(4)}/`))).toBe(true);
  });

  it('hands each day to custody report with the digests verification computed (the root as one tree)', async () => {
    const archive = await openVerified(clean, { chain: true });
    expect(archive.verify.ok).toBe(true);
    expect(archive.days.map((d) => d.date)).toEqual(Array.from({ length: DAYS }, (_, i) => day(i)));
    const file = `${day(DAYS - 1)}/manifest.json`;
    const bytes = readFileSync(join(clean, file));
    expect(archive.files.sha256(file)).toBe(sha(bytes));
    expect(await archive.files.text(file)).toBe(bytes.toString('utf8'));
    expect(archive.files.sha256('no-such-day/manifest.json')).toBeUndefined();
  });

  it('hands custody report each day as soon as it is checked, in order, with its own problems and the manifests as parsed', async () => {
    const { root, image2, sbom } = await rootWithAlteredSbom('custody-days-stream-');
    const seen: { date: string; problems: string[]; manifest: unknown }[] = [];
    let finished = false;
    const archive = await verifyDays(root, { chain: true }, async ({ day, files, problems }) => {
      expect(finished).toBe(false);
      seen.push({ date: day.date, problems: problems.map((p) => `${p.code} ${p.path}`), manifest: await files.json(`${day.date}/manifest.json`) });
    });
    finished = true;
    expect(seen.map((d) => d.date)).toEqual(archive.days.map((d) => d.date));
    expect(seen.find((d) => d.date === day(2))!.problems).toContain(`altered ${image2}/evidence/${sbom}`);
    for (const other of seen.filter((d) => d.date !== day(2))) expect(other.problems).toEqual([]);
    for (const { date, manifest } of seen) expect(manifest).toEqual(JSON.parse(readFileSync(join(root, date, 'manifest.json'), 'utf8')));
    // Its checksum file and its image manifest both disagree with it: one altered file, found twice.
    expect(new Set(archive.verify.problems.map((p) => `${p.code} ${p.path}`))).toEqual(new Set([`altered ${image2}/evidence/${sbom}`]));
  });

  it('a worker walking a day that is gone reports it unreadable, and hashes nothing', () => {
    const walked = walkFolder({ root: clean, folder: '1999-01-01', textSuffixes: ['.sha256'] }, Buffer.alloc(1024));
    expect(walked).toEqual({ entries: [{ type: 'unreadable', path: '1999-01-01', reason: 'ENOENT' }], results: [] });
  });

  it('FolderTrees hands out the days in order, each with its folder entry and every file hashed', async (context) => {
    if (availableParallelism() < 2) context.skip('one core: roots are read day after day without workers');
    const dates = Array.from({ length: DAYS }, (_, i) => day(i));
    const trees = new FolderTrees(clean, dates, 2);
    try {
      for (const date of dates) {
        const tree = (await trees.next())!;
        expect(tree.entries[0]).toEqual({ type: 'dir', path: date });
        expect(tree.entries.every((e) => e.path === date || e.path.startsWith(`${date}/`))).toBe(true);
        const manifest = tree.digests.get(`${date}/manifest.json`);
        expect(manifest).toMatchObject({ sha256: sha(readFileSync(join(clean, date, 'manifest.json'))) });
        expect(tree.entries.filter((e) => e.type === 'file').length).toBe(tree.digests.size);
      }
      expect(await trees.next()).toBeUndefined();
    } finally {
      await trees.close();
    }
  });
});
