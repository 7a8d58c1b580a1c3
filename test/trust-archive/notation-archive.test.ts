import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CORPUS, runCli, tempDir } from '../helpers/cli.js';
import { LayoutBuilder } from '../helpers/layout-builder.js';
import { signNotation, writeTrustStore } from '../trust/helpers/notation.js';
import { ecKeyPair, issue, type TestCert } from '../trust/helpers/x509.js';

/**
 * Notation signatures through `custody archive` and `custody verify`: a real
 * OCI layout carrying the corpus envelopes as referrers (artifact type
 * application/vnd.cncf.notary.signature), and envelopes added with
 * --evidence to an image named by digest. The trust store and policy are
 * kept in DAY/trust/ and `verify` re-checks from them alone.
 */
const NOTATION = join(CORPUS, 'notation');
const STORE = join(NOTATION, 'truststore');
const DATE = '2026-12-01';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function writePolicy(dir: string, stores: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const path = join(dir, `policy-${sha(JSON.stringify([stores, extra])).slice(0, 8)}.json`);
  const statement = {
    name: 'test',
    registryScopes: ['*'],
    signatureVerification: { level: 'strict' },
    trustStores: stores,
    trustedIdentities: ['*'],
    ...extra,
  };
  await writeFile(path, JSON.stringify({ version: '1.0', trustPolicies: [statement] }));
  return path;
}

/**
 * A real OCI layout (config included) whose image carries a Notation JWS
 * and a COSE signature as referrers, signed here by a leaf under a local
 * root, as `notation sign` lays them out. (The corpus alpine manifest has no
 * config blob, so it cannot be archived as an image; its envelopes go
 * through --evidence below.)
 */
const root = issue(ecKeyPair(), { subject: 'C=US,ST=WA,O=acme,CN=acme root', ca: true });
const leaf = issue(ecKeyPair(), { subject: 'C=US,ST=WA,O=acme,CN=release signer' }, root);
const stranger = issue(ecKeyPair(), { subject: 'C=US,ST=WA,O=mallory,CN=mallory root', ca: true });
const strangerLeaf = issue(ecKeyPair(), { subject: 'C=US,ST=WA,O=mallory,CN=mallory' }, stranger);

async function notationLayout(signer: { leaf: TestCert; root: TestCert } = { leaf, root }): Promise<{ layout: string; digest: string }> {
  const layout = await tempDir('custody-notation-layout-');
  const builder = new LayoutBuilder(layout);
  const digest = await builder.image('v1', { sbom: false });
  const manifest = builder.manifests.get(digest)!;
  for (const [format, mediaType] of [
    ['jws', 'application/jose+json'],
    ['cose', 'application/cose'],
  ] as const) {
    const bytes = signNotation({
      format,
      alg: 'ES256',
      key: signer.leaf.keys.privateKey,
      chain: [signer.leaf, signer.root],
      target: { mediaType: manifest.mediaType, digest, size: manifest.size },
    });
    await builder.attach(
      digest,
      'application/vnd.cncf.notary.signature',
      { bytes, mediaType },
      { 'io.cncf.notary.x509chain.thumbprint#S256': `["${sha(signer.leaf.der)}"]` },
    );
  }
  return { layout, digest };
}

function localStore(dir: string): string {
  return writeTrustStore(join(dir, 'truststore'), { 'ca:acme': [root], 'ca:mallory': [stranger] });
}

interface Entry {
  format: string;
  mediaType: string;
  verification?: { verified: boolean; code?: string; reason: string; trustMaterial?: string[]; identity?: Record<string, string> };
}

async function notationEntries(root: string): Promise<{ day: { trust?: { path: string; role: string; sha256: string }[] }; entries: Entry[] }> {
  const day = JSON.parse(await readFile(join(root, DATE, 'manifest.json'), 'utf8'));
  const image = JSON.parse(await readFile(join(root, DATE, day.images[0].path, 'manifest.json'), 'utf8'));
  return { day, entries: image.evidence.filter((e: Entry) => e.format === 'notation') };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('archive of an OCI layout carrying Notation signatures as referrers', () => {
  it('verifies the JWS and COSE referrers, keeps store and policy under trust/, and verify re-checks offline', async () => {
    const { layout } = await notationLayout();
    const work = await tempDir();
    const root = join(work, 'artifacts');
    const policy = await writePolicy(work, ['ca:acme'], { trustedIdentities: ['x509.subject:C=US,ST=WA,O=acme'] });
    const run = await runCli([
      'archive',
      `oci:${layout}:v1`,
      '--root',
      root,
      '--date',
      DATE,
      '--notation-trust-store',
      localStore(work),
      '--notation-trust-policy',
      policy,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { day, entries } = await notationEntries(root);
    expect(entries.map((e) => e.mediaType).sort()).toEqual(['application/cose', 'application/jose+json']);
    for (const entry of entries) {
      expect(entry.verification, entry.verification?.reason).toMatchObject({ verified: true, identity: { subject: 'CN=release signer,O=acme,ST=WA,C=US' } });
      expect(entry.verification!.reason).toMatch(/revocation: not checked/);
    }
    // The store (as one document) and the policy are kept by hash, with checksums sha256sum accepts.
    expect((day.trust ?? []).map((r) => r.role).sort()).toEqual(['notation-trust-policy', 'notation-trust-store']);
    for (const record of day.trust!) {
      expect(entries[0]!.verification!.trustMaterial).toContain(record.sha256);
      expect(execFileSync('sha256sum', ['-c', `${record.sha256}.json.sha256`], { cwd: join(root, DATE, 'trust'), encoding: 'utf8' })).toContain(': OK');
    }
    expect((await readFile(join(root, DATE, day.trust!.find((r) => r.role === 'notation-trust-policy')!.path))).equals(await readFile(policy))).toBe(true);

    // The auditor has only the day folder: the store and policy copies are enough.
    await rm(join(work, 'truststore'), { recursive: true });
    const verify = await runCli(['verify', join(root, DATE), '--json']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, signatures: 2 });
  });

  it('records untrusted-key for a signer in no named store, fails the run for it, and never passes', async () => {
    const { layout } = await notationLayout({ leaf: strangerLeaf, root: stranger });
    const work = await tempDir();
    const policy = await writePolicy(work, ['ca:acme']);
    const run = await runCli([
      'archive',
      `oci:${layout}:v1`,
      '--root',
      join(work, 'a'),
      '--date',
      DATE,
      '--notation-trust-store',
      localStore(work),
      '--notation-trust-policy',
      policy,
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/2 signature\(s\) failed/);
    const { entries } = await notationEntries(join(work, 'a'));
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry.verification).toMatchObject({ verified: false, code: 'untrusted-key' });
  });

  it('records no-trust-material without a Notation trust store, never a pass', async () => {
    const { layout } = await notationLayout();
    const root = await tempDir();
    const run = await runCli(['archive', `oci:${layout}:v1`, '--root', root, '--date', DATE, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const { entries } = await notationEntries(root);
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry.verification).toMatchObject({ verified: false, code: 'no-trust-material' });
  });

  it('an auditor with another trust policy sees verify fail (signature-unverified)', async () => {
    const { layout } = await notationLayout();
    const work = await tempDir();
    const root = join(work, 'a');
    const store = localStore(work);
    await runCli([
      'archive',
      `oci:${layout}:v1`,
      '--root',
      root,
      '--date',
      DATE,
      '--notation-trust-store',
      store,
      '--notation-trust-policy',
      await writePolicy(work, ['ca:acme']),
    ]);
    const other = await writePolicy(work, ['ca:mallory']);
    const verify = await runCli(['verify', root, '--notation-trust-store', store, '--notation-trust-policy', other, '--json']);
    expect(verify.code).toBe(1);
    const report = JSON.parse(verify.stdout) as { problems: { code: string; message: string }[] };
    expect(report.problems.filter((p) => p.code === 'signature-unverified')).toHaveLength(2);
    expect(report.problems[0]!.message).toMatch(/untrusted-key/);
  });

  it('a kept trust policy swapped for a stricter one (checksums forged) is caught by verify', async () => {
    const { layout } = await notationLayout();
    const work = await tempDir();
    const root = join(work, 'a');
    await runCli([
      'archive',
      `oci:${layout}:v1`,
      '--root',
      root,
      '--date',
      DATE,
      '--notation-trust-store',
      localStore(work),
      '--notation-trust-policy',
      await writePolicy(work, ['ca:acme']),
    ]);
    const { day } = await notationEntries(root);
    const kept = day.trust!.find((r) => r.role === 'notation-trust-policy')!;
    const forged = Buffer.from(
      JSON.stringify({
        version: '1.0',
        trustPolicies: [
          { name: 'x', registryScopes: ['*'], signatureVerification: { level: 'strict' }, trustStores: ['ca:mallory'], trustedIdentities: ['*'] },
        ],
      }),
    );
    await writeFile(join(root, DATE, kept.path), forged);
    await writeFile(join(root, DATE, `${kept.path}.sha256`), `${sha(forged)}  ${kept.sha256}.json\n`);
    const verify = await runCli(['verify', root, '--json']);
    expect(verify.code).toBe(1);
    expect(JSON.stringify(JSON.parse(verify.stdout).problems)).toMatch(/trust/);
    expect((await readdir(join(root, DATE, 'trust'))).length).toBeGreaterThan(0);
  });
});

/** Envelopes whose artifact bytes are not in the corpus: archived with --evidence for the image named by its digest. */
describe('archive --evidence of Notation envelopes for an image named by digest', () => {
  const TIMESTAMPED = 'sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda';
  const MOCK = 'sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e';
  const LAYOUT = 'sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0';
  const TS = ['ca:valid-trust-store', 'tsa:test-timestamp'];
  const cases: [file: string, digest: string, stores: string[], expected: string][] = [
    ['jws-with-timestamp/envelope.jws.json', TIMESTAMPED, TS, 'verified'],
    ['cose-with-timestamp/envelope.cose', TIMESTAMPED, TS, 'verified'],
    ['cose-with-timestamp/envelope.cose', TIMESTAMPED, ['ca:valid-trust-store', 'tsa:test-mismatch'], 'timestamp-invalid'],
    ['jws-without-timestamp/envelope.jws.json', TIMESTAMPED, ['ca:valid-trust-store'], 'verified'],
    ['jws-without-timestamp/envelope.jws.json', TIMESTAMPED, TS, 'timestamp-invalid'],
    ['cose-timestamp-after-cert-notafter/envelope.cose', TIMESTAMPED, TS, 'untrusted-key'],
    ['jws-expired-cert-with-timestamp/envelope.jws.json', TIMESTAMPED, ['ca:derived-expired-testTSA', 'tsa:test-timestamp'], 'verified'],
    ['jws-expired-cert-with-timestamp/envelope.jws.json', TIMESTAMPED, ['ca:derived-expired-testTSA'], 'certificate-expired'],
    ['cose-expired-cert-with-timestamp/envelope.cose', TIMESTAMPED, ['ca:derived-expired-testTSA', 'tsa:test-timestamp'], 'verified'],
    ['cose-expired-cert-with-timestamp/envelope.cose', TIMESTAMPED, TS, 'untrusted-key'],
    ['x509-valid/envelope.jws.json', MOCK, ['ca:valid-trust-store'], 'verified'],
    ['x509-valid/envelope.jws.json', MOCK, ['ca:valid-trust-store-2'], 'untrusted-key'],
    ['x509-invalid-payload-padding/envelope.jws.json', MOCK, ['ca:valid-trust-store'], 'signature-invalid'],
    ['x509-expired/envelope.jws.json', MOCK, ['ca:valid-trust-store'], 'certificate-expired'],
    ['signing-authority-valid/envelope.jws.json', MOCK, ['signingAuthority:valid-trust-store'], 'verified'],
    ['signing-authority-valid/envelope.jws.json', MOCK, ['ca:valid-trust-store'], 'untrusted-key'],
    ['signing-authority-invalid-payload-padding/envelope.jws.json', MOCK, ['signingAuthority:valid-trust-store'], 'signature-invalid'],
    ['x509-requires-verification-plugin/envelope.jws.json', MOCK, ['ca:valid-trust-store'], 'plugin-required'],
    ['jws-with-timestamp/envelope.jws.json', MOCK, TS, 'subject-mismatch'],
    ['oci-layout-jws/envelope.jws.json', LAYOUT, ['ca:derived-oci-layout-alpine'], 'verified'],
    ['oci-layout-jws/envelope.jws.json', LAYOUT, ['ca:valid-trust-store'], 'untrusted-key'],
    ['oci-layout-cose/envelope.cose', LAYOUT, ['ca:derived-oci-layout-alpine'], 'verified'],
    ['oci-layout-cose/envelope.cose', LAYOUT, ['ca:valid-trust-store'], 'untrusted-key'],
  ];
  for (const [file, digest, stores, expected] of cases) {
    it(`${file} with ${stores.join(' + ')} → ${expected}`, async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
      const work = await tempDir();
      const root = join(work, 'artifacts');
      const policy = await writePolicy(work, stores);
      const run = await runCli([
        'archive',
        `registry.example/app@${digest}`,
        '--no-discover',
        '--evidence',
        join(NOTATION, file),
        '--root',
        root,
        '--date',
        DATE,
        '--notation-trust-store',
        STORE,
        '--notation-trust-policy',
        policy,
        '--json',
      ]);
      // A signature that does not verify is a finding: the run exits 1, the verdict is still archived.
      expect(run.code, run.stderr).toBe(expected === 'verified' ? 0 : 1);
      const { entries } = await notationEntries(root);
      expect(entries).toHaveLength(1);
      const verdict = entries[0]!.verification!;
      expect(verdict, verdict.reason).toMatchObject(expected === 'verified' ? { verified: true } : { verified: false, code: expected });
      if (expected === 'verified') {
        const verify = await runCli(['verify', root, '--json']);
        expect(verify.code, verify.stdout).toBe(0);
        expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, signatures: 1 });
      }
    });
  }
});
