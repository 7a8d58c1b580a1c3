import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { artifactTypeOf, parseManifest } from '../../src/oci/manifest.js';

const CORPUS = new URL('../../../shared/corpus/', import.meta.url).pathname;
const corpus = (path: string): Buffer => readFileSync(CORPUS + path);
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const D = (n: string) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${n.repeat(64)}`, size: 1 });

describe('parseManifest: hostile manifests and indexes', () => {
  it('reads real manifests and indexes (containers/image and image-spec examples)', () => {
    for (const file of [
      'oci/containers-image/ociv1.manifest.json',
      'oci/containers-image/v2s2.manifest.json',
      'oci/spec-examples/manifest-example-1.json',
      'oci/containers-image/oci1-artifact.json',
    ]) {
      const parsed = parseManifest(corpus(file));
      expect(parsed.ok && parsed.value.kind, file).toBe('manifest');
    }
    for (const file of [
      'oci/containers-image/oci1index.json',
      'oci/containers-image/v2list.manifest.json',
      'oci/spec-examples/image-index-example-1.json',
      'oci/containers-image/oci1.index.everything.json',
    ]) {
      const parsed = parseManifest(corpus(file));
      expect(parsed.ok && parsed.value.kind, file).toBe('index');
    }
  });

  it('reads the referrers API response example once its placeholder digests are real, keeping artifactType and annotations', () => {
    const text = corpus('oci/referrers/distribution-spec-referrers-response-example-1.repaired.json').toString('utf8');
    // The spec example abbreviates digests ("sha256:a1a1a1..."): as published it must be refused.
    const published = parseManifest(Buffer.from(text));
    expect(published.ok).toBe(false);
    if (!published.ok) expect(published.reason).toContain('/manifests/0/digest');
    const fixed = text.replace(/sha256:([a-f0-9])([a-f0-9])\1\2\1\2\.\.\./g, (_m, a: string, b: string) => `sha256:${(a + b).repeat(32)}`);
    const parsed = parseManifest(Buffer.from(fixed));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'index') return;
    expect(parsed.value.manifests.map((m) => m.artifactType)).toEqual(['application/vnd.example.sbom.v1', 'application/vnd.example.signature.v1', undefined]);
    expect(parsed.value.manifests[1]!.annotations).toEqual({
      'org.opencontainers.image.created': '2022-01-01T07:21:33Z',
      'org.example.signature.fingerprint': 'abcd',
    });
  });

  it.each([
    ['invalid/oci/distribution-spec-referrers-response-example-1.json', 'not UTF-8 JSON'],
    ['invalid/oci/non-json.manifest.json', 'not UTF-8 JSON'],
    ['invalid/oci/unknown-version.manifest.json', 'schemaVersion'],
    ['oci/containers-image/ociv1.artifact.json', '/config/digest'],
  ])('rejects %s (%s)', (file, reason) => {
    const parsed = parseManifest(corpus(file));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it.each([
    ['both manifests and layers (ambiguous)', { schemaVersion: 2, manifests: [], layers: [], config: D('a') }, 'ambiguous'],
    [
      'a negative size',
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { ...D('a'), size: -1 }, layers: [] },
      '/config/size',
    ],
    [
      'a size beyond 2^53',
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { ...D('a'), size: 2 ** 60 }, layers: [] },
      '/config/size',
    ],
    [
      'an upper-case digest',
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { ...D('a'), digest: `sha256:${'A'.repeat(64)}` }, layers: [] },
      '/config/digest',
    ],
    [
      'a path in a digest',
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { ...D('a'), digest: 'sha256:../../../etc/passwd' }, layers: [] },
      '/config/digest',
    ],
    [
      'a non-string annotation',
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: D('a'), layers: [{ ...D('b'), annotations: { x: 1 } }] },
      '/layers/0/annotations/x',
    ],
    [
      'a media type with spaces',
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { ...D('a'), mediaType: 'text/html; <script>' }, layers: [] },
      '/config/mediaType',
    ],
    [
      'an unknown manifest media type',
      { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' },
      'unsupported manifest media type',
    ],
    ['an index with layers', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', layers: [] }, 'with config/layers'],
    ['a manifests field that is not an array', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: {} }, '/manifests'],
    ['a JSON array', [1, 2], 'not a JSON object'],
  ])('rejects %s', (_name, doc, where) => {
    const parsed = parseManifest(json(doc));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(where);
  });

  it('keeps subject, artifactType and annotations; drops urls; reports artifactType as a referrers listing would', () => {
    const subject = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 10 };
    const parsed = parseManifest(
      json({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: `sha256:${'e'.repeat(64)}`, size: 2 },
        layers: [{ ...D('b'), urls: ['http://evil.example/x'], annotations: { 'dev.cosignproject.cosign/signature': 'MEUC' } }],
        subject,
        annotations: { __proto__: 'x', a: 'b' },
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'manifest') return;
    expect(parsed.value.subject).toEqual(subject);
    expect(parsed.value.layers[0]).toEqual({ ...D('b'), annotations: { 'dev.cosignproject.cosign/signature': 'MEUC' } });
    expect(artifactTypeOf(parsed.value)).toBe('application/vnd.oci.empty.v1+json');
    expect(Object.getPrototypeOf(parsed.value.annotations)).toBe(Object.prototype);
  });

  it('uses the transport media type when the document has none, and never guesses Docker types', () => {
    const index = json({ schemaVersion: 2, manifests: [] });
    const hinted = parseManifest(index, 'application/vnd.docker.distribution.manifest.list.v2+json');
    expect(hinted.ok && hinted.value.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    const guessed = parseManifest(index);
    expect(guessed.ok && guessed.value.mediaType).toBe('application/vnd.oci.image.index.v1+json');
  });
});
