import { describe, expect, it } from 'vitest';
import { collect, openSource } from '../../src/collect/index.js';
import { CustodyError } from '../../src/errors.js';
import { gateLive } from '../../src/gate/sources/live.js';
import { GITHUB_ISSUER, PUBLIC_GOOD_ROOT, SLSA_IDENTITY, SLSA_IMAGE, SLSA_LAYOUT } from './helpers/corpus.js';
import { buildImage } from './helpers/image.js';
import { BUILDER, FULL_POLICY, policyFrom, SOURCE_LABEL } from './helpers/policy-files.js';
import { makeKey } from './helpers/signing.js';

const summary = (results: { rule: string; platform?: string; status: string }[]) =>
  results.map((r) => `${r.rule}${r.platform ? `[${r.platform}]` : ''}=${r.status}`);

describe('gateLive', () => {
  it('with an in-memory collector test double: a compliant two-platform image passes every rule', async () => {
    const key = makeKey();
    const policy = await policyFrom(FULL_POLICY, { 'release.pub': key.publicPem });
    const { collected } = buildImage({
      repository: 'ghcr.io/acme/app',
      signer: key.privateKey,
      platforms: [
        { architecture: 'amd64', user: '65532', labels: SOURCE_LABEL, sbom: true },
        { architecture: 'arm64', user: '65532', labels: SOURCE_LABEL, sbom: true },
      ],
      provenance: { builderId: BUILDER, repository: 'https://github.com/acme/app' },
      findings: [
        { id: 'CVE-2026-1000', severity: 'HIGH' },
        { id: 'CVE-2024-0001', severity: 'CRITICAL' },
      ],
    });
    const report = await gateLive(collected.subject.ref, policy, async () => collected);
    expect(report.outcome, JSON.stringify(report.results, null, 1)).toBe('pass');
    expect(summary(report.results)).toEqual([
      'signature=pass',
      'sbom[linux/amd64]=pass',
      'sbom[linux/arm64]=pass',
      'provenance=pass',
      'scan=pass',
      'image[linux/amd64]=pass',
      'image[linux/arm64]=pass',
    ]);
    expect(report.results.find((r) => r.rule === 'scan')!.reason).toMatch(/1 allowed/);
  });

  it('with an in-memory collector test double: each broken rule fails with its reason', async () => {
    const key = makeKey();
    const policy = await policyFrom(FULL_POLICY, { 'release.pub': key.publicPem });
    const { collected } = buildImage({
      repository: 'ghcr.io/acme/app',
      signer: makeKey().privateKey, // not the policy's key
      platforms: [
        { architecture: 'amd64', user: '65532', labels: SOURCE_LABEL, sbom: true },
        { architecture: 'arm64', user: '0:0', labels: {}, sbom: false },
      ],
      provenance: { builderId: BUILDER, repository: 'https://github.com/acme/app' },
      findings: [{ id: 'CVE-2026-2000', severity: 'CRITICAL' }],
      vex: ['CVE-2026-2000'], // signed by the wrong key too: not applied
    });
    const report = await gateLive(collected.subject.ref, policy, async () => collected);
    expect(report.outcome).toBe('fail');
    expect(summary(report.results)).toEqual([
      'signature=fail',
      'sbom[linux/amd64]=pass',
      'sbom[linux/arm64]=fail',
      'provenance=fail',
      'scan=fail',
      'image[linux/amd64]=pass',
      'image[linux/arm64]=fail',
    ]);
    const reason = (rule: string, platform?: string) => report.results.find((r) => r.rule === rule && r.platform === platform)!.reason;
    expect(reason('signature')).toMatch(/none verified by the policy's signers; untrusted-key/);
    expect(reason('sbom', 'linux/arm64')).toMatch(/^no SBOM for linux\/arm64/);
    expect(reason('provenance')).toMatch(/does not verify: untrusted-key/);
    expect(reason('scan')).toMatch(/CVE-2026-2000 \(CRITICAL.*1 VEX document\(s\) not applied/);
    expect(reason('image', 'linux/arm64')).toMatch(/runs as root \(User "0:0"\); missing label org.opencontainers.image.source/);
  });

  it('with an in-memory collector test double: a CRITICAL finding is suppressed by a VEX statement the policy key signed', async () => {
    const key = makeKey();
    const policy = await policyFrom(
      `apiVersion: custody/v1\nkind: Policy\nrules:\n  scan: {mode: enforce, maxAgeDays: 1, failOn: CRITICAL, vex: {keys: [keys/vex.pub]}}\n`,
      { 'vex.pub': key.publicPem },
    );
    const built = buildImage({
      repository: 'ghcr.io/acme/app',
      signer: key.privateKey,
      platforms: [{ architecture: 'amd64', user: '1' }],
      findings: [{ id: 'CVE-2026-3000', severity: 'CRITICAL' }],
      vex: ['CVE-2026-3000'],
      signature: false,
    });
    const report = await gateLive(built.collected.subject.ref, policy, async () => built.collected);
    expect(report.results).toEqual([expect.objectContaining({ rule: 'scan', status: 'pass', reason: expect.stringMatching(/1 suppressed by verified VEX/) })]);
  });

  it('a collector that cannot reach the registry: outcome unobtainable, never a pass (fake collector throwing NETWORK)', async () => {
    const policy = await policyFrom(FULL_POLICY, { 'release.pub': makeKey().publicPem });
    const report = await gateLive('registry.example.com/acme/app:1.0', policy, async () => {
      throw new CustodyError('NETWORK', 'registry.example.com: connect ECONNREFUSED 127.0.0.1:443 (after 3 attempts)');
    });
    expect(report).toMatchObject({ outcome: 'unobtainable', pass: false });
    expect(report.results).toEqual([
      expect.objectContaining({
        rule: 'evidence',
        status: 'error',
        reason: expect.stringMatching(/could not be obtained \(NETWORK\): registry.example.com: connect ECONNREFUSED/),
      }),
    ]);
  });

  it('a bad reference is bad usage (thrown), not an unobtainable image', async () => {
    const policy = await policyFrom(FULL_POLICY, { 'release.pub': makeKey().publicPem });
    await expect(gateLive('Not A Reference', policy, async () => ({}) as never)).rejects.toMatchObject({ code: 'INVALID_REFERENCE' });
  });

  it('with the real collector on the real cosign-saved layout of slsa-verifier: keyless SLSA provenance verifies offline', async () => {
    const policyText = (identity: string) => `apiVersion: custody/v1
kind: Policy
rules:
  provenance:
    mode: enforce
    predicateTypes: [https://slsa.dev/provenance/v0.2]
    builderIdRegexp: ^https://github.com/slsa-framework/slsa-github-generator/
    sourceRepositoryRegexp: ^https://github.com/slsa-framework/example-package$
    trustedRoots: [${PUBLIC_GOOD_ROOT}]
    keyless: [{identity: "${identity}", issuer: ${GITHUB_ISSUER}}]
  image: {mode: warn, nonRoot: true}
`;
    const collector = async (ref: Parameters<typeof openSource>[0]) => {
      const source = openSource(ref);
      try {
        return await collect(source, ref);
      } finally {
        await source.close();
      }
    };
    const ref = `oci:${SLSA_LAYOUT}@${SLSA_IMAGE}`;
    const good = await gateLive(ref, await policyFrom(policyText(SLSA_IDENTITY)), collector);
    expect(good.outcome, JSON.stringify(good.results, null, 1)).toBe('pass');
    expect(good.results[0]).toMatchObject({
      rule: 'provenance',
      status: 'pass',
      reason: expect.stringMatching(
        /^SLSA v0.2 provenance by .* from https:\/\/github.com\/slsa-framework\/example-package, signed by https:\/\/github.com\/slsa-framework\//,
      ),
    });
    // The image runs as root (User "0"): a warning, not a failure.
    expect(good.results[1]).toMatchObject({ rule: 'image', mode: 'warn', status: 'warn', reason: expect.stringMatching(/runs as root \(User "0"\)/) });

    const wrong = await gateLive(ref, await policyFrom(policyText(SLSA_IDENTITY.replace('v2.1.0', 'v2.0.0'))), collector);
    expect(wrong.outcome).toBe('fail');
    expect(wrong.results[0]!.reason).toMatch(/does not verify: identity-mismatch: .*certificate identity .*v2\.1\.0 does not match .*v2\.0\.0/);
  });
});
