import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustMaterial, sealDayManifest, verifySeal } from '../../src/trust/index.js';
import { SEAL_FILE } from '../../src/lib/archive-format.js';
import { startFulcioDouble, startRekorDouble, testIdentityToken, type Double } from './helpers/doubles.js';
import { makeLog, trustedRootJson, writeTemp } from './helpers/sigstore.js';
import { makeCA, publicPem } from './helpers/x509.js';

function dayFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'custody-day-'));
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ schemaVersion: 1, date: '2026-11-29', images: [] }, null, 2)}\n`);
  return dir;
}

describe('seal with a key', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const files = writeTemp({
    'pkcs8.pem': ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    'sec1.pem': ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    'p384.pem': p384.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    'ec.pub': publicPem(ec.publicKey),
    'p384.pub': publicPem(p384.publicKey),
    'ed.pem': generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    'other.pub': publicPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
  });

  it.each([
    ['PKCS#8', 'pkcs8.pem', 'ec.pub'],
    ['SEC1', 'sec1.pem', 'ec.pub'],
    ['PKCS#8 P-384', 'p384.pem', 'p384.pub'],
  ])('a %s-sealed day verifies, with no tlog, said so', async (_label, key, pub) => {
    const day = dayFolder();
    const result = await sealDayManifest(day, { keyPath: files[key]! });
    expect(result).toMatchObject({ mode: 'key', path: join(day, SEAL_FILE) });
    const bundle = JSON.parse(readFileSync(result.path, 'utf8')) as {
      mediaType: string;
      messageSignature: unknown;
      verificationMaterial: { publicKey: { hint: string } };
    };
    // @sigstore/sign's message-signature builder writes v0.2 (a public key hint is valid there).
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle+json;version=0.2');
    expect(bundle.verificationMaterial.publicKey.hint).toBe(result.signer);
    expect(readFileSync(`${result.path}.sha256`, 'utf8')).toBe(`${result.sha256}  ${SEAL_FILE}\n`);
    const verdict = await verifySeal(day, await loadTrustMaterial({ keys: [files[pub]!] }));
    expect(verdict, verdict.reason).toMatchObject({ verified: true, identity: { keyHint: result.signer } });
    expect(verdict.reason).toMatch(/tlog: none/);
  });

  it('a manifest edited after sealing fails with subject-mismatch', async () => {
    const day = dayFolder();
    await sealDayManifest(day, { keyPath: files['pkcs8.pem']! });
    const path = join(day, 'manifest.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"images": []', '"images": [{"ref":"x"}]'));
    const verdict = await verifySeal(day, await loadTrustMaterial({ keys: [files['ec.pub']!] }));
    expect(verdict).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });

  it('a seal checked with another key fails with untrusted-key; no key is no-trust-material', async () => {
    const day = dayFolder();
    await sealDayManifest(day, { keyPath: files['pkcs8.pem']! });
    expect(await verifySeal(day, await loadTrustMaterial({ keys: [files['other.pub']!] }))).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(await verifySeal(day, await loadTrustMaterial({}))).toMatchObject({ verified: false, code: 'no-trust-material' });
  });

  it('an unsealed day is malformed, a missing manifest or key is FILE_UNREADABLE, an Ed25519 key is INVALID_KEY', async () => {
    const day = dayFolder();
    expect(await verifySeal(day, await loadTrustMaterial({ keys: [files['ec.pub']!] }))).toMatchObject({ verified: false, code: 'malformed' });
    await expect(sealDayManifest(join(day, 'nope'), { keyPath: files['pkcs8.pem']! })).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    await expect(sealDayManifest(day, { keyPath: join(day, 'missing.pem') })).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    await expect(sealDayManifest(day, { keyPath: files['ed.pem']! })).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(sealDayManifest(day, { keyPath: files['ec.pub']! })).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });
});

describe('keyless seal against LOCAL TEST DOUBLES of Fulcio and Rekor', () => {
  const ca = makeCA('fulcio-double');
  const log = makeLog();
  const ID = 'release-bot@acme.test';
  const ISSUER = 'https://issuer.acme.test';
  let fulcio: Double;
  let rekor: Double;
  let root: string;

  beforeAll(async () => {
    fulcio = await startFulcioDouble(ca);
    rekor = await startRekorDouble(log);
    root = writeTemp({ 'trusted_root.json': trustedRootJson({ ca, log, logBaseUrl: rekor.url }) })['trusted_root.json']!;
  });
  afterAll(async () => {
    await fulcio.close();
    await rekor.close();
  });

  it('seals through the Fulcio and Rekor test doubles and verifies offline with their trusted root', async () => {
    const day = dayFolder();
    const token = testIdentityToken({ iss: ISSUER, sub: 'bot', email: ID });
    const result = await sealDayManifest(day, { identityToken: token, fulcioURL: fulcio.url, rekorURL: rekor.url, timeout: 5000 });
    expect(result.mode).toBe('keyless');
    expect(fulcio.requests).toBe(1);
    expect(rekor.requests).toBe(1);
    const trust = await loadTrustMaterial({ trustedRoots: [root], certificateIdentity: ID, certificateOidcIssuer: ISSUER });
    const verdict = await verifySeal(day, trust);
    expect(verdict, verdict.reason).toMatchObject({ verified: true, identity: { san: ID, issuer: ISSUER } });
    expect(verdict.reason).toMatch(/tlog: 1 entr\(ies\) verified/);

    const other = await loadTrustMaterial({ trustedRoots: [root], certificateIdentity: 'someone@else.test', certificateOidcIssuer: ISSUER });
    expect(await verifySeal(day, other)).toMatchObject({ verified: false, code: 'identity-mismatch' });
    writeFileSync(join(day, 'manifest.json'), '{"changed":true}\n');
    expect(await verifySeal(day, trust)).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });

  it('a Fulcio double that refuses the token makes sealing fail with NETWORK, writing nothing', async () => {
    const day = dayFolder();
    await expect(sealDayManifest(day, { identityToken: 'not-a-jwt', fulcioURL: fulcio.url, rekorURL: rekor.url, timeout: 5000 })).rejects.toMatchObject({
      code: 'NETWORK',
    });
    expect(() => readFileSync(join(day, SEAL_FILE))).toThrow();
  });
});
