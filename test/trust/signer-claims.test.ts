import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyHint, loadTrustMaterial, verifyEvidence } from '../../src/trust/index.js';
import { claimsTrustedKey } from '../../src/trust/signer-claims.js';
import { corpus, corpusText } from './helpers/corpus.js';
import { pae, writeTemp } from './helpers/sigstore.js';

/**
 * Another signer's signature (`untrusted-key`) and an altered one that names
 * a trusted key (`signature-invalid`) are told apart by what the signature
 * claims; the claim never makes anything pass.
 */
const DIGEST = `sha256:${'e5'.repeat(32)}`;
const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const files = writeTemp({ 'trusted.pub': trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString() });

function envelope(keyid: string, signer = other.privateKey): Buffer {
  const payloadType = 'application/vnd.in-toto+json';
  const payload = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'x', digest: { sha256: DIGEST.slice(7) } }],
      predicateType: 'https://example.com/p',
      predicate: {},
    }),
  );
  return Buffer.from(
    JSON.stringify({
      payloadType,
      payload: payload.toString('base64'),
      signatures: [{ keyid, sig: sign('sha256', pae(payloadType, payload), signer).toString('base64') }],
    }),
  );
}

describe('signer claims', () => {
  it('a DSSE envelope by another key: untrusted-key; naming the trusted key (its hint) while not verifying: signature-invalid', async () => {
    const trust = await loadTrustMaterial({ keys: [files['trusted.pub']!] });
    const mediaType = 'application/vnd.dsse.envelope.v1+json';
    expect(await verifyEvidence({ bytes: envelope(''), mediaType }, { digest: DIGEST }, trust)).toMatchObject({ verified: false, code: 'untrusted-key' });
    const named = envelope(keyHint(trusted.publicKey));
    expect(await verifyEvidence({ bytes: named, mediaType }, { digest: DIGEST }, trust)).toMatchObject({ verified: false, code: 'signature-invalid' });
    // The claim never passes anything: signed by the trusted key, any keyid, it verifies.
    expect(await verifyEvidence({ bytes: envelope('whatever', trusted.privateKey), mediaType }, { digest: DIGEST }, trust)).toMatchObject({ verified: true });
  });

  it('recognises the spellings of a key id and a key logged in a Rekor entry', async () => {
    const trust = await loadTrustMaterial({ keys: [files['trusted.pub']!] });
    const [key] = trust.keys;
    expect(claimsTrustedKey({ keyIds: [key!.hint] }, trust.keys)).toBe(true);
    expect(claimsTrustedKey({ keyIds: ['', 'someone-else'] }, trust.keys)).toBe(false);
    const pem = Buffer.from(trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString()).toString('base64');
    const body = Buffer.from(JSON.stringify({ kind: 'hashedrekord', apiVersion: '0.0.1', spec: { signature: { publicKey: { content: pem } } } }));
    expect(claimsTrustedKey({ rekorBody: body }, trust.keys)).toBe(true);
    const otherPem = Buffer.from(other.publicKey.export({ type: 'spki', format: 'pem' }).toString()).toString('base64');
    expect(claimsTrustedKey({ rekorBody: Buffer.from(JSON.stringify({ spec: { signature: { publicKey: { content: otherPem } } } })) }, trust.keys)).toBe(false);
  });

  it("--key takes npm's registry keys document, keeping its key ids (not derived from the keys)", async () => {
    const trust = await loadTrustMaterial({ keys: [corpus('sigstore-bundles/trust/npm-registry-keys.from-tuf-seed.json')] });
    expect(trust.keys.map((k) => k.keyIds)).toEqual([
      ['SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA'],
      ['SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U'],
    ]);
    // The real npm publish attestation of this corpus document verifies with it.
    const doc = JSON.parse(corpusText('intoto/npm/provenance-npm-test-ossf.tgz.json')) as { attestations: { predicateType: string; bundle: unknown }[] };
    const publish = doc.attestations.find((a) => a.predicateType.includes('/publish/'))!;
    const statement = JSON.parse(Buffer.from((publish.bundle as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString()) as {
      subject: { digest: { sha512: string } }[];
    };
    const verdict = await verifyEvidence(
      { bytes: Buffer.from(JSON.stringify(publish.bundle)), mediaType: 'application/json' },
      { digest: `sha512:${statement.subject[0]!.digest.sha512}` },
      trust,
    );
    expect(verdict, verdict.reason).toMatchObject({ verified: true });
  });

  it('a JSON key file that is not npm keys is refused with INVALID_KEY', async () => {
    const bad = writeTemp({ 'keys.json': '{"hello": 1}' });
    await expect(loadTrustMaterial({ keys: [bad['keys.json']!] })).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });
});
