import { describe, expect, it } from 'vitest';
import { collect, discover, openSource } from '../../src/collect/index.js';
import { parseReference } from '../../src/oci/reference.js';

const CORPUS = new URL('../../../shared/corpus/cosign/slsa-verifier-oci-layout-v2.1.0', import.meta.url).pathname;
const IMAGE_INDEX = 'sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122';
const AMD64 = 'sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69';

describe('a real `cosign save` layout (slsa-verifier testdata, layer blobs omitted)', () => {
  it('resolves the saved image index without a tag and finds the cosign attestation and the BuildKit provenance', async () => {
    const ref = parseReference(`oci:${CORPUS}`);
    const source = openSource(ref);
    const result = await discover(source, ref);
    expect(result.subject.digest).toBe(IMAGE_INDEX);
    expect(result.subject.platforms.map((p) => p.digest)).toEqual([AMD64]);
    const summary = result.nodes.map((n) => [n.method, n.attachedTo, n.descriptor.digest, n.layers.map((l) => l.mediaType)]);
    expect(summary).toEqual([
      ['cosign-tag', IMAGE_INDEX, 'sha256:21454caf3a160dfbe6359f0501aa8401c6c0f2c7a8b71380ea21f8c4b48b64fe', ['application/vnd.dsse.envelope.v1+json']],
      ['buildkit', AMD64, 'sha256:a79645dc6fd76a0db9c9c04f5ba722ecb7d1fa8cdfc1d848d931d884cbab02ea', ['application/vnd.in-toto+json']],
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('collects image manifests, configs and the evidence layers with their annotations, without needing layer blobs', async () => {
    const ref = parseReference(`oci:${CORPUS}`);
    const collection = await collect(openSource(ref), ref);
    expect(collection.image.map((r) => r.mediaType)).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.oci.image.config.v1+json',
    ]);
    const dsse = collection.evidence.find((r) => r.mediaType === 'application/vnd.dsse.envelope.v1+json');
    expect(dsse?.origin.method).toBe('cosign-tag');
    expect(dsse?.origin.descriptor?.annotations?.['dev.sigstore.cosign/certificate']).toMatch(/BEGIN CERTIFICATE/);
    expect(dsse?.origin.manifest?.digest).toBe('sha256:21454caf3a160dfbe6359f0501aa8401c6c0f2c7a8b71380ea21f8c4b48b64fe');
    const provenance = collection.evidence.find((r) => r.origin.method === 'buildkit');
    expect(provenance?.origin.attachedTo).toBe(AMD64);
    expect(JSON.parse(Buffer.from(provenance!.bytes).toString('utf8')).predicateType).toBe('https://slsa.dev/provenance/v0.2');
  });
});
