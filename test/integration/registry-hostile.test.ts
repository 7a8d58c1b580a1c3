import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collect, discover, openSource } from '../../src/collect/index.js';
import { httpRequest } from '../../scripts/lib/registry-push.mjs';
import { parseReference } from '../../src/oci/reference.js';
import { describeWithRegistry, pushEvidenceLayout, startRegistry, type RunningRegistry } from './registry-harness.js';
import { writeScenario, type Scenario } from './scenarios.js';

/** Attachments that lie, pushed into a real registry; discovery warns and keeps going. */
describeWithRegistry('hostile attachments in a real registry', () => {
  let registry: RunningRegistry;
  let work: string;
  let donor: Scenario;

  const blob = (s: Scenario, digest: string): Buffer => readFileSync(join(s.dir, 'blobs', 'sha256', digest.slice(7)));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'custody-hostile-'));
    registry = await startRegistry();
    donor = writeScenario(work, 'donor', 'multi');
    await pushEvidenceLayout(donor.dir, donor.tag, registry, donor.repository);
  });

  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A fresh single-manifest image in its own repository, with nothing attached. */
  async function bareImage(name: string): Promise<{ repo: string; digest: string; bytes: Buffer }> {
    const s = writeScenario(work, name, 'manifest');
    await registry.pusher.pushFromLayout(s.dir, s.repository, s.written.root, s.tag);
    return { repo: s.repository, digest: s.written.root.digest, bytes: blob(s, s.written.root.digest) };
  }

  const run = async (repo: string) => {
    const ref = parseReference(`${registry.host}/${repo}:1.0`);
    const source = openSource(ref);
    try {
      return await discover(source, ref);
    } finally {
      await source.close();
    }
  };

  it('a referrers tag that is not an index: no referrers, a warning', async () => {
    const img = await bareImage('notindex');
    const sig = donor.written.tagged.find((t) => t.tag.endsWith('.sig'))!;
    await registry.pusher.pushFromLayout(donor.dir, img.repo, sig.descriptor, img.digest.replace(':', '-'));
    const result = await run(img.repo);
    expect(result.nodes).toEqual([]);
    expect(result.warnings.join('\n')).toMatch(/referrers tag sha256-[0-9a-f]{64} is not an image index \(application\/vnd\.oci\.image\.manifest\.v1\+json\)/);
  });

  it('a referrers tag that points at the subject itself: no referrers, a warning', async () => {
    const img = await bareImage('selftag');
    await registry.pusher.pushManifest(img.repo, img.digest.replace(':', '-'), 'application/vnd.oci.image.manifest.v1+json', img.bytes);
    const result = await run(img.repo);
    expect(result.nodes).toEqual([]);
    expect(result.warnings.join('\n')).toMatch(/points at sha256:[0-9a-f]{64} itself, not at a referrers index/);
  });

  it('a referrers index listing an artifact about another image, and one since deleted: both skipped with warnings', async () => {
    const img = await bareImage('liar');
    const foreign = donor.written.referrers[0]!.descriptor;
    const own = writeScenario(work, 'liar-own', 'manifest');
    // A referrer of this very image, listed, then deleted from the registry (delete is enabled in the test registry).
    const ownReferrer = { ...own.written.referrers[0]!.descriptor };
    await registry.pusher.pushFromLayout(donor.dir, img.repo, foreign);
    await registry.pusher.pushFromLayout(own.dir, img.repo, ownReferrer);
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [foreign, ownReferrer] }));
    await registry.pusher.pushManifest(img.repo, img.digest.replace(':', '-'), 'application/vnd.oci.image.index.v1+json', index);
    const deleted = await httpRequest({ method: 'DELETE', url: `${registry.url}/v2/${img.repo}/manifests/${ownReferrer.digest}` });
    expect(deleted.status).toBe(202);
    const result = await run(img.repo);
    expect(result.nodes).toEqual([]);
    const text = result.warnings.join('\n');
    expect(text).toContain(`lists ${foreign.digest} for ${img.digest}, but its subject is ${donor.written.root.digest}; skipped`);
    expect(text).toContain(`lists ${ownReferrer.digest} (attached to ${img.digest}) but it is not there; skipped`);
  });

  it('a cosign tag that points at the image itself: ignored with a warning', async () => {
    const img = await bareImage('cosignself');
    await registry.pusher.pushManifest(img.repo, `${img.digest.replace(':', '-')}.att`, 'application/vnd.oci.image.manifest.v1+json', img.bytes);
    const result = await run(img.repo);
    expect(result.nodes).toEqual([]);
    expect(result.warnings.join('\n')).toMatch(/cosign tag sha256-[0-9a-f]{64}\.att points at sha256:[0-9a-f]{64} itself; ignored/);
  });

  it('an artifact with no evidence layer (empty config, no layers): the manifest itself is the evidence', async () => {
    const img = await bareImage('nolayers');
    await registry.pusher.pushBlob(img.repo, 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', Buffer.from('{}'));
    const odd = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
        layers: [],
        annotations: { n: 'x' },
        subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: img.digest, size: img.bytes.length },
        artifactType: 'application/vnd.example.empty',
      }),
    );
    const { createHash } = await import('node:crypto');
    const oddDigest = `sha256:${createHash('sha256').update(odd).digest('hex')}`;
    await registry.pusher.pushManifest(img.repo, oddDigest, 'application/vnd.oci.image.manifest.v1+json', odd);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: oddDigest, size: odd.length, artifactType: 'application/vnd.example.empty' },
        ],
      }),
    );
    await registry.pusher.pushManifest(img.repo, img.digest.replace(':', '-'), 'application/vnd.oci.image.index.v1+json', index);
    const result = await run(img.repo);
    // An artifact with no evidence layer: the manifest itself is what is archived.
    expect(result.nodes.map((n) => [n.method, n.descriptor.digest, n.layers.length, n.artifactType])).toEqual([
      ['referrers-tag', oddDigest, 0, 'application/vnd.example.empty'],
    ]);
    const ref = parseReference(`${registry.host}/${img.repo}:1.0`);
    const c = await collect(openSource(ref), ref);
    expect(c.evidence.map((r) => [r.mediaType, Buffer.from(r.bytes).equals(odd), r.origin.descriptor?.digest])).toEqual([
      ['application/vnd.oci.image.manifest.v1+json', true, oddDigest],
    ]);
  });
});
