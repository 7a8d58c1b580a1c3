import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadTrustMaterial, verifyEvidence } from '../../src/trust/index.js';
import { corpus, corpusText, PUBLIC_GOOD_ROOT } from './helpers/corpus.js';
import { cosignLayers, imageDigest } from './helpers/layout.js';

/** The real keyless cosign attestation of slsa-verifier's testdata, saved with `cosign save`. */
const LAYOUT = corpus('cosign/slsa-verifier-oci-layout-v2.1.0');
const IDENTITY = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0';
const ISSUER = 'https://token.actions.githubusercontent.com';

describe('cosign attestation in an OCI layout (slsa-verifier v2.1.0)', () => {
  const layers = cosignLayers(LAYOUT, 'dev.cosignproject.cosign/atts');
  const digest = imageDigest(LAYOUT);

  it('reads the .att layer as a DSSE envelope with cosign annotations, for the published digest', () => {
    expect(digest).toBe(corpusText('cosign/slsa-verifier-oci-layout-v2.1.0.digest.txt').trim());
    expect(layers).toHaveLength(1);
    const [layer] = layers;
    expect(layer!.mediaType).toBe('application/vnd.dsse.envelope.v1+json');
    expect(`sha256:${createHash('sha256').update(layer!.bytes).digest('hex')}`).toBe(layer!.digest);
    expect(Object.keys(layer!.annotations)).toEqual(
      expect.arrayContaining([
        'dev.cosignproject.cosign/signature',
        'dev.sigstore.cosign/certificate',
        'dev.sigstore.cosign/chain',
        'dev.sigstore.cosign/bundle',
      ]),
    );
  });

  it('verifies offline against the public-good trusted root with its identity and issuer', async () => {
    const trust = await loadTrustMaterial({ trustedRoots: [PUBLIC_GOOD_ROOT], certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER });
    const layer = layers[0]!;
    const verdict = await verifyEvidence({ bytes: layer.bytes, mediaType: layer.mediaType, annotations: layer.annotations }, { digest }, trust);
    expect(verdict, verdict.reason).toMatchObject({ verified: true, identity: { san: IDENTITY, issuer: ISSUER } });
    expect(verdict.reason).toMatch(/tlog: Rekor entry/);
    expect(verdict.trustMaterial).toEqual([trust.files[0]!.sha256]);
  });

  it('fails with identity-mismatch for another identity', async () => {
    const trust = await loadTrustMaterial({
      trustedRoots: [PUBLIC_GOOD_ROOT],
      certificateIdentity: IDENTITY.replace('v2.1.0', 'v2.0.0'),
      certificateOidcIssuer: ISSUER,
    });
    const layer = layers[0]!;
    const verdict = await verifyEvidence({ bytes: layer.bytes, mediaType: layer.mediaType, annotations: layer.annotations }, { digest }, trust);
    expect(verdict).toMatchObject({ verified: false, code: 'identity-mismatch', identity: { san: IDENTITY } });
  });

  it('fails with identity-mismatch for another issuer, and matches a regexp the way cosign searches it', async () => {
    const layer = layers[0]!;
    const input = { bytes: layer.bytes, mediaType: layer.mediaType, annotations: layer.annotations };
    const wrongIssuer = await loadTrustMaterial({
      trustedRoots: [PUBLIC_GOOD_ROOT],
      certificateIdentity: IDENTITY,
      certificateOidcIssuer: 'https://accounts.google.com',
    });
    expect(await verifyEvidence(input, { digest }, wrongIssuer)).toMatchObject({ verified: false, code: 'identity-mismatch' });
    const regexp = await loadTrustMaterial({
      trustedRoots: [PUBLIC_GOOD_ROOT],
      certificateIdentityRegexp: 'slsa-framework/slsa-github-generator/',
      certificateOidcIssuerRegexp: '^https://token\\.actions\\.githubusercontent\\.com$',
    });
    expect(await verifyEvidence(input, { digest }, regexp)).toMatchObject({ verified: true });
  });

  it('fails with subject-mismatch for another image digest', async () => {
    const trust = await loadTrustMaterial({ trustedRoots: [PUBLIC_GOOD_ROOT], certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER });
    const layer = layers[0]!;
    const other = 'sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69';
    const verdict = await verifyEvidence({ bytes: layer.bytes, mediaType: layer.mediaType, annotations: layer.annotations }, { digest: other }, trust);
    expect(verdict).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });

  it('without a Rekor key the expired Fulcio certificate cannot be trusted: no-trust-material', async () => {
    const fulcioOnly = corpus('cosign/containers-image/dir-img-cosign-fulcio-rekor-valid/fulcio_v1.crt.pem');
    const trust = await loadTrustMaterial({ caRoots: [fulcioOnly], certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER });
    const layer = layers[0]!;
    const verdict = await verifyEvidence({ bytes: layer.bytes, mediaType: layer.mediaType, annotations: layer.annotations }, { digest }, trust);
    expect(verdict).toMatchObject({ verified: false, code: 'no-trust-material' });
    expect(verdict.reason).toMatch(/Rekor/);
  });
});
