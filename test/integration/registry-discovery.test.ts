import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collect, discover, openSource, RegistrySession } from '../../src/collect/index.js';
import { digestOf } from '../../src/oci/digest.js';
import { parseReference } from '../../src/oci/reference.js';
import { describeWithRegistry, pushEvidenceLayout, startRegistry, type RunningRegistry } from './registry-harness.js';
import { attachmentLines, expectedAttachments, writeScenario, type Scenario } from './scenarios.js';

describeWithRegistry('discovery against a real registry (Distribution 2.8: no referrers API, so the tag schema fallback)', () => {
  let registry: RunningRegistry;
  let work: string;
  const scenarios: Record<string, Scenario> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'custody-disc-'));
    registry = await startRegistry();
    for (const [name, shape] of [
      ['plain', 'manifest'],
      ['single', 'single'],
      ['multi', 'multi'],
    ] as const) {
      const s = writeScenario(work, name, shape);
      await pushEvidenceLayout(s.dir, s.tag, registry, s.repository);
      scenarios[name] = s;
    }
  });

  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const counts: Record<string, number> = { plain: 4, single: 5, multi: 6 };
  for (const name of ['plain', 'single', 'multi']) {
    it(`${name}: finds referrers by tag schema, cosign tags (also on a referrer) and BuildKit attestations, labelled by what they attach to`, async () => {
      const s = scenarios[name]!;
      const ref = parseReference(`${registry.host}/${s.repository}:${s.tag}`);
      const source = openSource(ref);
      try {
        const result = await discover(source, ref);
        expect(result.subject.digest).toBe(s.written.root.digest);
        expect(result.tag).toBe('1.0');
        expect(result.subject.platforms.map((p) => p.digest)).toEqual(s.written.platforms.map((p) => p.digest));
        expect(expectedAttachments(s, 'referrers-tag')).toHaveLength(counts[name]!);
        expect(attachmentLines(result.nodes)).toEqual(expectedAttachments(s, 'referrers-tag'));
        expect(result.warnings).toEqual([]);
        const tagged = result.nodes.find((n) => n.method === 'referrers-tag');
        expect(tagged?.tag).toMatch(/^sha256-[0-9a-f]{64}$/);
      } finally {
        await source.close();
      }
    });
  }

  it('multi: collect returns the bytes exactly as in the layout, layer annotations and origins kept', async () => {
    const s = scenarios.multi!;
    const ref = parseReference(`${registry.host}/${s.repository}:${s.tag}`);
    const source = openSource(ref);
    try {
      const c = await collect(source, ref);
      const blob = (digest: string): Buffer => readFileSync(join(s.dir, 'blobs', 'sha256', digest.slice(7)));
      for (const raw of [...c.image, ...c.evidence]) {
        expect(digestOf(raw.bytes)).toBe(raw.origin.descriptor!.digest);
        expect(Buffer.from(raw.bytes).equals(blob(raw.origin.descriptor!.digest))).toBe(true);
      }
      // index, 2 platform manifests, 2 configs
      expect(c.image.map((r) => r.mediaType)).toEqual([
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.oci.image.config.v1+json',
        'application/vnd.oci.image.config.v1+json',
      ]);
      const kinds = c.evidence.map((r) => `${r.origin.method}:${r.mediaType}`).sort();
      expect(kinds).toEqual([
        'buildkit:application/vnd.in-toto+json',
        'buildkit:application/vnd.in-toto+json',
        'cosign-tag:application/vnd.dev.cosign.simplesigning.v1+json',
        'cosign-tag:application/vnd.dev.cosign.simplesigning.v1+json',
        'referrers-tag:application/spdx+json',
        'referrers-tag:application/vnd.cyclonedx+json',
      ]);
      const signature = c.evidence.find((r) => r.origin.method === 'cosign-tag' && r.origin.via === undefined)!;
      expect(signature.origin.descriptor?.annotations?.['dev.cosignproject.cosign/signature']).toMatch(/^[A-Za-z0-9+/=]+$/);
      expect(signature.origin.tag).toBe(`${s.written.root.digest.replace(':', '-')}.sig`);
      expect(signature.origin.manifest?.digest).toBe(s.written.tagged.find((t) => t.tag === signature.origin.tag)!.descriptor.digest);
      const onSbom = c.evidence.find((r) => r.origin.via !== undefined)!;
      expect(onSbom.origin.via).toBe(s.written.referrers[0]!.descriptor.digest);
      expect(onSbom.origin.attachedTo).toBe(s.written.root.digest);
    } finally {
      await source.close();
    }
  });

  it("a shared session lists each repository's tags once and asks for the referrers API once per registry", async () => {
    const session = new RegistrySession();
    try {
      for (const name of ['plain', 'single', 'multi']) {
        const s = scenarios[name]!;
        const ref = parseReference(`${registry.host}/${s.repository}@${s.written.root.digest}`);
        const result = await discover(openSource(ref, { session }), ref);
        expect(result.tag).toBeUndefined();
        expect(attachmentLines(result.nodes)).toEqual(expectedAttachments(s, 'referrers-tag'));
      }
      expect(session.referrersApi.get(registry.host)).toBe(false);
      expect(session.tagLists.size).toBe(3);
    } finally {
      session.close();
    }
  });
});
