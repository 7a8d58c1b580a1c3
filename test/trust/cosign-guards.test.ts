import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadTrustMaterial, verifyEvidence, type EvidenceInput, type TrustOptions } from '../../src/trust/index.js';
import { hashedRekordBody, makeLog, simpleSigningPayload, trustedRootJson, writeTemp } from './helpers/sigstore.js';
import { ecKeyPair, issue, makeCA, type TestCert } from './helpers/x509.js';

/**
 * Three guards of the cosign certificate path, each case breaking exactly
 * one, next to the same case with the guard satisfied (which must verify):
 * a CA's path length constraint, the validity window a trusted root gives
 * its CA, and the validity window it gives its Rekor log key.
 */
const ID = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1';
const ISSUER = 'https://token.actions.githubusercontent.com';
const DIGEST = `sha256:${'c3'.repeat(32)}`;
const DAY = 86_400_000;

function cosignLayer(leaf: TestCert, chain: TestCert[], bundle?: string): EvidenceInput {
  const payload = simpleSigningPayload(DIGEST);
  const signature = sign('sha256', payload, leaf.keys.privateKey);
  return {
    bytes: payload,
    mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
    annotations: {
      'dev.cosignproject.cosign/signature': signature.toString('base64'),
      'dev.sigstore.cosign/certificate': leaf.pem,
      'dev.sigstore.cosign/chain': chain.map((c) => c.pem).join(''),
      ...(bundle ? { 'dev.sigstore.cosign/bundle': bundle } : {}),
    },
  };
}

async function verify(input: EvidenceInput, trust: TrustOptions) {
  return verifyEvidence(input, { digest: DIGEST }, await loadTrustMaterial(trust));
}

describe('cosign certificate chains: a CA path length constraint is honoured', () => {
  const build = (rootPathLen: number) => {
    const root = issue(ecKeyPair(), { subject: 'pki root', ca: true, pathLen: rootPathLen });
    const intermediate = issue(ecKeyPair(), { subject: 'pki intermediate', ca: true }, root);
    const leaf = issue(ecKeyPair(), { subject: 'team', sans: ['email:team@acme.test'] }, intermediate);
    const files = writeTemp({ 'root.pem': root.pem });
    return { input: cosignLayer(leaf, [intermediate]), trust: { caRoots: [files['root.pem']!], certificateIdentity: 'team@acme.test' } };
  };

  it('a root allowing one intermediate anchors leaf ← intermediate ← root', async () => {
    const { input, trust } = build(1);
    const verdict = await verify(input, trust);
    expect(verdict, verdict.reason).toMatchObject({ verified: true });
  });

  it('a root allowing none (pathLenConstraint 0) does not: untrusted-key', async () => {
    const { input, trust } = build(0);
    expect(await verify(input, trust)).toMatchObject({ verified: false, code: 'untrusted-key' });
  });
});

describe('cosign certificates: the code-signing extended key usage, where the certificate restricts its usage', () => {
  const build = (eku: string[]) => {
    const root = issue(ecKeyPair(), { subject: 'pki root', ca: true, pathLen: 1 });
    const leaf = issue(ecKeyPair(), { subject: 'team', sans: ['email:team@acme.test'], eku }, root);
    const files = writeTemp({ 'root.pem': root.pem });
    return verify(cosignLayer(leaf, []), { caRoots: [files['root.pem']!], certificateIdentity: 'team@acme.test' });
  };

  for (const [label, eku] of [
    ['codeSigning', ['1.3.6.1.5.5.7.3.3']],
    ['anyExtendedKeyUsage', ['2.5.29.37.0']],
    ['no extended key usage extension (no restriction)', []],
  ] as const) {
    it(`verifies a leaf with ${label}`, async () => {
      const verdict = await build([...eku]);
      expect(verdict, verdict.reason).toMatchObject({ verified: true });
    });
  }

  it('refuses a leaf for TLS servers only: untrusted-key, naming the missing usage', async () => {
    const verdict = await build(['1.3.6.1.5.5.7.3.1']);
    expect(verdict).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(verdict.reason).toContain('not allowed to sign code (extended key usage lacks codeSigning)');
  });
});

describe('trusted root validity windows', () => {
  const fulcio = makeCA('fulcio-window');
  const log = makeLog();
  const leaf = fulcio.leaf({ sans: [`uri:${ID}`], oidcIssuer: ISSUER });
  const now = Math.floor(Date.now() / 1000);
  const input = () => {
    const base = cosignLayer(leaf, [fulcio.intermediate, fulcio.root]);
    const body = hashedRekordBody(base.bytes as Buffer, Buffer.from(base.annotations!['dev.cosignproject.cosign/signature']!, 'base64'), leaf.pem);
    return { ...base, annotations: { ...base.annotations, 'dev.sigstore.cosign/bundle': log.cosignBundle(body, now) } };
  };
  const trust = (root: Parameters<typeof trustedRootJson>[0]): TrustOptions => ({
    trustedRoots: [writeTemp({ 'trusted_root.json': trustedRootJson({ ca: fulcio, log, ...root }) })['trusted_root.json']!],
    certificateIdentity: ID,
    certificateOidcIssuer: ISSUER,
  });
  const past = { start: new Date(Date.now() - 3 * DAY), end: new Date(Date.now() - DAY) };
  const open = { start: new Date(Date.now() - 3 * DAY), end: new Date(Date.now() + DAY) };

  it('verifies when the CA and the log key are both trusted at the integrated time', async () => {
    const verdict = await verify(input(), trust({ caStart: open.start, caEnd: open.end, logStart: open.start, logEnd: open.end }));
    expect(verdict, verdict.reason).toMatchObject({ verified: true });
  });

  it('untrusted-key: the Fulcio CA was trusted only until yesterday', async () => {
    const verdict = await verify(input(), trust({ caStart: past.start, caEnd: past.end, logStart: open.start, logEnd: open.end }));
    expect(verdict).toMatchObject({ verified: false, code: 'untrusted-key' });
  });

  it('untrusted-key: the Fulcio CA is trusted only from tomorrow', async () => {
    const verdict = await verify(input(), trust({ caStart: new Date(Date.now() + DAY), logStart: open.start, logEnd: open.end }));
    expect(verdict).toMatchObject({ verified: false, code: 'untrusted-key' });
  });

  it('tlog-invalid: the Rekor log key was valid only until yesterday', async () => {
    const verdict = await verify(input(), trust({ caStart: open.start, caEnd: open.end, logStart: past.start, logEnd: past.end }));
    expect(verdict).toMatchObject({ verified: false, code: 'tlog-invalid' });
  });
});
