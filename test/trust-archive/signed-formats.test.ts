import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

/**
 * Signatures inside recognised formats are checked, with the same verdict
 * codes in archive, verify and verify-evidence: npm attestation documents
 * (each bundle), Google Cloud Build provenance (with GCB's key).
 */
const DATE = '2026-11-29';
const NPM_DOC = join(CORPUS, 'intoto/npm/provenance-npm-test-ossf.tgz.json');
const NPM_KEYS = join(CORPUS, 'sigstore-bundles/trust/npm-registry-keys.from-tuf-seed.json');
const PUBLIC_GOOD = join(CORPUS, 'sigstore-bundles/trust/trusted_root.public-good.json');
const NPM_IDENTITY = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml@refs/tags/v1.6.0';
const GH = 'https://token.actions.githubusercontent.com';
const NPM_SHA512 = 'sha512:563bc6d88c7cc60917b13cf4838473eeea6ec7ea0430f2672b16f43c2a5c82c239949c7cae7fe13bbe3b30d0571c3e56de624aa31ea43c98c12f1f190b8a7ca0';
const NPM_TRUST = ['--key', NPM_KEYS, '--trusted-root', PUBLIC_GOOD, '--certificate-identity', NPM_IDENTITY, '--certificate-oidc-issuer', GH];
const GCB_DOC = join(CORPUS, 'intoto/slsa-verifier/gcb/gcloud-container-github.json');
const GCB_KEY = join(REPO_ROOT, 'test/fixtures/trust/gcb-us-west2.pub');
const GCB_IMAGE = 'sha256:f472ca4b68898c951ac3b476cba919d0d56fca4ced631fabcead51e4b2b690e7';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The real document with one byte of the publish bundle's DSSE signature flipped. */
async function badPublish(): Promise<string> {
  const doc = JSON.parse(await readFile(NPM_DOC, 'utf8')) as Json;
  const publish = doc.attestations.find((a: Json) => String(a.predicateType).includes('/publish/'));
  const sig = Buffer.from(publish.bundle.dsseEnvelope.signatures[0].sig, 'base64');
  sig[sig.length - 5]! ^= 0x01;
  publish.bundle.dsseEnvelope.signatures[0].sig = sig.toString('base64');
  const path = join(await tempDir('custody-npm-'), 'attestations.json');
  await writeFile(path, JSON.stringify(doc));
  return path;
}

async function archiveOne(file: string, digest: string, trust: string[]) {
  const root = await tempDir('custody-signed-formats-');
  const run = await runCli([
    'archive',
    '--no-discover',
    `registry.example/acme/pkg@${digest}`,
    '--evidence',
    file,
    ...trust,
    '--root',
    root,
    '--date',
    DATE,
    '--json',
  ]);
  const report = JSON.parse(run.stdout) as Json;
  return { ...run, root, evidence: report.images[0].evidence[0] as Json };
}

describe('npm attestation documents: every bundle is checked', () => {
  it('the real document: valid, verified (publish with npm keys, provenance keyless), exit 0; verify repeats it', async () => {
    const run = await archiveOne(NPM_DOC, NPM_SHA512, NPM_TRUST);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.evidence).toMatchObject({ format: 'npm-attestations', valid: true, verification: { verified: true, identity: { san: NPM_IDENTITY } } });
    expect((await runCli(['verify', run.root])).code).toBe(0);
  });

  it('a bad publish signature: valid unchanged, verdict failed (signature-invalid: it names npm key), exit 1', async () => {
    const run = await archiveOne(await badPublish(), NPM_SHA512, NPM_TRUST);
    expect(run.code).toBe(1);
    expect(run.evidence).toMatchObject({ valid: true, verification: { verified: false, code: 'signature-invalid' } });
    expect(run.evidence.verification.reason).toMatch(/publish/);
  });

  it('verify-evidence gives the same verdicts', async () => {
    expect((await runCli(['verify-evidence', NPM_DOC, '--digest', NPM_SHA512, ...NPM_TRUST])).code).toBe(0);
    const bad = await runCli(['verify-evidence', await badPublish(), '--digest', NPM_SHA512, ...NPM_TRUST, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ verified: false, code: 'signature-invalid' });
  });

  it('with the npm keys only, the keyless provenance cannot be judged: no-trust-material, never a pass, not a failure of the run', async () => {
    const run = await archiveOne(NPM_DOC, NPM_SHA512, ['--key', NPM_KEYS]);
    expect(run.evidence.verification).toMatchObject({ verified: false, code: 'no-trust-material' });
    expect(run.code).toBe(0);
  });
});

describe('Google Cloud Build provenance: the DSSE envelope is checked with GCB key', () => {
  it('archive and verify-evidence: verified with the key, exit 0', async () => {
    const run = await archiveOne(GCB_DOC, GCB_IMAGE, ['--key', GCB_KEY]);
    expect(run.code).toBe(0);
    expect(run.evidence).toMatchObject({ format: 'gcb-provenance', valid: true, verification: { verified: true } });
    expect(run.evidence.verification.reason).toMatch(/regional key/);
    expect((await runCli(['verify-evidence', GCB_DOC, '--digest', GCB_IMAGE, '--key', GCB_KEY])).code).toBe(0);
  });

  it('the payload altered: exit 1 in archive and verify-evidence alike', async () => {
    const altered = join(CORPUS, 'invalid/slsa-verifier/gcb-mismatch-payload-digest.json');
    const run = await archiveOne(altered, GCB_IMAGE, ['--key', GCB_KEY]);
    expect(run.code).toBe(1);
    expect(run.evidence.verification).toMatchObject({ verified: false, code: 'untrusted-key' });
    const cli = await runCli(['verify-evidence', altered, '--digest', GCB_IMAGE, '--key', GCB_KEY, '--json']);
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout)).toMatchObject({ code: 'untrusted-key' });
  });

  it('without a key: no-trust-material (archive exit 0), never unsupported', async () => {
    const run = await archiveOne(GCB_DOC, GCB_IMAGE, []);
    expect(run.evidence.verification).toMatchObject({ verified: false, code: 'no-trust-material' });
    expect(run.code).toBe(0);
  });
});
