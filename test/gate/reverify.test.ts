import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Policy, Signers } from '../../src/gate/policy/types.js';
import { trustReverifier } from '../../src/gate/trust-reverifier.js';
import { tempDir } from '../helpers/cli.js';
import { digest, NO_SIGNERS, policyWith } from './helpers/evidence.js';
import { cosignSignature, dsseEnvelope, makeKey, SLSA_V1, slsaV1, statement } from './helpers/signing.js';
import { GITHUB_ISSUER, PUBLIC_GOOD_ROOT, SLSA_IDENTITY, SLSA_IMAGE, SLSA_LAYOUT } from './helpers/corpus.js';

const IMAGE = digest('reverify-image');
const NOW = new Date();

async function keyFile(pem: string): Promise<string> {
  const path = join(await tempDir('custody-gate-key-'), 'release.pub');
  await writeFile(path, pem);
  return path;
}

function policyFor(signers: Signers): Policy {
  return policyWith({
    signature: { mode: 'enforce', signers },
    provenance: { mode: 'enforce', predicateTypes: [SLSA_V1, 'https://slsa.dev/provenance/v0.2'], scope: 'index', signers },
  });
}

/** The real keyless cosign attestation saved by `cosign save` (slsa-verifier testdata): its .att layer and annotations. */
function slsaLayer(): { bytes: Buffer; annotations: Record<string, string> } {
  const manifest = JSON.parse(readFileSync(join(SLSA_LAYOUT, 'blobs/sha256/21454caf3a160dfbe6359f0501aa8401c6c0f2c7a8b71380ea21f8c4b48b64fe'), 'utf8')) as {
    layers: { digest: string; annotations: Record<string, string> }[];
  };
  const layer = manifest.layers[0]!;
  return { bytes: readFileSync(join(SLSA_LAYOUT, 'blobs', 'sha256', layer.digest.slice('sha256:'.length))), annotations: layer.annotations };
}

describe('trustReverifier: the policy re-verifies signed bytes through src/trust', () => {
  it('verifies a DSSE in-toto SLSA attestation signed with the policy key (P-256, PAE)', async () => {
    const key = makeKey();
    const reverify = await trustReverifier(policyFor({ ...NO_SIGNERS, keys: [await keyFile(key.publicPem)] }), NOW);
    const bytes = dsseEnvelope(statement(SLSA_V1, slsaV1('https://github.com/slsa-framework/b', 'https://github.com/acme/app'), [IMAGE]), key.privateKey);
    const ok = await reverify({ role: 'provenance', bytes, mediaType: 'application/vnd.dsse.envelope.v1+json', digest: IMAGE });
    expect(ok).toMatchObject({ verified: true, identity: { keyHint: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const otherImage = await reverify({ role: 'provenance', bytes, mediaType: 'application/vnd.dsse.envelope.v1+json', digest: digest('other') });
    expect(otherImage).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });

  it('rejects an attestation signed by another key: untrusted-key', async () => {
    const reverify = await trustReverifier(policyFor({ ...NO_SIGNERS, keys: [await keyFile(makeKey().publicPem)] }), NOW);
    const bytes = dsseEnvelope(statement(SLSA_V1, {}, [IMAGE]), makeKey().privateKey);
    expect(await reverify({ role: 'provenance', bytes, mediaType: '', digest: IMAGE })).toMatchObject({ verified: false, code: 'untrusted-key' });
  });

  it('verifies a cosign simple-signing layer (payload bytes + signature annotation)', async () => {
    const key = makeKey();
    const reverify = await trustReverifier(policyFor({ ...NO_SIGNERS, keys: [await keyFile(key.publicPem)] }), NOW);
    const { payload, annotations } = cosignSignature(IMAGE, 'ghcr.io/acme/app', key.privateKey);
    const mediaType = 'application/vnd.dev.cosign.simplesigning.v1+json';
    expect(await reverify({ role: 'signature', bytes: payload, mediaType, annotations, digest: IMAGE })).toMatchObject({ verified: true });
    const forged = cosignSignature(IMAGE, 'ghcr.io/acme/app', makeKey().privateKey);
    expect(await reverify({ role: 'signature', bytes: forged.payload, mediaType, annotations: forged.annotations, digest: IMAGE })).toMatchObject({
      verified: false,
      code: 'untrusted-key',
    });
  });

  it('verifies the real keyless SLSA attestation offline with the right identity and issuer', async () => {
    const { bytes, annotations } = slsaLayer();
    const signers: Signers = { ...NO_SIGNERS, trustedRoots: [PUBLIC_GOOD_ROOT], keyless: [{ identity: SLSA_IDENTITY, issuer: GITHUB_ISSUER }] };
    const reverify = await trustReverifier(policyFor(signers), NOW);
    const verdict = await reverify({ role: 'provenance', bytes, mediaType: 'application/vnd.dsse.envelope.v1+json', annotations, digest: SLSA_IMAGE });
    expect(verdict, verdict.reason).toMatchObject({ verified: true, identity: { san: SLSA_IDENTITY, issuer: GITHUB_ISSUER } });
  });

  it('names the wrong signer identity, not "no key", when a key and a keyless identity are listed', async () => {
    const { bytes, annotations } = slsaLayer();
    const signers: Signers = {
      ...NO_SIGNERS,
      keys: [await keyFile(makeKey().publicPem)],
      trustedRoots: [PUBLIC_GOOD_ROOT],
      keyless: [{ identityRegexp: '^https://github.com/acme/', issuer: GITHUB_ISSUER }],
    };
    const reverify = await trustReverifier(policyFor(signers), NOW);
    const verdict = await reverify({ role: 'provenance', bytes, mediaType: 'application/vnd.dsse.envelope.v1+json', annotations, digest: SLSA_IMAGE });
    expect(verdict).toMatchObject({ verified: false, code: 'identity-mismatch', identity: { san: SLSA_IDENTITY } });
    expect(verdict.reason).toMatch(/certificate identity https:\/\/github.com\/slsa-framework\/\S+ does not match \/\^https:/);
  });

  it('keyless identities with no root to check them against never verify', async () => {
    const { bytes, annotations } = slsaLayer();
    const reverify = await trustReverifier(policyFor({ ...NO_SIGNERS, keyless: [{ identity: SLSA_IDENTITY, issuer: GITHUB_ISSUER }] }), NOW);
    expect(await reverify({ role: 'provenance', bytes, mediaType: 'application/vnd.dsse.envelope.v1+json', annotations, digest: SLSA_IMAGE })).toMatchObject({
      verified: false,
      code: 'no-trust-material',
    });
  });

  it('a role the policy has no signers for is no-trust-material, never a pass', async () => {
    const reverify = await trustReverifier(policyWith({ sbom: { mode: 'enforce', formats: ['spdx'], minComponents: 1, scope: 'index' } }), NOW);
    expect(await reverify({ role: 'vex', bytes: Buffer.from('{}'), mediaType: '', digest: IMAGE })).toMatchObject({
      verified: false,
      code: 'no-trust-material',
    });
  });
});
