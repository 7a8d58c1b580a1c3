import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { loadTrustMaterial, verifyEvidence, type Target, type TrustMaterial } from '../../src/trust/index.js';
import { parseCertificateDer } from '../../src/trust/pem.js';
import { parseNotationTrustStore, readNotationTrustStore } from '../../src/trust/notation/store.js';
import { verifyTimestampToken } from '../../src/trust/notation/timestamp.js';
import { corpus, readCorpus } from './helpers/corpus.js';

/**
 * Every notation/ row of MANIFEST.tsv, with each outcome its description
 * states: which stores, which verification time, verify or fail (and why).
 * Each case runs through the library (time injected) and through
 * `custody verify-evidence` (the clock set to that time).
 */
const STORE = corpus('notation/truststore');
const TIMESTAMPED = 'sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda';
const MOCK = 'sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e';
const LAYOUT_ARTIFACT = 'notation/oci-layout-artifact/blobs/sha256/19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0';
const ROOT_DN = 'CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US';
const T2026 = '2026-12-01T00:00:00Z';

interface PolicyShape {
  stores: string[];
  identities?: string[];
  level?: 'strict' | 'permissive' | 'audit' | 'skip';
  override?: Record<string, string>;
  verifyTimestamp?: 'always' | 'afterCertExpiry';
}

interface Case {
  path: string;
  why: string;
  policy: PolicyShape;
  at: string;
  target: 'timestamped' | 'mock' | 'layout-artifact' | 'layout-digest';
  expect: 'verified' | string;
  /** A word the reason must hold. */
  reason?: RegExp;
}

const tmp = mkdtempSync(join(tmpdir(), 'custody-notation-policy-'));
let policies = 0;
function policyFile(p: PolicyShape): string {
  const statement: Record<string, unknown> = {
    name: 'corpus',
    registryScopes: ['*'],
    signatureVerification: {
      level: p.level ?? 'strict',
      ...(p.override ? { override: p.override } : {}),
      ...(p.verifyTimestamp ? { verifyTimestamp: p.verifyTimestamp } : {}),
    },
  };
  if ((p.level ?? 'strict') !== 'skip') {
    statement.trustStores = p.stores;
    statement.trustedIdentities = p.identities ?? ['*'];
  }
  const path = join(tmp, `policy-${++policies}.json`);
  writeFileSync(path, JSON.stringify({ version: '1.0', trustPolicies: [statement] }));
  return path;
}

const TS = ['ca:valid-trust-store', 'tsa:test-timestamp'];
const EXPIRED_TS = ['ca:derived-expired-testTSA', 'tsa:test-timestamp'];

const CASES: Case[] = [
  // jws-with-timestamp
  {
    path: 'notation/jws-with-timestamp/envelope.jws.json',
    why: 'timestamped, trusted leaf',
    policy: { stores: TS },
    at: T2026,
    target: 'timestamped',
    expect: 'verified',
    reason: /timestamp 2024-06-18T06:29:3/,
  },
  {
    path: 'notation/jws-with-timestamp/envelope.jws.json',
    why: 'right after the timestamp',
    policy: { stores: TS },
    at: '2024-06-18T06:29:38Z',
    target: 'timestamped',
    expect: 'verified',
  },
  {
    path: 'notation/jws-with-timestamp/envelope.jws.json',
    why: 'after the leaf expired: the timestamp lies inside its validity',
    policy: { stores: TS },
    at: '2034-01-01T00:00:00Z',
    target: 'timestamped',
    expect: 'verified',
  },
  {
    path: 'notation/jws-with-timestamp/envelope.jws.json',
    why: 'TSA root not trusted (tsa:test-mismatch)',
    policy: { stores: ['ca:valid-trust-store', 'tsa:test-mismatch'] },
    at: T2026,
    target: 'timestamped',
    expect: 'timestamp-invalid',
    reason: /unknown authority/,
  },
  {
    path: 'notation/jws-with-timestamp/envelope.jws.json',
    why: 'another artifact',
    policy: { stores: TS },
    at: T2026,
    target: 'mock',
    expect: 'subject-mismatch',
  },
  // cose-with-timestamp
  {
    path: 'notation/cose-with-timestamp/envelope.cose',
    why: 'COSE, timestamped, trusted leaf',
    policy: { stores: TS },
    at: T2026,
    target: 'timestamped',
    expect: 'verified',
    reason: /COSE/,
  },
  {
    path: 'notation/cose-with-timestamp/envelope.cose',
    why: 'afterCertExpiry with the leaf still valid: no timestamp check needed',
    policy: { stores: TS, verifyTimestamp: 'afterCertExpiry' },
    at: T2026,
    target: 'timestamped',
    expect: 'verified',
  },
  {
    path: 'notation/cose-with-timestamp/envelope.cose',
    why: 'TSA root not trusted (tsa:test-mismatch)',
    policy: { stores: ['ca:valid-trust-store', 'tsa:test-mismatch'] },
    at: T2026,
    target: 'timestamped',
    expect: 'timestamp-invalid',
    reason: /unknown authority/,
  },
  {
    path: 'notation/cose-with-timestamp/envelope.cose',
    why: 'an empty tsa store',
    policy: { stores: ['ca:valid-trust-store', 'tsa:no-such-store'] },
    at: T2026,
    target: 'timestamped',
    expect: 'timestamp-invalid',
    reason: /no trusted TSA certificate/,
  },
  // jws-without-timestamp
  {
    path: 'notation/jws-without-timestamp/envelope.jws.json',
    why: 'no tsa store: chain valid now',
    policy: { stores: ['ca:valid-trust-store'] },
    at: T2026,
    target: 'timestamped',
    expect: 'verified',
  },
  {
    path: 'notation/jws-without-timestamp/envelope.jws.json',
    why: 'a tsa store with verifyTimestamp always needs a countersignature',
    policy: { stores: TS },
    at: T2026,
    target: 'timestamped',
    expect: 'timestamp-invalid',
    reason: /no timestamp countersignature/,
  },
  {
    path: 'notation/jws-without-timestamp/envelope.jws.json',
    why: 'after the leaf expired (2033-05-10), no timestamp',
    policy: { stores: ['ca:valid-trust-store'] },
    at: '2033-06-01T00:00:00Z',
    target: 'timestamped',
    expect: 'certificate-expired',
  },
  // cose-timestamp-after-cert-notafter
  {
    path: 'notation/cose-timestamp-after-cert-notafter/envelope.cose',
    why: 'leaf in no store',
    policy: { stores: TS },
    at: T2026,
    target: 'timestamped',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/cose-timestamp-after-cert-notafter/envelope.cose',
    why: 'leaf in no store, at a time it was valid',
    policy: { stores: ['ca:valid-trust-store'] },
    at: '2001-01-01T00:00:00Z',
    target: 'timestamped',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/cose-timestamp-after-cert-notafter/envelope.cose',
    why: 'authenticity only logged: the timestamp step itself fails (timestamp after the leaf expired)',
    policy: { stores: TS, override: { authenticity: 'log' } },
    at: T2026,
    target: 'timestamped',
    expect: 'certificate-expired',
    reason: /can be after certificate "CN=testTSA,O=Notary,L=Seattle,ST=WA,C=US" expired \(at 2001-09-18T11:54:34/,
  },
  // jws/cose-expired-cert-with-timestamp
  {
    path: 'notation/jws-expired-cert-with-timestamp/envelope.jws.json',
    why: 'upstream stores: leaf untrusted',
    policy: { stores: TS },
    at: T2026,
    target: 'timestamped',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/jws-expired-cert-with-timestamp/envelope.jws.json',
    why: 'expired leaf rescued by a timestamp inside its validity',
    policy: { stores: EXPIRED_TS },
    at: T2026,
    target: 'timestamped',
    expect: 'verified',
  },
  {
    path: 'notation/jws-expired-cert-with-timestamp/envelope.jws.json',
    why: 'no tsa store: the leaf expired at the verification time',
    policy: { stores: ['ca:derived-expired-testTSA'] },
    at: T2026,
    target: 'timestamped',
    expect: 'certificate-expired',
  },
  {
    path: 'notation/jws-expired-cert-with-timestamp/envelope.jws.json',
    why: 'upstream authentic-timestamp step alone passes (authenticity logged)',
    policy: { stores: TS, override: { authenticity: 'log' } },
    at: T2026,
    target: 'timestamped',
    expect: 'verified',
    reason: /logged, not enforced: authenticity/,
  },
  {
    path: 'notation/cose-expired-cert-with-timestamp/envelope.cose',
    why: 'upstream stores: leaf untrusted',
    policy: { stores: TS },
    at: T2026,
    target: 'timestamped',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/cose-expired-cert-with-timestamp/envelope.cose',
    why: 'expired leaf rescued by a timestamp inside its validity',
    policy: { stores: EXPIRED_TS },
    at: T2026,
    target: 'timestamped',
    expect: 'verified',
  },
  {
    path: 'notation/cose-expired-cert-with-timestamp/envelope.cose',
    why: 'no tsa store: expired at the verification time',
    policy: { stores: ['ca:valid-trust-store'], override: { authenticity: 'log' } },
    at: T2026,
    target: 'timestamped',
    expect: 'certificate-expired',
    reason: /expired at 2024-06-18T07:30:31/,
  },
  // x509-valid
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'leaf shares the root DN, no AKID',
    policy: { stores: ['ca:valid-trust-store'] },
    at: T2026,
    target: 'mock',
    expect: 'verified',
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'trusted identity by subject',
    policy: { stores: ['ca:valid-trust-store'], identities: [`x509.subject:${ROOT_DN}`] },
    at: T2026,
    target: 'mock',
    expect: 'verified',
    reason: /trusted identity matched/,
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'permissive',
    policy: { stores: ['ca:valid-trust-store'], level: 'permissive' },
    at: T2026,
    target: 'mock',
    expect: 'verified',
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'audit',
    policy: { stores: ['ca:valid-trust-store'], level: 'audit' },
    at: T2026,
    target: 'mock',
    expect: 'verified',
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'just before the signature expiry',
    policy: { stores: ['ca:valid-trust-store'] },
    at: '2120-11-09T06:59:59Z',
    target: 'mock',
    expect: 'verified',
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'after the signature expiry',
    policy: { stores: ['ca:valid-trust-store'] },
    at: '2120-11-09T07:00:01Z',
    target: 'mock',
    expect: 'certificate-expired',
    reason: /expired at 2120-11-09T07:00:00/,
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'no trusted certificate (valid-trust-store-2)',
    policy: { stores: ['ca:valid-trust-store-2'] },
    at: T2026,
    target: 'mock',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'another subject',
    policy: { stores: ['ca:valid-trust-store'], identities: ['x509.subject:CN=Someone Else,O=Notary,L=Seattle,ST=WA,C=US'] },
    at: T2026,
    target: 'mock',
    expect: 'identity-mismatch',
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'only signingAuthority stores for a notary.x509 signature',
    policy: { stores: ['signingAuthority:valid-trust-store'] },
    at: T2026,
    target: 'mock',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/x509-valid/envelope.jws.json',
    why: 'level skip: not verified, never passed',
    policy: { stores: [], level: 'skip' },
    at: T2026,
    target: 'mock',
    expect: 'no-trust-material',
  },
  // x509-expired
  {
    path: 'notation/x509-expired/envelope.jws.json',
    why: 'signature expired 2022-07-29T23:59:00Z',
    policy: { stores: ['ca:valid-trust-store'] },
    at: T2026,
    target: 'mock',
    expect: 'certificate-expired',
    reason: /expired at 2022-07-29T23:59:00/,
  },
  {
    path: 'notation/x509-expired/envelope.jws.json',
    why: 'permissive logs the expiry',
    policy: { stores: ['ca:valid-trust-store'], level: 'permissive' },
    at: T2026,
    target: 'mock',
    expect: 'verified',
    reason: /logged, not enforced: expiry/,
  },
  {
    path: 'notation/x509-expired/envelope.jws.json',
    why: 'before it expired',
    policy: { stores: ['ca:valid-trust-store'] },
    at: '2022-07-29T12:00:00Z',
    target: 'mock',
    expect: 'verified',
  },
  // payload padding
  {
    path: 'notation/x509-invalid-payload-padding/envelope.jws.json',
    why: "'=' appended to the payload",
    policy: { stores: ['ca:valid-trust-store'] },
    at: T2026,
    target: 'mock',
    expect: 'signature-invalid',
    reason: /base64url without padding/,
  },
  {
    path: 'notation/x509-invalid-payload-padding/envelope.jws.json',
    why: 'integrity is enforced even at audit',
    policy: { stores: ['ca:valid-trust-store'], level: 'audit' },
    at: T2026,
    target: 'mock',
    expect: 'signature-invalid',
  },
  {
    path: 'notation/signing-authority-invalid-payload-padding/envelope.jws.json',
    why: "'=' appended to the payload",
    policy: { stores: ['signingAuthority:valid-trust-store'] },
    at: T2026,
    target: 'mock',
    expect: 'signature-invalid',
  },
  // signing-authority-valid
  {
    path: 'notation/signing-authority-valid/envelope.jws.json',
    why: 'signingAuthority store',
    policy: { stores: ['signingAuthority:valid-trust-store'] },
    at: T2026,
    target: 'mock',
    expect: 'verified',
    reason: /authentic signing time 2020-11-09T07:00:00/,
  },
  {
    path: 'notation/signing-authority-valid/envelope.jws.json',
    why: 'trusted identity by subject',
    policy: { stores: ['signingAuthority:valid-trust-store'], identities: [`x509.subject:${ROOT_DN}`] },
    at: T2026,
    target: 'mock',
    expect: 'verified',
  },
  {
    path: 'notation/signing-authority-valid/envelope.jws.json',
    why: 'only ca stores: scheme/store type mismatch',
    policy: { stores: ['ca:valid-trust-store'] },
    at: T2026,
    target: 'mock',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/signing-authority-valid/envelope.jws.json',
    why: 'signingAuthority:valid-trust-store-2',
    policy: { stores: ['signingAuthority:valid-trust-store-2'] },
    at: T2026,
    target: 'mock',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/signing-authority-valid/envelope.jws.json',
    why: 'after the signature expiry',
    policy: { stores: ['signingAuthority:valid-trust-store'] },
    at: '2121-01-01T00:00:00Z',
    target: 'mock',
    expect: 'certificate-expired',
  },
  // plugin
  {
    path: 'notation/x509-requires-verification-plugin/envelope.jws.json',
    why: 'needs plugin-name',
    policy: { stores: ['ca:valid-trust-store'] },
    at: T2026,
    target: 'mock',
    expect: 'plugin-required',
    reason: /plugin-name/,
  },
  // oci layout envelopes
  {
    path: 'notation/oci-layout-jws/envelope.jws.json',
    why: 'upstream store lacks the alpine cert',
    policy: { stores: ['ca:valid-trust-store'] },
    at: T2026,
    target: 'layout-artifact',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/oci-layout-jws/envelope.jws.json',
    why: 'derived alpine store, artifact bytes',
    policy: { stores: ['ca:derived-oci-layout-alpine'] },
    at: T2026,
    target: 'layout-artifact',
    expect: 'verified',
  },
  {
    path: 'notation/oci-layout-jws/envelope.jws.json',
    why: 'derived alpine store, artifact digest',
    policy: { stores: ['ca:derived-oci-layout-alpine'] },
    at: T2026,
    target: 'layout-digest',
    expect: 'verified',
  },
  {
    path: 'notation/oci-layout-jws/envelope.jws.json',
    why: 'another artifact',
    policy: { stores: ['ca:derived-oci-layout-alpine'] },
    at: T2026,
    target: 'mock',
    expect: 'subject-mismatch',
  },
  {
    path: 'notation/oci-layout-cose/envelope.cose',
    why: 'upstream store lacks the alpine cert',
    policy: { stores: ['ca:valid-trust-store'] },
    at: T2026,
    target: 'layout-artifact',
    expect: 'untrusted-key',
  },
  {
    path: 'notation/oci-layout-cose/envelope.cose',
    why: 'derived alpine store, artifact bytes',
    policy: { stores: ['ca:derived-oci-layout-alpine'] },
    at: T2026,
    target: 'layout-artifact',
    expect: 'verified',
  },
];

function targetOf(kind: Case['target']): Target {
  if (kind === 'timestamped') return { digest: TIMESTAMPED };
  if (kind === 'mock') return { digest: MOCK };
  const artifact = readCorpus(LAYOUT_ARTIFACT);
  if (kind === 'layout-digest') return { digest: 'sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0' };
  return { artifact, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
}

function targetArgs(kind: Case['target']): string[] {
  if (kind === 'layout-artifact') return ['--artifact', corpus(LAYOUT_ARTIFACT)];
  return [
    '--digest',
    kind === 'timestamped' ? TIMESTAMPED : kind === 'mock' ? MOCK : 'sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0',
  ];
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Notation corpus: every label of MANIFEST.tsv holds', () => {
  const trusts = new Map<string, TrustMaterial>();
  const trustFor = async (policy: string) =>
    trusts.get(policy) ?? trusts.set(policy, await loadTrustMaterial({ notationTrustStore: STORE, notationTrustPolicy: policy })).get(policy)!;

  for (const c of CASES) {
    const name = `${c.path.split('/')[1]}: ${c.why} at ${c.at} → ${c.expect}`;
    it(name, async () => {
      const policy = policyFile(c.policy);
      const input = { bytes: readCorpus(c.path), mediaType: c.path.endsWith('.cose') ? 'application/cose' : 'application/jose+json' };
      const verdict = await verifyEvidence(input, targetOf(c.target), await trustFor(policy), { now: new Date(c.at) });
      if (c.expect === 'verified') expect(verdict, verdict.reason).toMatchObject({ verified: true });
      else expect(verdict, verdict.reason).toMatchObject({ verified: false, code: c.expect });
      if (c.reason) expect(verdict.reason).toMatch(c.reason);
      expect(verdict.reason).not.toMatch(/\n/);

      // The same through the CLI, with the clock at the label's time and the media type left for custody to find.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(c.at));
      const cli = await runCli([
        'verify-evidence',
        corpus(c.path),
        ...targetArgs(c.target),
        '--notation-trust-store',
        STORE,
        '--notation-trust-policy',
        policy,
        '--json',
      ]);
      vi.useRealTimers();
      const printed = JSON.parse(cli.stdout) as { verified: boolean; code?: string };
      expect(printed).toMatchObject(c.expect === 'verified' ? { verified: true } : { verified: false, code: c.expect });
      expect(cli.code).toBe(c.expect === 'verified' ? 0 : 1);
    });
  }
});

describe('Notation corpus: RFC 3161 timestamp tokens', () => {
  const tsaRoots = () => [...parseNotationTrustStore(readFileSync(join(tmp, 'store.json')), 'store').get('tsa:test-timestamp')!.certificates];
  const verify = (file: string, data: string) =>
    verifyTimestampToken(readCorpus('notation/timestamp-tokens', file), Buffer.from(data), tsaRoots(), parseCertificateDer);

  it('TimeStampToken.p7s: valid for the bytes "notation" with tsa:test-timestamp', async () => {
    writeFileSync(join(tmp, 'store.json'), await readNotationTrustStore(STORE));
    const result = verify('TimeStampToken.p7s', 'notation');
    expect(result.time.toISOString()).toBe('2021-09-17T14:09:10.000Z');
    expect(() => verify('TimeStampToken.p7s', 'mismatch')).toThrow(/mismatched message/);
    const digicert = parseNotationTrustStore(readFileSync(join(tmp, 'store.json')), 'store').get('tsa:test-mismatch')!.certificates;
    expect(() =>
      verifyTimestampToken(readCorpus('notation/timestamp-tokens/TimeStampToken.p7s'), Buffer.from('notation'), digicert, parseCertificateDer),
    ).toThrow(/unknown authority/);
  });

  it('the ESS signing-certificate attribute must name the certificate that signed the token', async () => {
    writeFileSync(join(tmp, 'store.json'), await readNotationTrustStore(STORE));
    const token = Buffer.from(readCorpus('notation/timestamp-tokens/TimeStampToken.p7s'));
    const signer = verifyTimestampToken(token, Buffer.from('notation'), tsaRoots(), parseCertificateDer).tsa;
    const certHash = createHash('sha256').update(signer.root.toDER()).digest();
    const at = token.indexOf(certHash);
    expect(at).toBeGreaterThan(0);
    token[at] = token[at]! ^ 0xff;
    expect(() => verifyTimestampToken(token, Buffer.from('notation'), tsaRoots(), parseCertificateDer)).toThrow(/signing-certificate attribute does not name/);
  });

  it('TimeStampTokenWithInvalidTSTInfo.p7s: genTime with the wrong tag fails to parse', () => {
    expect(() => verify('TimeStampTokenWithInvalidTSTInfo.p7s', 'notation')).toThrow(/genTime/);
  });

  it('TimeStampTokenWithInvalideContentType.p7s: id-data instead of id-ct-TSTInfo', () => {
    expect(() => verify('TimeStampTokenWithInvalideContentType.p7s', 'notation')).toThrow(/unexpected content type 1\.2\.840\.113549\.1\.7\.1/);
  });

  it('TimeStampTokenWithoutCertificate.p7s: no signing certificate in the token', () => {
    expect(() => verify('TimeStampTokenWithoutCertificate.p7s', 'notation')).toThrow(/signing certificate was not found/);
  });
});

describe('Notation corpus: the tables cover MANIFEST.tsv', () => {
  it('every notation/ row is a case here, and every trust store file loads into its store', async () => {
    const rows = readFileSync(corpus('MANIFEST.tsv'), 'utf8')
      .split('\n')
      .map((line) => line.split('\t')[0]!)
      .filter((path) => path.startsWith('notation/'));
    const stores = parseNotationTrustStore(await readNotationTrustStore(STORE), STORE);
    const covered = new Set([
      ...CASES.map((c) => c.path),
      LAYOUT_ARTIFACT,
      'notation/README.md',
      ...[
        'TimeStampToken.p7s',
        'TimeStampTokenWithInvalidTSTInfo.p7s',
        'TimeStampTokenWithInvalideContentType.p7s',
        'TimeStampTokenWithoutCertificate.p7s',
      ].map((f) => `notation/timestamp-tokens/${f}`),
    ]);
    for (const row of rows) {
      const m = /^notation\/truststore\/x509\/(ca|signingAuthority|tsa)\/([^/]+)\/[^/]+$/.exec(row);
      if (m) {
        const cert = parseCertificateDer(certificateDer(readCorpus(row)));
        expect(
          stores.get(`${m[1]}:${m[2]}`)?.certificates.some((c) => c.equals(cert)),
          row,
        ).toBe(true);
        continue;
      }
      expect(covered.has(row), `${row} has no case in test/trust/notation-corpus.test.ts`).toBe(true);
    }
  });
});

function certificateDer(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return bytes;
  return Buffer.from(text.split('-----BEGIN CERTIFICATE-----')[1]!.split('-----END CERTIFICATE-----')[0]!.replace(/\s+/g, ''), 'base64');
}
