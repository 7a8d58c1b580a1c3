import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTrustMaterial, verifyEvidenceSync, VERDICT_CODES, type EvidenceInput } from '../../src/trust/index.js';
import { corpus, readCorpus } from './helpers/corpus.js';
import { cosignLayers } from './helpers/layout.js';

/** Hostile bytes never crash a verifier and never verify: every answer is a verdict with a known code. */
const trust = buildTrustMaterial(
  [
    { path: 'trusted_root.public-good.json', role: 'trusted-root', bytes: readCorpus('sigstore-bundles/trust/trusted_root.public-good.json') },
    { path: 'containers-image-cosign.pub', role: 'key', bytes: readCorpus('cosign/keys/containers-image-cosign.pub') },
  ],
  { certificateIdentityRegexp: '.', certificateOidcIssuerRegexp: '.' },
);
const target = { digest: `sha256:${'0'.repeat(64)}`, artifact: undefined };
const MEDIA_TYPES = [
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.cosign.simplesigning.v1+json',
  'application/vnd.dsse.envelope.v1+json',
  'application/octet-stream',
  '',
];
const ANNOTATION_KEYS = ['signature', 'certificate', 'chain', 'bundle'].map((k) => `dev.sigstore.cosign/${k}`);

function check(input: EvidenceInput) {
  const verdict = verifyEvidenceSync(input, { digest: target.digest }, trust);
  expect(VERDICT_CODES).toContain(verdict.code);
  expect(verdict.verified).toBe(false);
  expect(verdict.reason).not.toMatch(/unexpectedly/);
}

describe('hostile input', () => {
  it('random bytes under every media type', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom(...MEDIA_TYPES), (bytes, mediaType) => check({ bytes, mediaType })),
      { numRuns: 300 },
    );
  });

  it('random JSON shaped like bundles, envelopes and payloads, with random annotations', () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    const shaped = fc.oneof(
      fc.record({ mediaType: fc.constantFrom(...MEDIA_TYPES), verificationMaterial: anyJson, messageSignature: anyJson, dsseEnvelope: anyJson }),
      fc.record({
        payloadType: fc.string(),
        payload: fc.oneof(fc.base64String(), fc.string()),
        signatures: fc.array(fc.record({ sig: fc.oneof(fc.base64String(), fc.string()), cert: fc.string() })),
      }),
      fc.record({
        critical: fc.record({ type: fc.constant('cosign container image signature'), image: fc.record({ 'docker-manifest-digest': fc.string() }) }),
      }),
      anyJson,
    );
    const annotations = fc.dictionary(
      fc.constantFrom(...ANNOTATION_KEYS),
      fc.oneof(fc.string(), fc.base64String(), fc.constant('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')),
    );
    fc.assert(
      fc.property(shaped, fc.constantFrom(...MEDIA_TYPES), annotations, (value, mediaType, ann) =>
        check({ bytes: Buffer.from(JSON.stringify(value)), mediaType, annotations: ann }),
      ),
      { numRuns: 300 },
    );
  });

  it('real signed objects with one byte changed still give a verdict with a known code', () => {
    const [att] = cosignLayers(corpus('cosign/slsa-verifier-oci-layout-v2.1.0'), 'dev.cosignproject.cosign/atts');
    const sources: EvidenceInput[] = [
      { bytes: readCorpus('sigstore-bundles/sigstore-js/bundleV03-intoto.sigstore.json'), mediaType: 'application/json' },
      { bytes: readCorpus('cosign/containers-image/dir-img-cosign-fulcio-rekor-valid/signature-1'), mediaType: '' },
      { bytes: att!.bytes, mediaType: att!.mediaType, annotations: att!.annotations },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.nat(), fc.integer({ min: 1, max: 255 }), (source, at, xor) => {
        const bytes = Buffer.from(source.bytes);
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ xor;
        const verdict = verifyEvidenceSync({ ...source, bytes }, { digest: target.digest }, trust);
        expect(VERDICT_CODES).toContain(verdict.code ?? 'subject-mismatch');
        expect(verdict.reason).not.toMatch(/unexpectedly/);
      }),
      { numRuns: 200 },
    );
  });

  it('a huge certificate annotation is refused as malformed, quickly', () => {
    const huge = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(2_000_000)}\n-----END CERTIFICATE-----\n`;
    const input = {
      bytes: readCorpus('cosign/containers-image/dir-img-cosign-valid/simplesigning-payload.json'),
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      annotations: { 'dev.cosignproject.cosign/signature': 'AAAA', 'dev.sigstore.cosign/certificate': huge },
    };
    const started = Date.now();
    expect(verifyEvidenceSync(input, { digest: target.digest }, trust)).toMatchObject({ verified: false, code: 'malformed' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('codes name the first real cause', () => {
  it("a bundle carrying another signature's log entry (logged when its certificate had expired) is tlog-invalid, not certificate-expired", () => {
    const bundle = JSON.parse(readCorpus('sigstore-bundles/sigstore-js/bundleV03-intoto.sigstore.json').toString()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const other = JSON.parse(readCorpus('sigstore-bundles/cosign-testdata/oci-attestation.sigstore.json').toString()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    bundle.verificationMaterial.tlogEntries = other.verificationMaterial.tlogEntries;
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as { subject: { digest: Record<string, string> }[] };
    const [algorithm, hex] = Object.entries(statement.subject[0]!.digest)[0]!;
    const verdict = verifyEvidenceSync({ bytes: Buffer.from(JSON.stringify(bundle)), mediaType: '' }, { digest: `${algorithm}:${hex}` }, trust);
    expect(verdict).toMatchObject({ verified: false, code: 'tlog-invalid' });
    expect(verdict.reason).toMatch(/not this signature's/);
  });

  it('a cosign simple-signing payload without its annotations names the missing annotation (malformed), whatever its media type says', () => {
    const payload = readCorpus('cosign/containers-image/dir-img-cosign-valid/simplesigning-payload.json');
    for (const mediaType of ['', 'application/vnd.dev.cosign.simplesigning.v1+json', 'application/json']) {
      expect(verifyEvidenceSync({ bytes: payload, mediaType }, { digest: target.digest }, trust)).toMatchObject({
        code: 'malformed',
        reason: expect.stringMatching(/no dev.cosignproject.cosign\/signature annotation/),
      });
    }
  });
});
