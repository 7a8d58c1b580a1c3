import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, discover, openSource, type BlobSink, type Collection, type Source } from '../../src/collect/index.js';
import { digestOf } from '../../src/oci/digest.js';
import { parseReference, type ImageReference } from '../../src/oci/reference.js';
import { FaultProxy, ReferrersApiDouble } from '../integration/fault-proxy.js';
import { pushEvidenceLayout, registryAvailable, registryUnavailableReason, startRegistry, type RunningRegistry } from '../integration/registry-harness.js';
import { writeScenario, type Scenario } from '../integration/scenarios.js';
import { rejection } from '../helpers/errors.js';

/**
 * One suite, every Source implementation, the same content: an OCI layout
 * folder, and that layout pushed to a real registry (read through the tag
 * schema fallback, and through the referrers API test double). They must
 * give the same image and the same evidence list.
 */

type Kind = 'layout' | 'registry (tag schema)' | 'registry (referrers API test double)';

/** An evidence list with nothing that depends on the Source: the referrers method counts as one. */
function evidenceList(c: Collection): string[] {
  return c.evidence
    .map((r) =>
      [
        r.origin.method.replace(/^referrers-(api|tag)$/, 'referrers'),
        r.mediaType,
        digestOf(r.bytes),
        r.origin.attachedTo,
        r.origin.manifest?.digest ?? '-',
        r.origin.via ?? '-',
        JSON.stringify(r.origin.descriptor?.annotations ?? {}),
      ].join(' '),
    )
    .sort();
}

function imageList(c: Collection): string[] {
  return c.image.map((r) => `${r.mediaType} ${digestOf(r.bytes)} ${r.origin.attachedTo}`);
}

let work: string;
let scenario: Scenario;
let registry: RunningRegistry | undefined;
let proxy: FaultProxy | undefined;
const results = new Map<Kind, Collection>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'custody-conf-'));
  scenario = writeScenario(work, 'conformance', 'multi', { extraReferrers: 1 });
  if (registryAvailable) {
    registry = await startRegistry();
    await pushEvidenceLayout(scenario.dir, scenario.tag, registry, scenario.repository);
    proxy = new FaultProxy(registry.url);
    proxy.route(new ReferrersApiDouble(registry.url, registry.dataDir).route);
    await proxy.start();
  }
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const implementations: { kind: Kind; ref: () => ImageReference; needsRegistry: boolean }[] = [
  { kind: 'layout', ref: () => parseReference(`oci:${scenario.dir}:${scenario.tag}`), needsRegistry: false },
  { kind: 'registry (tag schema)', ref: () => parseReference(`${registry!.host}/${scenario.repository}:${scenario.tag}`), needsRegistry: true },
  { kind: 'registry (referrers API test double)', ref: () => parseReference(`${proxy!.host}/${scenario.repository}:${scenario.tag}`), needsRegistry: true },
];

for (const impl of implementations) {
  const suite = impl.needsRegistry && !registryAvailable ? describe.skip : describe;
  const name =
    impl.needsRegistry && !registryAvailable ? `Source conformance: ${impl.kind} [skipped: ${registryUnavailableReason}]` : `Source conformance: ${impl.kind}`;
  suite(name, () => {
    let source: Source;
    beforeAll(() => {
      source = openSource(impl.ref());
    });
    afterAll(async () => source?.close());

    it('resolves the tag to the image digest, and the digest to the same descriptor', async () => {
      const byTag = await source.resolve(impl.ref());
      expect(byTag).toMatchObject({
        digest: scenario.written.root.digest,
        size: scenario.written.root.size,
        mediaType: 'application/vnd.oci.image.index.v1+json',
      });
      const byDigest = await source.resolve({ ...impl.ref(), tag: undefined, digest: byTag.digest } as ImageReference);
      expect(byDigest).toMatchObject({ digest: byTag.digest, size: byTag.size, mediaType: byTag.mediaType });
    });

    it('an unknown tag is NOT_FOUND', async () => {
      const err = await rejection(source.resolve({ ...impl.ref(), tag: 'no-such-tag' } as ImageReference));
      expect(err.code).toBe('NOT_FOUND');
    });

    it('fetches manifests and blobs checked against digest and size', async () => {
      const root = scenario.written.root;
      expect(digestOf(await source.fetchManifest(root))).toBe(root.digest);
      const referrer = scenario.written.referrers[0]!.descriptor;
      const manifest = JSON.parse(Buffer.from(await source.fetchManifest(referrer)).toString('utf8'));
      const layer = manifest.layers[0];
      expect(digestOf(await source.fetchBlob(layer))).toBe(layer.digest);
      const wrongSize = await rejection(source.fetchBlob({ ...layer, size: layer.size + 1 }));
      expect(wrongSize.code).toBe('SIZE_MISMATCH');
      const missing = await rejection(source.fetchBlob({ ...layer, digest: `sha256:${'0'.repeat(64)}` }));
      expect(missing.code).toBe('NOT_FOUND');
    });

    it('streams a blob into a sink as it arrives: the same bytes, closed with the digest; a failed check aborts the sink, never closes it', async () => {
      const referrer = scenario.written.referrers[0]!.descriptor;
      const layer = JSON.parse(Buffer.from(await source.fetchManifest(referrer)).toString('utf8')).layers[0];
      const events: string[] = [];
      const chunks: Buffer[] = [];
      const sink: BlobSink<string> = {
        open: async (d) => {
          events.push(`open ${d.digest}`);
          return {
            write: (chunk) => void chunks.push(Buffer.from(chunk)),
            close: async (checked) => (events.push(`close ${checked.digest} ${checked.size}`), 'kept'),
            abort: async () => void events.push('abort'),
          };
        },
      };
      expect(await source.fetchBlobInto(layer, sink)).toBe('kept');
      expect(events).toEqual([`open ${layer.digest}`, `close ${layer.digest} ${layer.size}`]);
      expect(Buffer.concat(chunks).equals(Buffer.from(await source.fetchBlob(layer)))).toBe(true);

      events.length = 0;
      const wrongSize = await rejection(source.fetchBlobInto({ ...layer, size: layer.size + 1 }, sink));
      expect(wrongSize.code).toBe('SIZE_MISMATCH');
      expect(events.filter((e) => e.startsWith('close'))).toEqual([]);
      expect(events.filter((e) => e === 'abort')).toHaveLength(events.filter((e) => e.startsWith('open')).length);
    });

    it('a descriptor over the limit is refused before reading: BODY_TOO_LARGE', async () => {
      const small = openSource(impl.ref(), { maxManifestBytes: 100 });
      try {
        const err = await rejection(small.fetchManifest(scenario.written.root));
        expect(err.code).toBe('BODY_TOO_LARGE');
      } finally {
        await small.close();
      }
    });

    it('tags: listed, resolved (the cosign tag to its manifest), absent ones undefined', async () => {
      const sig = scenario.written.tagged.find((t) => t.tag.endsWith('.sig'))!;
      expect(await source.listTags()).toEqual(expect.arrayContaining([scenario.tag, sig.tag]));
      expect((await source.resolveTag(sig.tag))?.digest).toBe(sig.descriptor.digest);
      expect(await source.tagExists(sig.tag)).toBe(true);
      expect(await source.resolveTag('sha256-0000.att')).toBeUndefined();
      expect(await source.tagExists('nope')).toBe(false);
    });

    it('index entries: a layout lists its index.json manifests (the image among them), a registry none; each one fetches', async () => {
      const entries = await source.listIndexEntries();
      if (impl.kind === 'layout') expect(entries.map((e) => e.digest)).toContain(scenario.written.root.digest);
      else expect(entries).toEqual([]);
      for (const entry of entries) expect(digestOf(await source.fetchManifest(entry))).toBe(entry.digest);
    });

    it('collects: same image and same evidence list as every other Source', async () => {
      const c = await collect(source, impl.ref());
      expect(c.subject.digest).toBe(scenario.written.root.digest);
      expect(c.subject.platforms).toHaveLength(2);
      expect(c.evidence).toHaveLength(7);
      results.set(impl.kind, c);
      const reference = results.get('layout');
      if (reference && impl.kind !== 'layout') {
        expect(imageList(c)).toEqual(imageList(reference));
        expect(evidenceList(c)).toEqual(evidenceList(reference));
      }
    });

    it('discover reads no evidence body', async () => {
      const counting: Source = Object.create(source) as Source;
      let blobs = 0;
      counting.fetchBlob = async (d) => {
        blobs += 1;
        return source.fetchBlob(d);
      };
      const result = await discover(counting, impl.ref());
      expect(result.nodes.length).toBeGreaterThan(0);
      expect(blobs).toBe(0);
    });
  });
}
