import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseImagesList, inShard } from '../../src/archive/batch.js';
import { parseShard } from '../../src/archive/shard.js';
import { CustodyError } from '../../src/errors.js';
import { verifyArchive } from '../../src/verify/verify.js';
import { walkTree } from '../../src/verify/tree.js';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { LayoutBuilder } from '../helpers/layout-builder.js';

const TAGS = Array.from({ length: 12 }, (_, i) => `app-${i}`);
let layout: string;
let imagesFile: string;

beforeAll(async () => {
  layout = join(await tempDir('custody-batch-layout-'), 'layout');
  const builder = new LayoutBuilder(layout);
  for (const tag of TAGS) await builder.image(tag);
  imagesFile = join(await tempDir(), 'images.txt');
  await writeFile(imagesFile, ['# production images', ...TAGS.map((t) => `oci:${layout}:${t}`), '', `oci:${layout}:app-0   # duplicate`, ''].join('\n'));
});

function archiveArgs(root: string, file: string, ...extra: string[]): string[] {
  return ['archive', '--images', file, '--root', root, '--date', '2026-11-29', '--retries', '0', ...extra];
}

async function dayImages(root: string) {
  const day = JSON.parse(await readFile(join(root, '2026-11-29', 'manifest.json'), 'utf8')) as {
    images: { ref: string; digest: string; path: string; status: string; error: string | null }[];
  };
  return day.images.map(({ ref, digest, path, status, error }) => ({ ref, digest, path, status, error }));
}

async function evidenceFiles(root: string): Promise<string[]> {
  return (await walkTree(root))
    .filter((e) => e.type === 'file' && !e.path.endsWith('manifest.json') && !e.path.endsWith('manifest.json.sha256'))
    .map((e) => e.path);
}

describe('images file', () => {
  it('ignores comments and blank lines, merges duplicates, names the line of a bad reference', () => {
    expect(parseImagesList('# c\n\nalpine\ndocker.io/library/alpine # same image\nghcr.io/a/b:1\n', 'f')).toEqual(['alpine', 'ghcr.io/a/b:1']);
    expect(() => parseImagesList('alpine\nNot Valid\n', 'images.txt')).toThrow(/^images\.txt:2: invalid image reference/);
  });

  it('shards deterministically: every reference in exactly one shard', () => {
    const refs = Array.from({ length: 200 }, (_, i) => `ghcr.io/acme/app-${i}:v1`);
    const shards = [1, 2, 3].map((k) => refs.filter((r) => inShard(r, parseShard(`${k}/3`))));
    expect(shards.flat().sort()).toEqual([...refs].sort());
    for (const shard of shards) expect(shard.length).toBeGreaterThan(40);
    expect(() => parseShard('0/2')).toThrow(CustodyError);
    expect(() => parseShard('3/2')).toThrow(/K\/N/);
  });
});

describe('archive --images', () => {
  it('archives every image, goes on past a failed one (exit 1), and a rerun retries only the failures', async () => {
    const root = await tempDir();
    const file = join(await tempDir(), 'with-missing.txt');
    await writeFile(file, [...TAGS.slice(0, 4).map((t) => `oci:${layout}:${t}`), `oci:${layout}:no-such-tag`].join('\n'));
    const first = await spawnCli([...archiveArgs(root, file), '--json']).done;
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('1 of 5 images failed');
    const images = await dayImages(root);
    expect(images.filter((i) => i.status === 'ok')).toHaveLength(4);
    expect(images.find((i) => i.ref.endsWith(':no-such-tag'))).toMatchObject({
      status: 'failed',
      digest: null,
      path: null,
      error: expect.stringContaining('no-such-tag'),
    });

    const rerun = await spawnCli([...archiveArgs(root, file), '--json']).done;
    expect(rerun.code).toBe(1);
    const report = JSON.parse(rerun.stdout) as { images: { ref: string; skipped?: boolean; status: string }[] };
    expect(report.images.filter((i) => i.skipped)).toHaveLength(4);
    expect(report.images.filter((i) => !i.skipped).map((i) => i.ref)).toEqual([`oci:${layout}:no-such-tag`]);
    expect((await verifyArchive(root)).problems).toEqual([]);
  });

  it('prints one JSON progress line per image when not on a terminal, and a summary table', async () => {
    const root = await tempDir();
    const run = await spawnCli(archiveArgs(root, imagesFile)).done;
    expect(run.code).toBe(0);
    const events = run.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; ref?: string; status?: string });
    expect(events[0]).toMatchObject({ event: 'start', total: TAGS.length });
    expect(events.filter((e) => e.event === 'image')).toHaveLength(TAGS.length);
    expect(events.at(-1)).toMatchObject({ event: 'finish', done: TAGS.length });
    expect(run.stdout).toMatch(/^images\s+12 \(ok 12, incomplete 0, failed 0, already archived 0\)$/m);
    expect(run.stdout).toMatch(/^evidence\s+image 24, sbom 12$/m);
    const quiet = await spawnCli([...archiveArgs(root, imagesFile), '--quiet']).done;
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('two shards run in parallel into one root equal one unsharded run', async () => {
    const sharded = await tempDir();
    const runs = await Promise.all(['1/2', '2/2'].map((shard) => spawnCli(archiveArgs(sharded, imagesFile, '--shard', shard, '--quiet')).done));
    for (const run of runs) expect(run).toMatchObject({ code: 0, stderr: '' });
    const whole = await tempDir();
    expect((await spawnCli(archiveArgs(whole, imagesFile, '--quiet')).done).code).toBe(0);

    expect(await dayImages(sharded)).toEqual(await dayImages(whole));
    expect(await evidenceFiles(sharded)).toEqual(await evidenceFiles(whole));
    expect((await dayImages(whole)).length).toBe(TAGS.length);
    expect((await verifyArchive(sharded, { chain: true })).problems).toEqual([]);
  });

  it('killed mid-batch, a rerun completes the day and the archive verifies', async () => {
    const root = await tempDir();
    const { child, done } = spawnCli(archiveArgs(root, imagesFile, '--concurrency', '2'));
    let lines = '';
    child.stderr!.on('data', (d: Buffer) => {
      lines += d.toString();
      if ((lines.match(/"event":"image"/g) ?? []).length >= 3) child.kill('SIGKILL');
    });
    await done;
    const partial = await dayImages(root).catch(() => []);
    expect(partial.length).toBeLessThan(TAGS.length);
    expect((await verifyArchive(root)).problems).toEqual([]);
    const rerun = await spawnCli([...archiveArgs(root, imagesFile), '--quiet']).done;
    expect(rerun.code).toBe(0);
    expect((await dayImages(root)).filter((i) => i.status === 'ok')).toHaveLength(TAGS.length);
    expect(await verifyArchive(root)).toMatchObject({ ok: true, problems: [], warnings: [] });
  });
});
