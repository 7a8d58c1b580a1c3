import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, discover, openSource } from '../../src/collect/index.js';
import { digestOf } from '../../src/oci/digest.js';
import { parseReference } from '../../src/oci/reference.js';

const EXAMPLE = new URL('../../examples/layout', import.meta.url).pathname;
const index = JSON.parse(readFileSync(join(EXAMPLE, 'index.json'), 'utf8')) as {
  manifests: { digest: string; mediaType: string; size: number; annotations?: Record<string, string> }[];
};
const ROOT = index.manifests[0]!.digest;
const imageIndex = JSON.parse(readFileSync(join(EXAMPLE, 'blobs', 'sha256', ROOT.slice(7)), 'utf8')) as {
  manifests: { digest: string; annotations?: Record<string, string> }[];
};
const AMD64 = imageIndex.manifests[0]!.digest;
const ARM64 = imageIndex.manifests[1]!.digest;

let work: string;
let n = 0;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'custody-disc-layout-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copy(): string {
  n += 1;
  const dir = join(work, `l${n}`);
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

function addBlob(dir: string, bytes: Buffer): { digest: string; size: number } {
  const digest = digestOf(bytes);
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { digest, size: bytes.length };
}

function addEntry(dir: string, entry: object): void {
  const doc = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  doc.manifests.push(entry);
  writeFileSync(join(dir, 'index.json'), JSON.stringify(doc));
}

describe('discovery in the bundled example layout (examples/layout)', () => {
  it('finds the SPDX referrer of the index, the CycloneDX referrer of amd64, the cosign signature and one BuildKit attestation per platform', async () => {
    const ref = parseReference(`oci:${EXAMPLE}:1.0`);
    const result = await discover(openSource(ref), ref);
    expect(result.subject).toMatchObject({ ref: `oci:${EXAMPLE}:1.0`, digest: ROOT, mediaType: 'application/vnd.oci.image.index.v1+json' });
    expect(result.subject.platforms.map((p) => [p.digest, p.platform?.architecture])).toEqual([
      [AMD64, 'amd64'],
      [ARM64, 'arm64'],
    ]);
    expect(result.tag).toBe('1.0');
    expect(result.nodes.map((n) => [n.method, n.attachedTo, n.artifactType ?? '', n.layers.map((l) => l.mediaType).join(',')])).toEqual([
      ['referrers-api', ROOT, 'application/spdx+json', 'application/spdx+json'],
      ['cosign-tag', ROOT, 'application/vnd.oci.image.config.v1+json', 'application/vnd.dev.cosign.simplesigning.v1+json'],
      ['referrers-api', AMD64, 'application/vnd.cyclonedx+json', 'application/vnd.cyclonedx+json'],
      ['buildkit', AMD64, 'application/vnd.oci.image.config.v1+json', 'application/vnd.in-toto+json'],
      ['buildkit', ARM64, 'application/vnd.oci.image.config.v1+json', 'application/vnd.in-toto+json'],
    ]);
    expect(result.nodes.find((n) => n.method === 'cosign-tag')?.tag).toBe(`${ROOT.replace(':', '-')}.sig`);
    expect(result.warnings).toEqual([]);
  });

  it('collects 5 image files (index, 2 manifests, 2 configs) and 5 evidence layers, each verified', async () => {
    const ref = parseReference(`oci:${EXAMPLE}`);
    const c = await collect(openSource(ref), ref);
    expect(c.image).toHaveLength(5);
    expect(c.image.every((r) => r.origin.method === 'image')).toBe(true);
    expect(c.evidence.map((r) => r.mediaType)).toEqual([
      'application/spdx+json',
      'application/vnd.dev.cosign.simplesigning.v1+json',
      'application/vnd.cyclonedx+json',
      'application/vnd.in-toto+json',
      'application/vnd.in-toto+json',
    ]);
    for (const r of [...c.image, ...c.evidence]) expect(digestOf(r.bytes)).toBe(r.origin.descriptor!.digest);
    const spdx = JSON.parse(Buffer.from(c.evidence[0]!.bytes).toString('utf8'));
    expect(spdx.spdxVersion).toBe('SPDX-2.3');
    expect(spdx.packages[0].externalRefs[0].referenceLocator).toContain(encodeURIComponent(ROOT));
  });
});

describe('discovery on odd layouts', () => {
  it('a cosign tag whose manifest is not JSON: discovered, the bytes kept as evidence, a warning', async () => {
    const dir = copy();
    const junk = Buffer.from('this is not a manifest');
    const blob = addBlob(dir, junk);
    addEntry(dir, {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...blob,
      annotations: { 'org.opencontainers.image.ref.name': `${ROOT.replace(':', '-')}.att` },
    });
    const ref = parseReference(`oci:${dir}:1.0`);
    const c = await collect(openSource(ref), ref);
    const kept = c.evidence.find((r) => r.origin.descriptor?.digest === blob.digest);
    expect(kept && Buffer.from(kept.bytes).equals(junk)).toBe(true);
    expect(kept?.origin).toMatchObject({ method: 'cosign-tag', attachedTo: ROOT, tag: `${ROOT.replace(':', '-')}.att` });
    expect(c.warnings.join('\n')).toMatch(/cosign-tag artifact sha256:[0-9a-f]{64} is not a valid manifest \(not UTF-8 JSON\)/);
  });

  it('a BuildKit attestation naming no platform of the index: attached to the index, with a warning', async () => {
    const dir = copy();
    const doc = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', ROOT.slice(7)), 'utf8'));
    doc.manifests[2].annotations['vnd.docker.reference.digest'] = `sha256:${'7'.repeat(64)}`;
    const blob = addBlob(dir, Buffer.from(JSON.stringify(doc)));
    addEntry(dir, { mediaType: 'application/vnd.oci.image.index.v1+json', ...blob, annotations: { 'org.opencontainers.image.ref.name': 'odd' } });
    const ref = parseReference(`oci:${dir}:odd`);
    const result = await discover(openSource(ref), ref);
    const attestations = result.nodes.filter((n) => n.method === 'buildkit');
    expect(attestations.map((n) => n.attachedTo)).toEqual([blob.digest, ARM64]);
    expect(result.warnings.join('\n')).toMatch(/names no platform manifest of the index/);
  });

  it('nested: false skips referrers of referrers; maxArtifacts bounds the count with a warning', async () => {
    const ref = parseReference(`oci:${EXAMPLE}:1.0`);
    const flat = await discover(openSource(ref), ref, { nested: false });
    expect(flat.nodes.every((n) => n.children.length === 0)).toBe(true);
    const bounded = await discover(openSource(ref), ref, { maxArtifacts: 2 });
    expect(bounded.nodes).toHaveLength(2);
    expect(bounded.warnings.join('\n')).toMatch(/more than 2 attached artifacts/);
  });

  it('the image named by digest: no tag in the result', async () => {
    const ref = parseReference(`oci:${EXAMPLE}@${AMD64}`);
    const result = await discover(openSource(ref), ref);
    expect(result.tag).toBeUndefined();
    expect(result.subject.digest).toBe(AMD64);
    expect(result.subject.platforms).toEqual([]);
    expect(result.nodes.map((n) => n.artifactType)).toEqual(['application/vnd.cyclonedx+json']);
  });
});

describe('collect: a budget for all the evidence of one image', () => {
  it('refuses, before fetching, evidence whose declared sizes add up past maxTotalBytes (BODY_TOO_LARGE)', async () => {
    const ref = parseReference(`oci:${EXAMPLE}:1.0`);
    const source = openSource(ref);
    try {
      const whole = await collect(source, ref);
      const total = whole.evidence.reduce((sum, raw) => sum + raw.bytes.length, 0);
      await expect(collect(source, ref, { maxTotalBytes: total })).resolves.toBeDefined();
      await expect(collect(source, ref, { maxTotalBytes: total - 1 })).rejects.toMatchObject({
        code: 'BODY_TOO_LARGE',
        message: expect.stringMatching(/declares \d+ bytes in all, over the per-image limit/),
      });
    } finally {
      await source.close();
    }
  });
});
