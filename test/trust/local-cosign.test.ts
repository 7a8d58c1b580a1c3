import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadTrustMaterial, verifyEvidence, type EvidenceInput, type TrustOptions } from '../../src/trust/index.js';
import { hashedRekordBody, makeLog, simpleSigningPayload, trustedRootJson, writeTemp } from './helpers/sigstore.js';
import { makeCA, publicPem, toPem, type TestCert } from './helpers/x509.js';

/** cosign simple-signing signatures made here with a local CA standing in for Fulcio and a local Rekor log key. */
const ID = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1';
const ISSUER = 'https://token.actions.githubusercontent.com';
const DIGEST = `sha256:${'a1'.repeat(32)}`;
const OTHER = `sha256:${'b2'.repeat(32)}`;
const SIMPLE = 'application/vnd.dev.cosign.simplesigning.v1+json';

const fulcio = makeCA('fulcio');
const rogue = makeCA('rogue');
const log = makeLog();
const files = writeTemp({ 'trusted_root.json': trustedRootJson({ ca: fulcio, log }), 'rekor.pub': log.pem });
const keyless: TrustOptions = { trustedRoots: [files['trusted_root.json']!], certificateIdentity: ID, certificateOidcIssuer: ISSUER };

interface KeylessOptions {
  digest?: string;
  leaf?: TestCert;
  chain?: TestCert[];
  integratedTime?: number;
  /** Change the payload after signing. */
  tamperPayload?: boolean;
  /** Log a body for other bytes than those signed. */
  loggedPayload?: Buffer;
  annotations?: Record<string, string>;
}

function keylessSignature(o: KeylessOptions = {}): EvidenceInput {
  const payload = simpleSigningPayload(o.digest ?? DIGEST);
  const leaf = o.leaf ?? fulcio.leaf({ sans: [`uri:${ID}`], oidcIssuer: ISSUER });
  const chain = o.chain ?? [fulcio.intermediate, fulcio.root];
  const signature = sign('sha256', payload, leaf.keys.privateKey);
  const body = hashedRekordBody(o.loggedPayload ?? payload, signature, leaf.pem);
  const bytes = o.tamperPayload ? simpleSigningPayload(o.digest ?? DIGEST, 'registry.test/evil/app') : payload;
  return {
    bytes,
    mediaType: SIMPLE,
    annotations: {
      'dev.cosignproject.cosign/signature': signature.toString('base64'),
      'dev.sigstore.cosign/certificate': leaf.pem,
      'dev.sigstore.cosign/chain': chain.map((c) => c.pem).join(''),
      'dev.sigstore.cosign/bundle': log.cosignBundle(body, o.integratedTime ?? Math.floor(Date.now() / 1000)),
      ...o.annotations,
    },
  };
}

async function verify(input: EvidenceInput, trust: TrustOptions, digest = DIGEST) {
  return verifyEvidence(input, { digest }, await loadTrustMaterial(trust));
}

describe('keyless cosign signature (local Fulcio-like CA, local Rekor log key)', () => {
  it('verifies: chain to the trusted root CA, SET, entry body, identity', async () => {
    const verdict = await verify(keylessSignature(), keyless);
    expect(verdict, verdict.reason).toMatchObject({ verified: true, identity: { san: ID, issuer: ISSUER } });
    expect(verdict.reason).toMatch(/tlog: Rekor entry 1 at/);
    expect(verdict.trustMaterial).toHaveLength(1);
  });

  it('accepts the older dev.cosignproject.cosign/* spelling of every annotation', async () => {
    const input = keylessSignature();
    const renamed = Object.fromEntries(Object.entries(input.annotations!).map(([k, v]) => [k.replace('dev.sigstore.cosign/', 'dev.cosignproject.cosign/'), v]));
    expect(await verify({ ...input, annotations: renamed }, keyless)).toMatchObject({ verified: true });
  });

  it('verifies with --ca-roots and --rekor-key instead of a trusted root', async () => {
    const pki = writeTemp({ 'root.pem': fulcio.root.pem });
    const verdict = await verify(keylessSignature(), {
      caRoots: [pki['root.pem']!],
      rekorKeys: [files['rekor.pub']!],
      certificateIdentity: ID,
      certificateOidcIssuer: ISSUER,
    });
    expect(verdict, verdict.reason).toMatchObject({ verified: true });
    expect(verdict.trustMaterial).toHaveLength(2);
  });

  it('signature-invalid: payload changed after signing', async () => {
    expect(await verify(keylessSignature({ tamperPayload: true }), keyless)).toMatchObject({ verified: false, code: 'signature-invalid' });
  });

  it('subject-mismatch: a good signature for another image', async () => {
    expect(await verify(keylessSignature(), keyless, OTHER)).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });

  it('untrusted-key: certificate from a CA outside the trust material', async () => {
    const leaf = rogue.leaf({ sans: [`uri:${ID}`], oidcIssuer: ISSUER });
    const verdict = await verify(keylessSignature({ leaf, chain: [rogue.intermediate, rogue.root] }), keyless);
    expect(verdict).toMatchObject({ verified: false, code: 'untrusted-key' });
  });

  it('untrusted-key: a root shipped in the chain annotation is never trusted', async () => {
    const leaf = rogue.leaf({ sans: [`uri:${ID}`], oidcIssuer: ISSUER });
    const verdict = await verify(keylessSignature({ leaf, chain: [rogue.intermediate, rogue.root, fulcio.root] }), keyless);
    expect(verdict).toMatchObject({ verified: false, code: 'untrusted-key' });
  });

  it('identity-mismatch: another workflow identity, and another issuer', async () => {
    const input = keylessSignature();
    expect(await verify(input, { ...keyless, certificateIdentity: `${ID}x` })).toMatchObject({ verified: false, code: 'identity-mismatch' });
    expect(await verify(input, { ...keyless, certificateOidcIssuer: 'https://accounts.google.com' })).toMatchObject({
      verified: false,
      code: 'identity-mismatch',
    });
    const anchored = { ...keyless, certificateIdentity: undefined, certificateIdentityRegexp: '^https://github\\.com/acme/other/' };
    expect(await verify(input, anchored)).toMatchObject({ verified: false, code: 'identity-mismatch' });
  });

  it('certificate-expired: the log time is after the certificate expired', async () => {
    const hour = 3600_000;
    const leaf = fulcio.leaf({ sans: [`uri:${ID}`], oidcIssuer: ISSUER, notBefore: new Date(Date.now() - 2 * hour), notAfter: new Date(Date.now() - hour) });
    const verdict = await verify(keylessSignature({ leaf }), keyless);
    expect(verdict).toMatchObject({ verified: false, code: 'certificate-expired' });
    expect(verdict.reason).toMatch(/Rekor integrated time/);
  });

  it('tlog-invalid: SET altered, entry for another payload, log not trusted', async () => {
    const input = keylessSignature();
    const bundle = JSON.parse(input.annotations!['dev.sigstore.cosign/bundle']!) as { Payload: { integratedTime: number } };
    bundle.Payload.integratedTime += 1;
    const altered = { ...input, annotations: { ...input.annotations, 'dev.sigstore.cosign/bundle': JSON.stringify(bundle) } };
    expect(await verify(altered, keyless)).toMatchObject({ verified: false, code: 'tlog-invalid' });
    expect(await verify(keylessSignature({ loggedPayload: Buffer.from('other') }), keyless)).toMatchObject({ verified: false, code: 'tlog-invalid' });
    const otherLog = writeTemp({ 'trusted_root.json': trustedRootJson({ ca: fulcio, log: makeLog() }) });
    expect(await verify(input, { ...keyless, trustedRoots: [otherLog['trusted_root.json']!] })).toMatchObject({ verified: false, code: 'tlog-invalid' });
  });

  it('no-trust-material: a trusted log key without validFor.start is dropped with a warning, so the SET cannot be checked', async () => {
    const noStart = writeTemp({ 'trusted_root.json': trustedRootJson({ ca: fulcio, log, logStart: null }) });
    const trust = await loadTrustMaterial({ ...keyless, trustedRoots: [noStart['trusted_root.json']!] });
    expect(trust.warnings.join(' ')).toMatch(/validFor\.start/);
    const verdict = await verifyEvidence(keylessSignature(), { digest: DIGEST }, trust);
    expect(verdict).toMatchObject({ verified: false, code: 'no-trust-material' });
    expect(verdict.reason).toMatch(/Rekor/);
  });

  it('tlog-invalid: a Fulcio certificate without any Rekor entry, even while still valid', async () => {
    const input = keylessSignature();
    delete input.annotations!['dev.sigstore.cosign/bundle'];
    expect(await verify(input, keyless)).toMatchObject({ verified: false, code: 'tlog-invalid' });
  });

  it('no-trust-material: no trust at all, or a certificate without identity constraints', async () => {
    expect(await verify(keylessSignature(), {})).toMatchObject({ verified: false, code: 'no-trust-material' });
    expect(await verify(keylessSignature(), { trustedRoots: keyless.trustedRoots! })).toMatchObject({ verified: false, code: 'no-trust-material' });
    const noIssuer = { trustedRoots: keyless.trustedRoots!, certificateIdentity: ID };
    expect(await verify(keylessSignature(), noIssuer)).toMatchObject({ verified: false, code: 'no-trust-material' });
  });

  it('malformed: broken signature base64, broken certificate, broken bundle, bad digest', async () => {
    const bad = (annotations: Record<string, string>) => verify(keylessSignature({ annotations }), keyless);
    expect(await bad({ 'dev.cosignproject.cosign/signature': 'not*base64' })).toMatchObject({ code: 'malformed' });
    expect(await bad({ 'dev.sigstore.cosign/certificate': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' })).toMatchObject({
      code: 'malformed',
    });
    expect(await bad({ 'dev.sigstore.cosign/bundle': '{"SignedEntryTimestamp":1}' })).toMatchObject({ code: 'malformed' });
    expect(await verify(keylessSignature(), keyless, 'sha256:xyz')).toMatchObject({ code: 'malformed' });
    const notJson = { bytes: Buffer.from('not json'), mediaType: SIMPLE, annotations: keylessSignature().annotations! };
    expect(await verify(notJson, keyless)).toMatchObject({ verified: false, code: 'malformed' });
  });
});

describe('key-signed cosign signature', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  const keyFiles = writeTemp({
    'ec.pub': publicPem(ec.publicKey),
    'p384.pub': publicPem(p384.publicKey),
    'rsa.pub': rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    'ed.pub': publicPem(ed.publicKey),
    'sec1.pem': ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    'rekor.pub': log.pem,
  });

  function keySigned(privateKey: typeof ec.privateKey, withTlog = false, algorithm: string | null = 'sha256'): EvidenceInput {
    const payload = simpleSigningPayload(DIGEST);
    const signature = sign(algorithm, payload, privateKey);
    const annotations: Record<string, string> = { 'dev.cosignproject.cosign/signature': signature.toString('base64') };
    if (withTlog) {
      const pub = publicPem(ec.publicKey);
      annotations['dev.sigstore.cosign/bundle'] = log.cosignBundle(hashedRekordBody(payload, signature, pub), Math.floor(Date.now() / 1000));
    }
    return { bytes: payload, mediaType: SIMPLE, annotations };
  }

  it.each([
    ['ECDSA P-256 SPKI', () => keySigned(ec.privateKey), 'ec.pub'],
    ['ECDSA P-384 (cosign hashes with SHA-256)', () => keySigned(p384.privateKey), 'p384.pub'],
    ['ECDSA P-384 with SHA-384', () => keySigned(p384.privateKey, false, 'sha384'), 'p384.pub'],
    ['RSA PKCS#1 public key', () => keySigned(rsa.privateKey), 'rsa.pub'],
    ['Ed25519', () => keySigned(ed.privateKey, false, null), 'ed.pub'],
    ['a SEC1 private key given as --key', () => keySigned(ec.privateKey), 'sec1.pem'],
  ])('verifies with %s', async (_label, make, file) => {
    const verdict = await verify(make(), { keys: [keyFiles[file]!] });
    expect(verdict, verdict.reason).toMatchObject({ verified: true, identity: { keyHint: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(verdict.reason).toMatch(/tlog: none/);
  });

  it('checks the Rekor entry when a log key is given, and says when it could not', async () => {
    const withLog = await verify(keySigned(ec.privateKey, true), { keys: [keyFiles['ec.pub']!], rekorKeys: [keyFiles['rekor.pub']!] });
    expect(withLog, withLog.reason).toMatchObject({ verified: true });
    expect(withLog.reason).toMatch(/tlog: Rekor entry/);
    const without = await verify(keySigned(ec.privateKey, true), { keys: [keyFiles['ec.pub']!] });
    expect(without.reason).toMatch(/tlog: not checked/);
  });

  it('tlog-invalid: the entry was logged for another key', async () => {
    const payload = simpleSigningPayload(DIGEST);
    const signature = sign('sha256', payload, ec.privateKey);
    const body = hashedRekordBody(payload, signature, publicPem(rsa.publicKey));
    const input = {
      bytes: payload,
      mediaType: SIMPLE,
      annotations: { 'dev.cosignproject.cosign/signature': signature.toString('base64'), 'dev.sigstore.cosign/bundle': log.cosignBundle(body, 1_700_000_000) },
    };
    expect(await verify(input, { keys: [keyFiles['ec.pub']!], rekorKeys: [keyFiles['rekor.pub']!] })).toMatchObject({ verified: false, code: 'tlog-invalid' });
  });

  it('untrusted-key: signed by a key that was not given (another signer; co-signing does not fail on it)', async () => {
    expect(await verify(keySigned(ec.privateKey), { keys: [keyFiles['rsa.pub']!, keyFiles['ed.pub']!] })).toMatchObject({
      verified: false,
      code: 'untrusted-key',
    });
  });

  it('untrusted-key: certificate from a private PKI that is not the one given', async () => {
    const pki = makeCA('pki');
    const leaf = pki.leaf({ subject: 'team', sans: ['email:team@acme.test'] });
    const payload = simpleSigningPayload(DIGEST);
    const input = {
      bytes: payload,
      mediaType: SIMPLE,
      annotations: {
        'dev.cosignproject.cosign/signature': sign('sha256', payload, leaf.keys.privateKey).toString('base64'),
        'dev.sigstore.cosign/certificate': leaf.pem,
        'dev.sigstore.cosign/chain': pki.intermediate.pem,
      },
    };
    const good = writeTemp({ 'roots.pem': pki.root.pem, 'other.pem': rogue.root.pem });
    expect(await verify(input, { caRoots: [good['roots.pem']!], certificateIdentity: 'team@acme.test' })).toMatchObject({ verified: true });
    expect(await verify(input, { caRoots: [good['other.pem']!], certificateIdentity: 'team@acme.test' })).toMatchObject({
      verified: false,
      code: 'untrusted-key',
    });
    const noCodeSigning = pki.leaf({ subject: 'team', sans: ['email:team@acme.test'], eku: ['1.3.6.1.5.5.7.3.1'] });
    const tls = {
      ...input,
      annotations: {
        ...input.annotations,
        'dev.cosignproject.cosign/signature': sign('sha256', payload, noCodeSigning.keys.privateKey).toString('base64'),
        'dev.sigstore.cosign/certificate': noCodeSigning.pem,
      },
    };
    expect(await verify(tls, { caRoots: [good['roots.pem']!], certificateIdentity: 'team@acme.test' })).toMatchObject({
      verified: false,
      code: 'untrusted-key',
    });
  });

  it('unsupported: another simple-signing type; a Notation signature with only a key is no-trust-material', async () => {
    const payload = Buffer.from(JSON.stringify({ critical: { type: 'something else', image: { 'docker-manifest-digest': DIGEST } } }));
    const input = {
      bytes: payload,
      mediaType: SIMPLE,
      annotations: { 'dev.cosignproject.cosign/signature': sign('sha256', payload, ec.privateKey).toString('base64') },
    };
    expect(await verify(input, { keys: [keyFiles['ec.pub']!] })).toMatchObject({ verified: false, code: 'unsupported' });
    const notation = { bytes: Buffer.from('{}'), mediaType: 'application/vnd.cncf.notary.signature' };
    expect(await verify(notation, { keys: [keyFiles['ec.pub']!] })).toMatchObject({ verified: false, code: 'no-trust-material' });
  });

  it('INVALID_KEY names the file for broken, encrypted or unsupported keys', async () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
    const bad = writeTemp({
      'broken.pub': '-----BEGIN PUBLIC KEY-----\nMFkw!!!\n-----END PUBLIC KEY-----\n',
      'empty.pub': 'nothing here',
      'cosign.key': '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n',
      'dsa.pub': publicPem(dsa.publicKey),
      'cert.pem': toPem(rogue.root.der),
    });
    for (const [name, path] of Object.entries(bad)) {
      await expect(loadTrustMaterial({ keys: [path] }), name).rejects.toMatchObject({ code: 'INVALID_KEY', message: expect.stringContaining(path) });
    }
  });
});
