import dns from 'node:dns';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustMaterial, sealDayManifest, verifyEvidence, verifySeal } from '../../src/trust/index.js';
import { corpus, PUBLIC_GOOD_ROOT, readCorpus } from './helpers/corpus.js';
import { cosignLayers, imageDigest } from './helpers/layout.js';
import { writeTemp } from './helpers/sigstore.js';
import { publicPem } from './helpers/x509.js';

/** Verification must work with no network: every way out of the process throws and is counted. */
describe('verification is offline', () => {
  const attempts: string[] = [];
  const original = { connect: net.Socket.prototype.connect, fetch: globalThis.fetch, lookup: dns.lookup, promisesLookup: dns.promises.lookup };
  let day: string;
  let keyFile: string;

  beforeAll(async () => {
    // The seal is written before the trap is set: signing may use the network, verifying may not.
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = writeTemp({ 'seal.pem': ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'seal.pub': publicPem(ec.publicKey) });
    keyFile = keys['seal.pub']!;
    day = mkdtempSync(join(tmpdir(), 'custody-offline-'));
    writeFileSync(join(day, 'manifest.json'), '{"schemaVersion":1,"images":[]}\n');
    await sealDayManifest(day, { keyPath: keys['seal.pem']! });

    const trap = (what: string) => {
      attempts.push(what);
      throw new Error(`network access attempted during offline verification: ${what}`);
    };
    net.Socket.prototype.connect = function () {
      return trap('net.Socket.connect');
    } as typeof net.Socket.prototype.connect;
    globalThis.fetch = (async () => trap('fetch')) as typeof fetch;
    dns.lookup = (() => trap('dns.lookup')) as unknown as typeof dns.lookup;
    dns.promises.lookup = (async () => trap('dns.promises.lookup')) as typeof dns.promises.lookup;
  });

  afterAll(() => {
    net.Socket.prototype.connect = original.connect;
    globalThis.fetch = original.fetch;
    dns.lookup = original.lookup;
    dns.promises.lookup = original.promisesLookup;
  });

  it('the trap is armed', async () => {
    await expect(fetch('https://rekor.sigstore.dev')).rejects.toThrow(/network access attempted/);
    expect(() => net.connect(443, 'fulcio.sigstore.dev')).toThrow(/network access attempted/);
    attempts.length = 0;
  });

  it('verifies a public-good bundle, a keyless cosign attestation, a key-signed cosign signature and a seal, all without a request', async () => {
    const conformance = corpus('sigstore-bundles/conformance/happy-path-v0.3');
    const bundleTrust = await loadTrustMaterial({
      trustedRoots: [PUBLIC_GOOD_ROOT],
      certificateIdentity:
        'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
      certificateOidcIssuer: 'https://token.actions.githubusercontent.com',
    });
    const bundle = await verifyEvidence(
      { bytes: readFileSync(join(conformance, 'bundle.sigstore.json')), mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' },
      { artifact: readCorpus('sigstore-bundles/conformance/a.txt') },
      bundleTrust,
    );

    const layout = corpus('cosign/slsa-verifier-oci-layout-v2.1.0');
    const [att] = cosignLayers(layout, 'dev.cosignproject.cosign/atts');
    const attTrust = await loadTrustMaterial({
      trustedRoots: [PUBLIC_GOOD_ROOT],
      certificateIdentity: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0',
      certificateOidcIssuer: 'https://token.actions.githubusercontent.com',
    });
    const attestation = await verifyEvidence(
      { bytes: att!.bytes, mediaType: att!.mediaType, annotations: att!.annotations },
      { digest: imageDigest(layout) },
      attTrust,
    );

    const cosign = await verifyEvidence(
      { bytes: readCorpus('cosign/containers-image/dir-img-cosign-valid/signature-1'), mediaType: '' },
      { artifact: readCorpus('cosign/containers-image/dir-img-cosign-valid/manifest.json') },
      await loadTrustMaterial({ keys: [corpus('cosign/keys/containers-image-cosign.pub')] }),
    );

    const seal = await verifySeal(day, await loadTrustMaterial({ keys: [keyFile] }));

    expect([bundle, attestation, cosign, seal].map((v) => v.verified)).toEqual([true, true, true, true]);
    expect(attempts).toEqual([]);
  });
});
