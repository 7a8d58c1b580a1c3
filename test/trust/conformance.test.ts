import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Verification } from '../../src/types.js';
import { loadTrustMaterial, verifyEvidence } from '../../src/trust/index.js';
import { caseDirs, corpus, optionalText, PUBLIC_GOOD_ROOT } from './helpers/corpus.js';

/**
 * sigstore-conformance bundle-verify cases, with the defaults of
 * sigstore-bundles/conformance/README.md: artifact a.txt, the beacon
 * workflow identity, the GitHub Actions issuer, the public-good trusted root.
 */
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';
const DEFAULT_ARTIFACT = corpus('sigstore-bundles/conformance/a.txt');

async function runCase(dir: string): Promise<Verification> {
  const file = (name: string) => join(dir, name);
  const keyed = existsSync(file('key.pub'));
  const trust = await loadTrustMaterial({
    trustedRoots: [existsSync(file('trusted_root.json')) ? file('trusted_root.json') : PUBLIC_GOOD_ROOT],
    ...(keyed
      ? { keys: [file('key.pub')] }
      : {
          certificateIdentity: optionalText(file('identity')) ?? DEFAULT_IDENTITY,
          certificateOidcIssuer: optionalText(file('issuer')) ?? DEFAULT_ISSUER,
        }),
  });
  const artifact = readFileSync(existsSync(file('artifact')) ? file('artifact') : DEFAULT_ARTIFACT);
  const bytes = readFileSync(file('bundle.sigstore.json'));
  return verifyEvidence({ bytes, mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }, { artifact }, trust);
}

describe('sigstore-conformance happy cases verify', () => {
  const cases = caseDirs('sigstore-bundles/conformance');
  it('has the cases the corpus promises', () => expect(cases.length).toBe(14));
  it.each(cases)('%s', async (name) => {
    const verdict = await runCase(corpus('sigstore-bundles/conformance', name));
    expect(verdict.reason).not.toBe('');
    expect(verdict, verdict.reason).toMatchObject({ verified: true });
    expect(verdict.trustMaterial?.length).toBeGreaterThan(0);
  });
});

/** Each _fail case, the code custody gives, and why that is the right kind of failure. */
const FAIL_CASES: Record<string, [code: string, why: string]> = {
  'bundle-empty-certificate-chain_fail': ['malformed', 'a chain with no certificate is not a valid bundle'],
  'bundle-invalid-base64-signature_fail': ['signature-invalid', 'the mangled signature cannot verify'],
  'bundle-malformed-json_fail': ['malformed', 'truncated JSON'],
  'bundle-unknown-version_fail': ['unsupported', 'bundle media type version 99.9'],
  'bundle-with-root-cert_fail': ['malformed', 'its inclusion proof has no checkpoint (the root certificate itself is ignored, never trusted)'],
  'checkpoint-wrong-roothash_fail': ['tlog-invalid', 'checkpoint does not cover the entry'],
  'dsse-invalid-sig_fail': ['signature-invalid', 'DSSE signature is wrong'],
  'dsse-mismatch-sig_fail': ['tlog-invalid', 'valid signature, but not the one logged'],
  'inclusion-proof-corrupted-hash_fail': ['tlog-invalid', 'inclusion proof hash flipped'],
  'integrated-time-in-future_fail': ['certificate-expired', 'integrated time outside the certificate validity'],
  'intoto-expired-certificate_fail': ['certificate-expired', 'certificate not valid at the log time'],
  'intoto-missing-inclusion-proof_fail': ['malformed', 'a v0.2 bundle must carry an inclusion proof'],
  'intoto-set-outside-signing-cert-validity_fail': ['certificate-expired', 'SET time outside the certificate validity'],
  'invalid-checkpoint-signature_fail': ['tlog-invalid', 'checkpoint signature is wrong'],
  'invalid-ct-key_fail': ['untrusted-key', 'SCT does not verify with the CT log key of that root'],
  'managed-key-no-key_fail': ['no-trust-material', 'signed with a key and no key given'],
  'rekor2-checkpoint-missing-log-signature_fail': ['tlog-invalid', 'checkpoint not signed by the log'],
  'rekor2-checkpoint-missing-origin_fail': ['tlog-invalid', 'checkpoint without origin'],
  'rekor2-checkpoint-missing-size_fail': ['tlog-invalid', 'checkpoint without size'],
  'rekor2-checkpoint-no-matching-signature_fail': ['tlog-invalid', 'no checkpoint signature from a trusted log'],
  'rekor2-dsse-mismatch-envelope_fail': ['tlog-invalid', 'Rekor v2 entry is for another envelope'],
  'rekor2-dsse-mismatch-sig_fail': ['tlog-invalid', 'Rekor v2 entry is for another signature'],
  'rekor2-no-timestamp_fail': ['timestamp-invalid', 'Rekor v2 has no integrated time and no TSA timestamp is there'],
  'rekor2-timestamp-outside-trust-root-tsa-validity_fail': ['timestamp-invalid', 'TSA not valid at that time'],
  'rekor2-timestamp-payload-mismatch_fail': ['timestamp-invalid', 'timestamp is over other bytes'],
  'rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail': ['timestamp-invalid', 'TSA not in the trusted root'],
  'rekor2-timestamp-with-incorrect-time_fail': ['certificate-expired', 'timestamp outside the certificate validity'],
  'set-invalid-signature_fail': ['tlog-invalid', 'SET signature is wrong'],
  'trust-root-tlog-missing-validity-start_fail': ['tlog-invalid', 'custody drops a log key without validFor.start, so nothing vouches for the entry'],
  'wrong-hashedrekord-artifact_fail': ['tlog-invalid', 'the logged hashedrekord is for another artifact'],
  'wrong-hashedrekord-entry_fail': ['tlog-invalid', 'the logged hashedrekord is for another entry'],
  'wrong-material_fail': ['subject-mismatch', 'the artifact is not what was signed'],
};

describe('sigstore-conformance _fail cases fail', () => {
  const cases = caseDirs('invalid/sigstore-conformance');
  it('has the cases the corpus promises, each with an expected code', () => {
    expect(cases.length).toBe(33);
    expect(cases.filter((c) => !(c in FAIL_CASES) && c !== 'managed-key-wrong-key_fail')).toEqual([]);
  });
  it.each(Object.entries(FAIL_CASES))('%s', async (name, [code, why]) => {
    const verdict = await runCase(corpus('invalid/sigstore-conformance', name));
    expect(verdict, why).toMatchObject({ verified: false, code });
  });
  it('managed-key-wrong-key_fail: the "wrong key" is broken PEM, refused when trust material loads', async () => {
    await expect(runCase(corpus('invalid/sigstore-conformance/managed-key-wrong-key_fail'))).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });
  it('trust-root-tlog-missing-validity-start_fail: the trusted root warning names the log', async () => {
    const trust = await loadTrustMaterial({
      trustedRoots: [corpus('invalid/sigstore-conformance/trust-root-tlog-missing-validity-start_fail/trusted_root.json')],
    });
    expect(trust.warnings.join('\n')).toMatch(/tlogs\[1\].*no validFor.start/);
  });
});
