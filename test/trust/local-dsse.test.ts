import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadTrustMaterial, verifyEvidence, type EvidenceInput, type TrustOptions } from '../../src/trust/index.js';
import { dsseBody, dsseEnvelope, makeLog, pae, statement, trustedRootJson, writeTemp } from './helpers/sigstore.js';
import { makeCA, publicPem } from './helpers/x509.js';

/** DSSE attestations made here: cosign `.att` layers (keyless, local CA + log) and bare envelopes (keys, PKI certificates). */
const ID = 'builder@acme.test';
const ISSUER = 'https://accounts.acme.test';
const DIGEST = `sha256:${'c3'.repeat(32)}`;
const OTHER = `sha256:${'d4'.repeat(32)}`;
const DSSE = 'application/vnd.dsse.envelope.v1+json';

const fulcio = makeCA('fulcio');
const log = makeLog();
const files = writeTemp({ 'trusted_root.json': trustedRootJson({ ca: fulcio, log }) });
const keyless: TrustOptions = { trustedRoots: [files['trusted_root.json']!], certificateIdentity: ID, certificateOidcIssuer: ISSUER };

function attestation(o: { subject?: string; swapPayload?: boolean; loggedPayload?: Buffer } = {}): EvidenceInput {
  const leaf = fulcio.leaf({ sans: [`email:${ID}`], oidcIssuer: ISSUER });
  const payload = statement(o.subject ?? DIGEST);
  const { bytes, signature } = dsseEnvelope(payload, leaf.keys.privateKey);
  const body = dsseBody(bytes, o.loggedPayload ?? payload, signature, leaf.pem);
  let envelope = bytes;
  if (o.swapPayload) {
    const parsed = JSON.parse(bytes.toString()) as { payload: string };
    parsed.payload = statement(OTHER).toString('base64');
    envelope = Buffer.from(JSON.stringify(parsed));
  }
  return {
    bytes: envelope,
    mediaType: DSSE,
    annotations: {
      'dev.cosignproject.cosign/signature': '',
      'dev.sigstore.cosign/certificate': leaf.pem,
      'dev.sigstore.cosign/chain': fulcio.intermediate.pem + fulcio.root.pem,
      'dev.sigstore.cosign/bundle': log.cosignBundle(body, Math.floor(Date.now() / 1000)),
      predicateType: 'https://slsa.dev/provenance/v1',
    },
  };
}

async function verify(input: EvidenceInput, trust: TrustOptions, target: { digest?: string; artifact?: Uint8Array } = { digest: DIGEST }) {
  return verifyEvidence(input, target, await loadTrustMaterial(trust));
}

describe('cosign .att layer (DSSE, keyless)', () => {
  it('verifies: PAE signature, chain, dsse Rekor entry, statement subject', async () => {
    const verdict = await verify(attestation(), keyless);
    expect(verdict, verdict.reason).toMatchObject({ verified: true, identity: { san: ID, issuer: ISSUER } });
    expect(verdict.reason).toMatch(/^in-toto attestation verified/);
  });

  it('is found by content when the media type says nothing', async () => {
    expect(await verify({ ...attestation(), mediaType: 'application/octet-stream' }, keyless)).toMatchObject({ verified: true });
  });

  it('signature-invalid: payload swapped in the envelope', async () => {
    expect(await verify(attestation({ swapPayload: true }), keyless)).toMatchObject({ verified: false, code: 'signature-invalid' });
  });

  it('subject-mismatch: the statement is about another image', async () => {
    expect(await verify(attestation({ subject: OTHER }), keyless)).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });

  it('tlog-invalid: the Rekor entry is for another payload', async () => {
    expect(await verify(attestation({ loggedPayload: Buffer.from('x') }), keyless)).toMatchObject({ verified: false, code: 'tlog-invalid' });
  });

  it('identity-mismatch: a regexp that matches no SAN', async () => {
    const trust = { ...keyless, certificateIdentity: undefined, certificateIdentityRegexp: '@evil\\.test$' };
    expect(await verify(attestation(), trust)).toMatchObject({ verified: false, code: 'identity-mismatch' });
  });
});

describe('bare DSSE envelopes', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const keys = writeTemp({ 'ec.pub': publicPem(ec.publicKey), 'ed.pub': publicPem(ed.publicKey) });

  it('verifies with an ECDSA key and with an Ed25519 key', async () => {
    const a = dsseEnvelope(statement(DIGEST), ec.privateKey);
    expect(await verify({ bytes: a.bytes, mediaType: DSSE }, { keys: [keys['ec.pub']!] })).toMatchObject({ verified: true });
    const payload = statement(DIGEST);
    const sig = sign(null, pae('application/vnd.in-toto+json', payload), ed.privateKey);
    const env = Buffer.from(
      JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: payload.toString('base64'), signatures: [{ sig: sig.toString('base64') }] }),
    );
    expect(await verify({ bytes: env, mediaType: DSSE }, { keys: [keys['ed.pub']!] })).toMatchObject({ verified: true });
  });

  it('verifies when any one of several signatures is by a trusted key (DSSE allows many)', async () => {
    const payload = statement(DIGEST);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sigs = [other.privateKey, ec.privateKey].map((k) => ({
      keyid: '',
      sig: sign('sha256', pae('application/vnd.in-toto+json', payload), k).toString('base64'),
    }));
    const env = Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: payload.toString('base64'), signatures: sigs }));
    expect(await verify({ bytes: env, mediaType: DSSE }, { keys: [keys['ec.pub']!] })).toMatchObject({ verified: true });
  });

  it('a non in-toto payload must be the artifact itself', async () => {
    const artifact = Buffer.from('release notes v1\n');
    const a = dsseEnvelope(artifact, ec.privateKey, 'text/plain');
    expect(await verify({ bytes: a.bytes, mediaType: DSSE }, { keys: [keys['ec.pub']!] }, { artifact })).toMatchObject({ verified: true });
    const other = await verify({ bytes: a.bytes, mediaType: DSSE }, { keys: [keys['ec.pub']!] }, { artifact: Buffer.from('x') });
    expect(other).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });

  it('subject-mismatch: no target at all proves nothing', async () => {
    const a = dsseEnvelope(statement(DIGEST), ec.privateKey);
    expect(await verify({ bytes: a.bytes, mediaType: DSSE }, { keys: [keys['ec.pub']!] }, {})).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });

  it('with a private-PKI certificate in the signature (legacy slsa-github-generator shape)', async () => {
    const pki = makeCA('pki');
    const leaf = pki.leaf({ subject: 'ci', sans: ['uri:https://ci.acme.test/job/1'] });
    const payload = statement(DIGEST);
    const sig = sign('sha256', pae('application/vnd.in-toto+json', payload), leaf.keys.privateKey);
    const env = Buffer.from(
      JSON.stringify({
        payloadType: 'application/vnd.in-toto+json',
        payload: payload.toString('base64'),
        signatures: [{ keyid: '', sig: sig.toString('base64'), cert: leaf.pem }],
      }),
    );
    const roots = writeTemp({ 'root.pem': pki.root.pem, 'int.pem': pki.intermediate.pem });
    const trust = { caRoots: [roots['root.pem']!], caIntermediates: [roots['int.pem']!], certificateIdentity: 'https://ci.acme.test/job/1' };
    expect(await verify({ bytes: env, mediaType: DSSE }, trust)).toMatchObject({ verified: true, identity: { san: 'https://ci.acme.test/job/1' } });
    const later = await verifyEvidence({ bytes: env, mediaType: DSSE }, { digest: DIGEST }, await loadTrustMaterial(trust), {
      now: new Date(Date.now() + 7 * 86400_000),
    });
    expect(later).toMatchObject({ verified: false, code: 'certificate-expired' });
  });

  it('malformed: not an envelope, payload not base64, in-toto payload not JSON', async () => {
    const trust = { keys: [keys['ec.pub']!] };
    const broken = Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: '%%%', signatures: [{ sig: 'AAAA' }] }));
    expect(await verify({ bytes: broken, mediaType: DSSE }, trust)).toMatchObject({ code: 'malformed' });
    expect(await verify({ bytes: Buffer.from('{"payloadType":1}'), mediaType: DSSE }, trust)).toMatchObject({ code: 'malformed' });
    const notJson = dsseEnvelope(Buffer.from('not json'), ec.privateKey);
    expect(await verify({ bytes: notJson.bytes, mediaType: DSSE }, trust)).toMatchObject({ code: 'malformed' });
  });
});
