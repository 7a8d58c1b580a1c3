import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLargeEvidenceImage } from '../../scripts/lib/large-evidence.mjs';
import { archive, type CollectContext, type CollectedImage, type Collector } from '../../src/archive/archive.js';
import { placeOnce } from '../../src/archive/atomic.js';
import { RunSpool } from '../../src/archive/spool.js';
import { defaultContext } from '../../src/cli/context.js';
import { LayoutSource } from '../../src/oci/layout.js';
import type { AnyRaw, ImageManifest } from '../../src/types.js';
import { verifyArchive } from '../../src/verify/verify.js';
import { rejection } from '../helpers/errors.js';
import { tempDir } from '../helpers/cli.js';

const DATE = '2026-11-29';

interface Written {
  dir: string;
  tag: string;
  image: { digest: string };
  sbom: { digest: string; size: number; mediaType: string };
  opaque: { digest: string; size: number; mediaType: string };
}

function blobPath(layout: string, digest: string): string {
  return join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

/** The collector the CLI uses, watched: what it handed the archive for each image. */
async function watchedCollector(): Promise<{ collect: Collector; seen: CollectedImage<AnyRaw>[]; close: () => void }> {
  const collecting = await defaultContext.collecting({ maxBodyBytes: 64 << 20 });
  const seen: CollectedImage<AnyRaw>[] = [];
  const collect = (async (ref: Parameters<Collector>[0], context?: CollectContext) => {
    const collected = context ? await collecting.collect(ref, context) : await collecting.collect(ref);
    seen.push(collected);
    return collected;
  }) as Collector;
  return { collect, seen, close: () => collecting.close() };
}

async function rootEntries(root: string): Promise<string[]> {
  return (await readdir(root)).filter((name) => name.startsWith('.custody-tmp-'));
}

function imageManifest(root: string, path: string): ImageManifest {
  return JSON.parse(readFileSync(join(root, DATE, path, 'manifest.json'), 'utf8')) as ImageManifest;
}

describe('archive: large blobs stream into the spool and are renamed into place', () => {
  let work: string;
  let written: Written;
  let ref: string;

  beforeAll(async () => {
    work = await tempDir('custody-spool-');
    written = writeLargeEvidenceImage(join(work, 'layout'), { name: 'big', tag: '1.0', sbomBytes: 300_000, opaqueBytes: 400_000 }) as unknown as Written;
    ref = `oci:${written.dir}:${written.tag}`;
  });

  it('archived bytes equal the source bytes, and the manifests are those of the in-memory path', async () => {
    const streamed = await tempDir();
    const held = await tempDir();
    const watched = await watchedCollector();
    try {
      const report = await archive({ refs: [ref], root: streamed, date: DATE, collect: watched.collect, spoolAbove: 0 });
      expect(report.images[0]).toMatchObject({ status: 'ok' });
      // Every blob went through the spool: layers and the config are files, manifests stay in memory.
      const spooled = [...watched.seen[0]!.image, ...watched.seen[0]!.evidence].filter((r) => r.file !== undefined).map((r) => r.origin.descriptor?.digest);
      expect(spooled).toEqual(expect.arrayContaining([written.sbom.digest, written.opaque.digest]));
      expect(spooled).toHaveLength(3);
      const inMemory = await archive({ refs: [ref], root: held, date: DATE, collect: watched.collect, spoolAbove: Infinity });
      expect(watched.seen[1]!.evidence.every((r) => r.file === undefined)).toBe(true);

      const path = report.images[0]!.path!;
      const a = imageManifest(streamed, path);
      const b = imageManifest(held, inMemory.images[0]!.path!);
      expect(a.evidence).toEqual(b.evidence);
      for (const blob of [written.sbom, written.opaque]) {
        const entry = a.evidence.find((e) => e.origin.descriptor?.digest === blob.digest)!;
        const archived = await readFile(join(streamed, DATE, path, entry.path));
        expect(archived.equals(readFileSync(blobPath(written.dir, blob.digest)))).toBe(true);
        expect(entry).toMatchObject({ size: blob.size, sha256: blob.digest.slice(7) });
      }
      expect(a.evidence.find((e) => e.origin.descriptor?.digest === written.opaque.digest)).toMatchObject({
        kind: 'other',
        format: 'unknown',
        path: expect.stringMatching(/\.bin$/),
      });
      expect(a.evidence.find((e) => e.origin.descriptor?.digest === written.sbom.digest)).toMatchObject({ kind: 'sbom', format: 'spdx', valid: true });
      expect(await verifyArchive(streamed)).toMatchObject({ ok: true, problems: [], warnings: [] });
      expect(await rootEntries(streamed)).toEqual([]);
    } finally {
      watched.close();
    }
  });

  it('a rerun the same day finds the files in place: nothing moves, the spool is emptied', async () => {
    const root = await tempDir();
    const watched = await watchedCollector();
    try {
      const first = await archive({ refs: [ref], root, date: DATE, collect: watched.collect, spoolAbove: 0, resolve: async () => written.image.digest });
      expect(first.images[0]!.evidence.every((e) => e.added)).toBe(true);
      // Without the cheap resolver the image is collected again: every blob spooled again, none added.
      const second = await archive({ refs: [ref], root, date: DATE, collect: watched.collect, spoolAbove: 0 });
      expect(second.images[0]).toMatchObject({ status: 'ok' });
      expect(second.images[0]!.evidence.some((e) => e.added)).toBe(false);
      expect(await rootEntries(root)).toEqual([]);
      expect(await verifyArchive(root)).toMatchObject({ ok: true, problems: [], warnings: [] });
    } finally {
      watched.close();
    }
  });

  it('a blob whose bytes do not match its digest: the temporary file is deleted at once and the image fails, naming the digest', async () => {
    const layout = join(work, 'corrupt');
    const bad = writeLargeEvidenceImage(layout, { name: 'bad', tag: '1.0', sbomBytes: 200_000, opaqueBytes: 300_000 }) as unknown as Written;
    const file = blobPath(layout, bad.opaque.digest);
    const bytes = readFileSync(file);
    bytes[150_000] = bytes[150_000]! ^ 0x01;
    writeFileSync(file, bytes);

    // At the Source: the spool's file is gone as soon as the digest is found wrong.
    const root = await tempDir();
    const spool = new RunSpool(root, 0);
    const source = new LayoutSource(layout);
    const err = await rejection(source.fetchBlobInto(bad.opaque as never, spool.forImage()));
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toContain(bad.opaque.digest);
    expect(existsSync(spool.dir)).toBe(true);
    expect(await readdir(spool.dir)).toEqual([]);
    await spool.remove();

    // Through archive: the image is failed and recorded, nothing of it stays.
    const watched = await watchedCollector();
    try {
      // The SBOM arrived whole and matched; when the image is over, it is gone too (not kept until the run ends).
      const leftAtImageEnd: string[] = [];
      const onImage = () => {
        for (const spoolDir of readdirSync(root).filter((name) => name.startsWith('.custody-tmp-spool-')))
          leftAtImageEnd.push(...readdirSync(join(root, spoolDir)));
      };
      const report = await archive({ refs: [`oci:${layout}:1.0`], root, date: DATE, collect: watched.collect, spoolAbove: 0, retries: 0, onImage });
      expect(report.images[0]).toMatchObject({ status: 'failed', errorCode: 'DIGEST_MISMATCH', error: expect.stringContaining(bad.opaque.digest) });
      expect(watched.seen).toHaveLength(0);
      expect(leftAtImageEnd).toEqual([]);
      expect(await rootEntries(root)).toEqual([]);
      expect(existsSync(join(root, DATE, 'images'))).toBe(false);
    } finally {
      watched.close();
    }
  });

  it('a blob over the size limit is refused before a byte is spooled', async () => {
    const root = await tempDir();
    const spool = new RunSpool(root, 0);
    const source = new LayoutSource(written.dir, { maxBodyBytes: written.opaque.size - 1 });
    const err = await rejection(source.fetchBlobInto(written.opaque as never, spool.forImage()));
    expect(err.code).toBe('BODY_TOO_LARGE');
    expect(existsSync(spool.dir)).toBe(false);
  });

  it('spools of killed runs on this machine are removed by the next run; live runs and other machines keep theirs', async () => {
    const root = await tempDir();
    const watched = await watchedCollector();
    const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
    const exited = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => exited.on('exit', resolve));
    const alive = spawn('sleep', ['30']);
    try {
      expect((await archive({ refs: [ref], root, date: DATE, collect: watched.collect })).images[0]).toMatchObject({ status: 'ok' });
      const spools = {
        dead: `.custody-tmp-spool-${host}-${exited.pid}-aaaaaaaaaaaa`,
        live: `.custody-tmp-spool-${host}-${alive.pid}-bbbbbbbbbbbb`,
        elsewhere: `.custody-tmp-spool-00000000-${exited.pid}-cccccccccccc`,
      };
      for (const name of Object.values(spools)) {
        await mkdir(join(root, name));
        await writeFile(join(root, name, '.custody-tmp-1-abc-0123456789ab'), 'partial');
      }
      const before = await verifyArchive(root);
      expect(before.problems).toEqual([]);
      expect(before.warnings).toHaveLength(3);
      for (const warning of before.warnings) expect(warning).toContain('temporary file left by an interrupted run');

      await archive({ refs: [ref], root, date: DATE, collect: watched.collect });
      expect((await rootEntries(root)).sort()).toEqual([spools.live, spools.elsewhere].sort());
    } finally {
      alive.kill();
      watched.close();
    }
  });
});

describe('RunSpool.openForJudging', () => {
  it('one spooled document at a time across images: the next opens once the previous is closed', async () => {
    const root = await tempDir();
    const path = join(root, 'doc.json');
    writeFileSync(path, '{}');
    const file = { path, size: 2, sha256: createHash('sha256').update('{}').digest('hex'), head: Buffer.from('{}') };
    const spool = new RunSpool(root);
    const first = await spool.openForJudging(file);
    const order: string[] = [];
    const second = spool.openForJudging(file).then((d) => (order.push('second opened'), d));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    order.push('first closed');
    await first.close();
    const opened = await second;
    expect(order).toEqual(['first closed', 'second opened']);
    expect((await opened.readAll()).toString()).toBe('{}');
    await opened.close();
  });
});

describe('placeOnce: a verified temporary file renamed into the archive, append-only', () => {
  it('moves the file; finds the same bytes already there and leaves them; refuses other bytes', async () => {
    const dir = await tempDir();
    const temp = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return { path, size: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
    };
    const target = join(dir, 'evidence', 'x.json');
    expect(await placeOnce(target, temp('.custody-tmp-a', 'same'))).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('same');
    expect(existsSync(join(dir, '.custody-tmp-a'))).toBe(false);

    expect(await placeOnce(target, temp('.custody-tmp-b', 'same'))).toBe(false);
    expect(existsSync(join(dir, '.custody-tmp-b'))).toBe(true);

    const err = await rejection(placeOnce(target, temp('.custody-tmp-c', 'other')));
    expect(err.code).toBe('DISK');
    expect(err.message).toContain(`refusing to overwrite ${target}`);
    expect(readFileSync(target, 'utf8')).toBe('same');
  });

  // A root whose day folder is another file system than the spool (a mount point): rename fails with EXDEV.
  const otherFileSystem = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev;
  it.skipIf(!otherFileSystem)('across file systems (EXDEV): copied beside the target, fsynced and renamed, never half there', async () => {
    const shm = mkdtempSync(join('/dev/shm', 'custody-exdev-'));
    try {
      const bytes = Buffer.alloc(3 << 20, 7);
      const path = join(shm, '.custody-tmp-x');
      writeFileSync(path, bytes);
      const dir = await tempDir();
      const target = join(dir, 'evidence', 'big.bin');
      expect(await placeOnce(target, { path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') })).toBe(true);
      expect(readFileSync(target).equals(bytes)).toBe(true);
      expect(readdirSync(join(dir, 'evidence'))).toEqual(['big.bin']);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });
});
