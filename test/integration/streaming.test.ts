import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { pushLargeLayout, writeLargeEvidenceImage } from '../../scripts/lib/large-evidence.mjs';
import { RunSpool } from '../../src/archive/spool.js';
import { collect, openSource, type BlobSpool, type SourceOptions } from '../../src/collect/index.js';
import { parseReference } from '../../src/oci/reference.js';
import type { ImageManifest, RawFile } from '../../src/types.js';
import { verifyArchive } from '../../src/verify/verify.js';
import { spawnCli } from '../helpers/cli.js';
import { rejection } from '../helpers/errors.js';
import { FaultProxy } from './fault-proxy.js';
import { describeWithRegistry, startRegistry, type RunningRegistry } from './registry-harness.js';

/**
 * Large evidence from a real registry (CNCF Distribution) through the
 * fault-injecting test proxy: blobs stream into the archive's spool while
 * they are checked, and whatever fails leaves no file behind.
 */

const FAST: SourceOptions = { retries: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 40, requestTimeoutMs: 5000, stallTimeoutMs: 5000 };
const DATE = '2026-11-29';

interface Blob {
  digest: string;
  size: number;
  mediaType: string;
}

describeWithRegistry('streaming large evidence from a registry into the archive', () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let work: string;
  let written: { dir: string; tag: string; image: Blob; sbom: Blob & { packages: number }; opaque: Blob };
  const repository = 'acme/big';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'custody-streaming-'));
    registry = await startRegistry();
    // An SBOM over the 16 MiB from which documents are judged in slices (read from the spooled file), and an opaque blob.
    written = writeLargeEvidenceImage(join(work, 'layout'), {
      name: 'big',
      tag: '1.0',
      sbomBytes: 17 << 20,
      opaqueBytes: 6 << 20,
    }) as unknown as typeof written;
    await pushLargeLayout(registry.url, written, repository);
    proxy = new FaultProxy(registry.url);
    await proxy.start();
  });

  afterEach(() => proxy.reset());

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const ref = () => parseReference(`${proxy.host}/${repository}:${written.tag}`);
  const isBlob = (digest: string) => (r: { method: string; path: string }) => r.method === 'GET' && r.path === `/v2/${repository}/blobs/${digest}`;
  const layoutBytes = (blob: Blob) => readFileSync(join(written.dir, 'blobs', 'sha256', blob.digest.slice(7)));
  const spoolFiles = (root: string) =>
    readdirSync(root)
      .filter((name) => name.startsWith('.custody-tmp-spool-'))
      .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)));

  /** The archive's spool, counting what the sources did with it. */
  function countingSpool(root: string): { spool: BlobSpool; run: RunSpool; opened: number; aborted: number; closed: RawFile[] } {
    const run = new RunSpool(root, 1 << 20);
    const image = run.forImage();
    const counts = { opened: 0, aborted: 0, closed: [] as RawFile[] };
    const spool: BlobSpool = {
      above: image.above,
      async open(descriptor) {
        counts.opened += 1;
        const sink = await image.open(descriptor);
        return {
          write: (chunk) => sink.write(chunk),
          close: async (checked) => {
            const file = await sink.close(checked);
            counts.closed.push(file);
            return file;
          },
          abort: async () => {
            counts.aborted += 1;
            await sink.abort();
          },
        };
      },
    };
    return Object.assign(counts, { spool, run });
  }

  async function collectInto(spool: BlobSpool) {
    const source = openSource(ref(), FAST);
    try {
      return await collect(source, ref(), { spool });
    } finally {
      await source.close();
    }
  }

  it('archive: both blobs arrive through the spool and are archived byte for byte; the SBOM is judged in slices from its file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-streaming-root-'));
    const run = await spawnCli(['archive', `${proxy.host}/${repository}:${written.tag}`, '--root', root, '--date', DATE, '--retries', '0', '--json']).done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const image = JSON.parse(run.stdout).images[0];
    const manifest = JSON.parse(readFileSync(join(root, DATE, image.path, 'manifest.json'), 'utf8')) as ImageManifest;
    const sbom = manifest.evidence.find((e) => e.origin.descriptor?.digest === written.sbom.digest)!;
    expect(sbom).toMatchObject({ kind: 'sbom', format: 'spdx', valid: true, size: written.sbom.size, subjects: [written.image.digest] });
    expect(sbom.summary.componentCount).toBe(written.sbom.packages);
    for (const blob of [written.sbom, written.opaque]) {
      const entry = manifest.evidence.find((e) => e.origin.descriptor?.digest === blob.digest)!;
      expect(readFileSync(join(root, DATE, image.path, entry.path)).equals(layoutBytes(blob))).toBe(true);
    }
    expect(await verifyArchive(root)).toMatchObject({ ok: true, problems: [], warnings: [] });
    expect(readdirSync(root).filter((name) => name.startsWith('.custody-tmp-'))).toEqual([]);
  });

  /** One blob from the registry through the proxy, into the counting spool (nothing else in flight). */
  async function fetchInto(spool: BlobSpool, blob: Blob) {
    const source = openSource(ref(), FAST);
    try {
      return await source.fetchBlobInto(blob, spool);
    } finally {
      await source.close();
    }
  }

  it('a body that does not match its digest: the spooled file is deleted, the image fails naming the digest', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-streaming-root-'));
    proxy.inject(isBlob(written.opaque.digest), { kind: 'corrupt' });
    const spool = countingSpool(root);
    const err = await rejection(fetchInto(spool.spool, written.opaque));
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toContain(written.opaque.digest);
    expect(spool).toMatchObject({ opened: 1, aborted: 1, closed: [] });
    expect(spoolFiles(root)).toEqual([]);
    await spool.run.remove();

    // The CLI: the image fails (exit 1), the failure is recorded, no temporary file stays.
    proxy.inject(isBlob(written.opaque.digest), { kind: 'corrupt' });
    const run = await spawnCli(['archive', `${proxy.host}/${repository}:${written.tag}`, '--root', root, '--date', DATE, '--retries', '0', '--json']).done;
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).images[0]).toMatchObject({
      status: 'failed',
      errorCode: 'DIGEST_MISMATCH',
      error: expect.stringContaining(written.opaque.digest),
    });
    expect(readdirSync(root).filter((name) => name.startsWith('.custody-tmp-'))).toEqual([]);
  });

  for (const chunked of [false, true]) {
    it(`a body longer than its descriptor (${chunked ? 'no Content-Length' : 'Content-Length announced'}): cut off, the spooled file deleted`, async () => {
      const root = mkdtempSync(join(tmpdir(), 'custody-streaming-root-'));
      proxy.inject(isBlob(written.opaque.digest), { kind: 'oversize', extraBytes: 3 << 20, chunked });
      const spool = countingSpool(root);
      const err = await rejection(fetchInto(spool.spool, written.opaque));
      expect(err.code).toBe('SIZE_MISMATCH');
      expect(err.message).toContain(written.opaque.digest);
      // Announced: refused on the header, before a byte; not announced: cut off one chunk past the size.
      expect(spool).toMatchObject({ opened: 1, aborted: 1, closed: [] });
      expect(spoolFiles(root)).toEqual([]);
      await spool.run.remove();
    });
  }

  it('a connection reset mid-body: the partial file is dropped, the retry streams into a new one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-streaming-root-'));
    proxy.inject(isBlob(written.opaque.digest), { kind: 'reset-mid-body' });
    const spool = countingSpool(root);
    const collection = await collectInto(spool.spool);
    expect(proxy.count(isBlob(written.opaque.digest))).toBe(2);
    expect(spool.aborted).toBe(1);
    expect(spool.opened).toBe(3);
    const opaque = collection.evidence.find((r) => r.origin.descriptor?.digest === written.opaque.digest)!;
    expect(opaque.file).toBeDefined();
    expect(readFileSync(opaque.file!.path).equals(layoutBytes(written.opaque))).toBe(true);
    expect(opaque.file).toMatchObject({ size: written.opaque.size, sha256: written.opaque.digest.slice(7) });
    expect(spoolFiles(root).sort()).toEqual(spool.closed.map((f) => f.path).sort());
    await spool.run.remove();
  });

  it('kill -9 mid-stream: only temporary files remain, which verify calls warnings; the next run tidies them and completes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-streaming-root-'));
    const args = (date: string) => ['archive', `${proxy.host}/${repository}:${written.tag}`, '--root', root, '--date', date, '--retries', '0', '--json'];
    // An earlier, complete day: the root is an archive.
    expect((await spawnCli(args('2026-11-28')).done).code).toBe(0);

    // Half of the opaque blob, then the registry stalls: killed while the spool holds a part of it.
    proxy.inject(isBlob(written.opaque.digest), { kind: 'slow-body', ms: 60_000 });
    const { child, done } = spawnCli(args(DATE));
    const deadline = Date.now() + 50_000;
    let partial: string | undefined;
    while (!partial && child.exitCode === null && Date.now() < deadline) {
      partial = spoolFiles(root).find((path) => path.endsWith(written.opaque.digest.slice(7, 19)) && statSync(path).size >= written.opaque.size / 2);
      if (!partial) await new Promise((r) => setTimeout(r, 20));
    }
    expect(partial, 'the run never had half of the blob in its spool').toBeDefined();
    child.kill('SIGKILL');
    await done;

    const afterKill = await verifyArchive(root);
    expect(afterKill.problems).toEqual([]);
    expect(afterKill.ok).toBe(true);
    expect(afterKill.warnings.length).toBeGreaterThan(0);
    for (const warning of afterKill.warnings)
      expect(warning).toMatch(/\.custody-tmp-spool-[^/]+\/\.custody-tmp-[^ ]+: temporary file left by an interrupted run/);

    proxy.reset();
    const rerun = await spawnCli(args(DATE)).done;
    expect(rerun.code).toBe(0);
    expect(await verifyArchive(root)).toMatchObject({ ok: true, problems: [], warnings: [] });
    expect(readdirSync(root).filter((name) => name.startsWith('.custody-tmp-'))).toEqual([]);
  });
});
