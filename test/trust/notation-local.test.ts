import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { loadTrustMaterial, verifyEvidence, type TrustMaterial } from '../../src/trust/index.js';
import { signNotation, writePolicy, writeTrustStore, type Alg, type NotationSignOptions, type PolicyStatementShape } from './helpers/notation.js';
import { ecKeyPair, issue, type TestCert, type TestKeyPair } from './helpers/x509.js';

/**
 * Notation verification against envelopes made here, one rule broken at a
 * time: every algorithm Notation allows in both envelopes, chain rules,
 * critical headers, trust policy statements, levels and overrides.
 */
const dir = () => mkdtempSync(join(tmpdir(), 'custody-notation-'));
const NOW = new Date();
const HOUR = 3600_000;
const DN = (cn: string, o = 'acme') => `C=US,ST=WA,O=${o},CN=${cn}`;
const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'ab'.repeat(32)}`, size: 1234 };

const root = issue(ecKeyPair(), {
  subject: DN('acme root'),
  ca: true,
  pathLen: 1,
  notBefore: new Date(NOW.getTime() - 24 * HOUR),
  notAfter: new Date(NOW.getTime() + 24 * HOUR),
});
const intermediate = issue(ecKeyPair(), { subject: DN('acme intermediate'), ca: true, pathLen: 0 }, root);
const otherRoot = issue(ecKeyPair(), { subject: DN('other root', 'other'), ca: true });
const rsa = (bits: number): TestKeyPair => generateKeyPairSync('rsa', { modulusLength: bits });
const KEYS: Record<Alg, TestKeyPair> = {
  PS256: rsa(2048),
  PS384: rsa(3072),
  PS512: rsa(4096),
  ES256: ecKeyPair('P-256'),
  ES384: ecKeyPair('P-384'),
  ES512: ecKeyPair('P-521'),
};
const leafFor = (alg: Alg, options: Parameters<typeof issue>[1] = {}) => issue(KEYS[alg], { subject: DN('signer'), ...options }, intermediate);
const LEAF = leafFor('ES256');
const STORE = writeTrustStore(dir(), { 'ca:acme': [root], 'signingAuthority:acme': [root], 'ca:other': [otherRoot] });

const trustCache = new Map<string, TrustMaterial>();
async function trust(statements: PolicyStatementShape[]): Promise<TrustMaterial> {
  const key = JSON.stringify(statements);
  if (!trustCache.has(key))
    trustCache.set(key, await loadTrustMaterial({ notationTrustStore: STORE, notationTrustPolicy: writePolicy(join(dir(), 'policy.json'), statements) }));
  return trustCache.get(key)!;
}
const STRICT = [{ trustStores: ['ca:acme'] }];

function envelope(overrides: Partial<NotationSignOptions> = {}): Buffer {
  return signNotation({ format: 'jws', alg: 'ES256', key: LEAF.keys.privateKey, chain: [LEAF, intermediate, root], target: TARGET, ...overrides });
}

async function check(
  bytes: Buffer,
  statements: PolicyStatementShape[] = STRICT,
  options: { now?: Date; scope?: string; mediaType?: string; size?: number } = {},
) {
  const mediaType = bytes[0] === 0xd2 ? 'application/cose' : 'application/jose+json';
  return verifyEvidence(
    { bytes, mediaType },
    { digest: TARGET.digest, ...(options.mediaType ? { mediaType: options.mediaType } : {}), ...(options.size !== undefined ? { size: options.size } : {}) },
    await trust(statements),
    { now: options.now ?? NOW, ...(options.scope ? { scope: options.scope } : {}) },
  );
}

describe('Notation: every algorithm, both envelopes', () => {
  for (const alg of Object.keys(KEYS) as Alg[]) {
    for (const format of ['jws', 'cose'] as const) {
      it(`${format} ${alg} with a ${alg.startsWith('PS') ? 'RSA' : 'ECDSA'} leaf under an intermediate verifies`, async () => {
        const leaf = leafFor(alg);
        const bytes = signNotation({ format, alg, key: leaf.keys.privateKey, chain: [leaf, intermediate, root], target: TARGET });
        const verdict = await check(bytes);
        expect(verdict, verdict.reason).toMatchObject({ verified: true, identity: { subject: 'CN=signer,O=acme,ST=WA,C=US' } });
        expect(verdict.reason).toContain(alg);
        // The same envelope presented with another signer's certificate no longer verifies.
        const otherAlg: Alg = alg === 'ES256' ? 'ES384' : 'ES256';
        const forged = signNotation({ format, alg, key: leaf.keys.privateKey, chain: [leafFor(otherAlg), intermediate, root], target: TARGET });
        expect(await check(forged)).toMatchObject({ verified: false, code: 'signature-invalid' });
      });
    }
  }

  it('the envelope alg must be the one the key calls for (ES384 header, P-256 key)', async () => {
    const verdict = await check(envelope({ alg: 'ES384', key: KEYS.ES384.privateKey }));
    expect(verdict).toMatchObject({ verified: false, code: 'signature-invalid' });
    expect(verdict.reason).toMatch(/calls for ES256/);
  });

  it('a payload other than the signed one fails integrity, JWS and COSE', async () => {
    expect(await check(envelope({ tamperPayload: true }))).toMatchObject({ verified: false, code: 'signature-invalid' });
    expect(await check(envelope({ format: 'cose', tamperPayload: true }))).toMatchObject({ verified: false, code: 'signature-invalid' });
  });
});

describe('Notation: the signed target', () => {
  it('digest, media type and size must be those of the artifact', async () => {
    expect(await check(envelope(), STRICT, { mediaType: TARGET.mediaType, size: TARGET.size })).toMatchObject({ verified: true });
    expect(await check(envelope(), STRICT, { mediaType: 'application/vnd.oci.image.index.v1+json' })).toMatchObject({
      verified: false,
      code: 'subject-mismatch',
    });
    expect(await check(envelope(), STRICT, { size: TARGET.size + 1 })).toMatchObject({ verified: false, code: 'subject-mismatch' });
    expect(await check(envelope({ target: { ...TARGET, digest: `sha256:${'cd'.repeat(32)}` } }))).toMatchObject({ verified: false, code: 'subject-mismatch' });
  });
});

describe('Notation: critical headers and plugins', () => {
  it('an unknown critical header fails; the same header not critical is ignored', async () => {
    const critical = await check(envelope({ extra: [{ name: 'com.example.policy', value: 'x', critical: true }] }));
    expect(critical).toMatchObject({ verified: false, code: 'unsupported' });
    expect(critical.reason).toContain('com.example.policy');
    expect(await check(envelope({ format: 'cose', extra: [{ name: 'com.example.policy', value: 'x', critical: true }] }))).toMatchObject({
      verified: false,
      code: 'unsupported',
    });
    expect(await check(envelope({ extra: [{ name: 'com.example.note', value: 'x', critical: false }] }))).toMatchObject({ verified: true });
  });

  it('a signature that names a verification plugin fails with plugin-required, even when all else holds', async () => {
    const verdict = await check(envelope({ format: 'cose', extra: [{ name: 'io.cncf.notary.verificationPlugin', value: 'com.example.kms', critical: true }] }));
    expect(verdict).toMatchObject({ verified: false, code: 'plugin-required' });
    expect(verdict.reason).toContain('com.example.kms');
  });

  it('a Notation header present but not critical fails (expiry must be in crit)', async () => {
    const bytes = envelope({ extra: [{ name: 'io.cncf.notary.verificationPlugin', value: 'p', critical: false }] });
    expect(await check(bytes)).toMatchObject({ verified: false, code: 'signature-invalid' });
  });
});

describe('Notation: the certificate chain', () => {
  it('must be in order, leaf to a self-signed root', async () => {
    expect(await check(envelope({ chain: [LEAF, root, intermediate] }))).toMatchObject({ verified: false, code: 'untrusted-key' });
    const noRoot = await check(envelope({ chain: [LEAF, intermediate] }));
    expect(noRoot).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(noRoot.reason).toMatch(/self-signed root/);
  });

  it("a CA's path length limit holds: a root allowing no intermediate cannot anchor a chain with one", async () => {
    const strictRoot = issue(ecKeyPair(), { subject: DN('strict root'), ca: true, pathLen: 0 });
    const inter = issue(ecKeyPair(), { subject: DN('strict intermediate'), ca: true }, strictRoot);
    const leaf = issue(ecKeyPair(), { subject: DN('signer') }, inter);
    const store = writeTrustStore(dir(), { 'ca:strict': [strictRoot] });
    const tm = await loadTrustMaterial({
      notationTrustStore: store,
      notationTrustPolicy: writePolicy(join(dir(), 'p.json'), [{ trustStores: ['ca:strict'] }]),
    });
    const verdict = await verifyEvidence(
      { bytes: envelope({ key: leaf.keys.privateKey, chain: [leaf, inter, strictRoot] }), mediaType: 'application/jose+json' },
      { digest: TARGET.digest },
      tm,
      { now: NOW },
    );
    expect(verdict).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(verdict.reason).toMatch(/allows 0 intermediate/);
    // The same chain shape under a root allowing one verifies.
    expect(await check(envelope())).toMatchObject({ verified: true });
  });

  it('the signing certificate may not be a CA, and needs the codeSigning EKU when it lists EKUs', async () => {
    const caLeaf = issue(KEYS.ES256, { subject: DN('ca leaf'), ca: true }, intermediate);
    expect(await check(envelope({ chain: [caLeaf, intermediate, root] }))).toMatchObject({ verified: false, code: 'untrusted-key' });
    const serverLeaf = leafFor('ES256', { eku: ['1.3.6.1.5.5.7.3.1'] });
    const verdict = await check(envelope({ chain: [serverLeaf, intermediate, root] }));
    expect(verdict).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(verdict.reason).toMatch(/codeSigning/);
  });

  it('a chain to a root in no named store is untrusted; the store type must fit the signing scheme', async () => {
    expect(await check(envelope(), [{ trustStores: ['ca:other'] }])).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(await check(envelope(), [{ trustStores: ['signingAuthority:acme'] }])).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(await check(envelope({ scheme: 'notary.x509.signingAuthority' }), [{ trustStores: ['signingAuthority:acme'] }])).toMatchObject({ verified: true });
    expect(await check(envelope({ scheme: 'notary.x509.signingAuthority' }), STRICT)).toMatchObject({ verified: false, code: 'untrusted-key' });
  });
});

describe('Notation: time', () => {
  it('without a tsa store the chain must be valid at the verification time', async () => {
    expect(await check(envelope(), STRICT, { now: new Date(NOW.getTime() + 2 * HOUR) })).toMatchObject({ verified: false, code: 'certificate-expired' });
    expect(await check(envelope(), STRICT, { now: new Date(NOW.getTime() - 2 * HOUR) })).toMatchObject({ verified: false, code: 'certificate-expired' });
  });

  it('signingAuthority: the chain must be valid at the authentic signing time, whenever verified', async () => {
    const sa = [{ trustStores: ['signingAuthority:acme'] }];
    const later = new Date(NOW.getTime() + 30 * 24 * HOUR);
    expect(await check(envelope({ scheme: 'notary.x509.signingAuthority' }), sa, { now: later })).toMatchObject({ verified: true });
    const before = await check(envelope({ scheme: 'notary.x509.signingAuthority', signingTime: new Date(NOW.getTime() - 2 * HOUR) }), sa);
    expect(before).toMatchObject({ verified: false, code: 'certificate-expired' });
  });

  it('io.cncf.notary.expiry is enforced by strict, logged by permissive, skipped by override', async () => {
    const bytes = envelope({ expiry: new Date(NOW.getTime() + 10 * 60_000) });
    const at = new Date(NOW.getTime() + 20 * 60_000);
    expect(await check(bytes, STRICT, { now: at })).toMatchObject({ verified: false, code: 'certificate-expired' });
    const permissive = await check(bytes, [{ trustStores: ['ca:acme'], level: 'permissive' }], { now: at });
    expect(permissive).toMatchObject({ verified: true });
    expect(permissive.reason).toMatch(/logged, not enforced: expiry/);
    expect(await check(bytes, [{ trustStores: ['ca:acme'], override: { expiry: 'log' } }], { now: at })).toMatchObject({ verified: true });
    expect(await check(bytes, STRICT, { now: new Date(NOW.getTime() + 5 * 60_000) })).toMatchObject({ verified: true });
  });

  it('an expiry not after the signing time is refused', async () => {
    const bytes = envelope({ signingTime: NOW, expiry: new Date(NOW.getTime() - 1000) });
    expect(await check(bytes)).toMatchObject({ verified: false, code: 'signature-invalid' });
  });
});

describe('Notation: trust policy', () => {
  it('trusted identities match on the leaf subject (every attribute named must match)', async () => {
    expect(await check(envelope(), [{ trustStores: ['ca:acme'], trustedIdentities: ['x509.subject: C=US, ST=WA, O=acme'] }])).toMatchObject({ verified: true });
    expect(await check(envelope(), [{ trustStores: ['ca:acme'], trustedIdentities: [`x509.subject:${DN('signer')}`] }])).toMatchObject({ verified: true });
    const other = await check(envelope(), [{ trustStores: ['ca:acme'], trustedIdentities: ['x509.subject:C=US,ST=WA,O=acme,CN=someone else'] }]);
    expect(other).toMatchObject({ verified: false, code: 'identity-mismatch', identity: { subject: 'CN=signer,O=acme,ST=WA,C=US' } });
  });

  it('registryScopes pick the statement: exact repository first, then "*"; without a repository only "*"', async () => {
    const statements = [
      { name: 'app', registryScopes: ['registry.example/acme/app'], trustStores: ['ca:acme'] },
      { name: 'rest', registryScopes: ['*'], trustStores: ['ca:other'] },
    ];
    expect(await check(envelope(), statements, { scope: 'registry.example/acme/app' })).toMatchObject({ verified: true });
    const wildcard = await check(envelope(), statements, { scope: 'registry.example/acme/other' });
    expect(wildcard).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(wildcard.reason).toContain('"rest"');
    expect(await check(envelope(), statements)).toMatchObject({ verified: false, code: 'untrusted-key' });
    const noWildcard = await check(envelope(), [statements[0]!]);
    expect(noWildcard).toMatchObject({ verified: false, code: 'no-trust-material' });
  });

  it('audit logs authenticity; skip verifies nothing and never passes', async () => {
    const audit = await check(envelope(), [{ trustStores: ['ca:other'], level: 'audit' }]);
    expect(audit).toMatchObject({ verified: true });
    expect(audit.reason).toMatch(/logged, not enforced: authenticity/);
    expect(await check(envelope({ tamperPayload: true }), [{ trustStores: ['ca:other'], level: 'audit' }])).toMatchObject({
      verified: false,
      code: 'signature-invalid',
    });
    expect(await check(envelope(), [{ level: 'skip' }])).toMatchObject({ verified: false, code: 'no-trust-material' });
  });

  it('revocation is recorded as not checked, never as passed', async () => {
    const verdict = await check(envelope());
    expect(verdict.reason).toMatch(/revocation: not checked/);
    expect(verdict.reason).not.toMatch(/revocation: (ok|passed|good)/);
  });

  it('the verdict names the trust store document and the policy by sha256', async () => {
    const verdict = await check(envelope());
    expect(verdict.trustMaterial).toHaveLength(2);
  });

  it('invalid policies are refused naming the file and field', async () => {
    const bad = async (doc: unknown, message: RegExp) => {
      const path = join(dir(), 'bad-policy.json');
      writeFileSync(path, JSON.stringify(doc));
      await expect(loadTrustMaterial({ notationTrustStore: STORE, notationTrustPolicy: path })).rejects.toThrow(message);
    };
    const ok = { name: 'a', registryScopes: ['*'], signatureVerification: { level: 'strict' }, trustStores: ['ca:acme'], trustedIdentities: ['*'] };
    await bad({ version: '2.0', trustPolicies: [ok] }, /#\/version/);
    await bad({ version: '1.0', trustPolicies: [] }, /trustPolicies/);
    await bad({ version: '1.0', trustPolicies: [ok, { ...ok }] }, /two statements are named/);
    await bad({ version: '1.0', trustPolicies: [{ ...ok, registryScopes: ['*', 'registry.example/app'] }] }, /must be the only scope/);
    await bad({ version: '1.0', trustPolicies: [{ ...ok, registryScopes: ['registry.example/app:v1'] }] }, /not registry\/repository/);
    await bad({ version: '1.0', trustPolicies: [{ ...ok, signatureVerification: { level: 'lenient' } }] }, /level/);
    await bad(
      { version: '1.0', trustPolicies: [{ ...ok, signatureVerification: { level: 'strict', override: { integrity: 'log' } } }] },
      /integrity verification cannot be overridden/,
    );
    await bad(
      { version: '1.0', trustPolicies: [{ ...ok, signatureVerification: { level: 'strict', override: { authenticity: 'skip' } } }] },
      /cannot be skipped/,
    );
    await bad({ version: '1.0', trustPolicies: [{ ...ok, signatureVerification: { level: 'skip' } }] }, /must not name trustStores/);
    await bad({ version: '1.0', trustPolicies: [{ ...ok, trustStores: ['pki:acme'] }] }, /trustStores/);
    await bad({ version: '1.0', trustPolicies: [{ ...ok, trustedIdentities: ['x509.subject:CN=signer,O=acme'] }] }, /at least C, ST and O/);
    await bad({ version: '1.0', trustPolicies: [{ ...ok, trustedIdentities: ['email:someone@example.com'] }] }, /x509\.subject/);
  });

  it('a policy without a store is a usage error; a store without a policy uses every store, any identity, strict', async () => {
    await expect(loadTrustMaterial({ notationTrustPolicy: writePolicy(join(dir(), 'p.json'), STRICT) })).rejects.toThrow(/needs the trust store/);
    const implicit = await loadTrustMaterial({ notationTrustStore: STORE });
    const verdict = await verifyEvidence({ bytes: envelope(), mediaType: 'application/jose+json' }, { digest: TARGET.digest }, implicit, { now: NOW });
    expect(verdict).toMatchObject({ verified: true, trustMaterial: [expect.stringMatching(/^[a-f0-9]{64}$/)] });
  });
});

describe('Notation: verify-evidence flags', () => {
  it('--notation-scope picks the statement for that repository; without it only "*" applies', async () => {
    const work = dir();
    const file = join(work, 'sig.jws.json');
    writeFileSync(file, envelope());
    const policy = writePolicy(join(work, 'policy.json'), [{ name: 'app', registryScopes: ['registry.example/acme/app'], trustStores: ['ca:acme'] }]);
    const args = ['verify-evidence', file, '--digest', TARGET.digest, '--notation-trust-store', STORE, '--notation-trust-policy', policy, '--json'];
    const scoped = await runCli([...args, '--notation-scope', 'registry.example/acme/app']);
    expect(scoped.code, scoped.stdout + scoped.stderr).toBe(0);
    expect(JSON.parse(scoped.stdout)).toMatchObject({ verified: true, identity: { subject: 'CN=signer,O=acme,ST=WA,C=US' } });
    const unscoped = await runCli(args);
    expect(unscoped.code).toBe(1);
    expect(JSON.parse(unscoped.stdout)).toMatchObject({ verified: false, code: 'no-trust-material' });
    const broken = await runCli(['verify-evidence', file, '--digest', TARGET.digest, '--notation-trust-store', join(work, 'nowhere')]);
    expect(broken.code).toBe(2);
  });
});

describe('Notation: the trust store folder', () => {
  it('refuses a certificate that is neither a CA nor self-signed, and links', async () => {
    const store = writeTrustStore(dir(), { 'ca:bad': [LEAF as TestCert] });
    await expect(loadTrustMaterial({ notationTrustStore: store })).rejects.toThrow(/CA certificate or a self-signed signing certificate/);
    const linked = writeTrustStore(dir(), { 'ca:acme': [root] });
    symlinkSync('/etc/hostname', join(linked, 'x509', 'ca', 'acme', 'link.pem'));
    await expect(loadTrustMaterial({ notationTrustStore: linked })).rejects.toThrow(/not a regular file/);
    await expect(loadTrustMaterial({ notationTrustStore: dir() })).rejects.toThrow(/not a Notation trust store/);
  });
});
