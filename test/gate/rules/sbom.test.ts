import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/gate/evaluate.js';
import type { SbomRule } from '../../../src/gate/policy/types.js';
import { AMD64, ARM64, evidence, INDEX, input, NOW, policyWith, singleImage, SINGLE, twoPlatformIndex } from '../helpers/evidence.js';

const rule = (extra: Partial<SbomRule> = {}): SbomRule => ({
  mode: 'enforce',
  formats: ['spdx', 'cyclonedx'],
  minComponents: 1,
  scope: 'every-platform',
  ...extra,
});
const sbom = (about: string[], format: 'spdx' | 'cyclonedx' | 'syft', count: number, extra = {}) =>
  evidence(about, { sbom: { format, componentCount: count, via: 'document' } }, { kind: 'sbom', format, ...extra });

describe('sbom rule', () => {
  it('passes for a single-platform image with a valid SPDX SBOM (both scopes mean the image)', () => {
    for (const scope of ['every-platform', 'index'] as const) {
      const decision = evaluate(input(singleImage(), [sbom([SINGLE], 'spdx', 12)]), policyWith({ sbom: rule({ scope }) }), NOW);
      expect(decision.pass).toBe(true);
      expect(decision.results).toHaveLength(1);
      expect(decision.results[0]).toMatchObject({
        rule: 'sbom',
        status: 'pass',
        digest: SINGLE,
        reason: expect.stringMatching(/^spdx SBOM with 12 component/),
      });
    }
  });

  it('fails for the one platform of a two-platform index that lacks an SBOM, and names it', () => {
    const decision = evaluate(input(twoPlatformIndex(), [sbom([AMD64], 'spdx', 40)]), policyWith({ sbom: rule() }), NOW);
    expect(decision.pass).toBe(false);
    expect(decision.results.map((r) => [r.platform, r.status])).toEqual([
      ['linux/amd64', 'pass'],
      ['linux/arm64', 'fail'],
    ]);
    expect(decision.results[1]).toMatchObject({ digest: ARM64, reason: expect.stringMatching(/^no SBOM for linux\/arm64 \(sha256:/) });
  });

  it('scope index demands an SBOM attached to the index itself', () => {
    const perPlatform = [sbom([AMD64], 'spdx', 4), sbom([ARM64], 'spdx', 4)];
    const failing = evaluate(input(twoPlatformIndex(), perPlatform), policyWith({ sbom: rule({ scope: 'index' }) }), NOW);
    expect(failing.results).toEqual([expect.objectContaining({ status: 'fail', digest: INDEX, reason: expect.stringMatching(/attached to the index/) })]);
    const passing = evaluate(input(twoPlatformIndex(), [sbom([INDEX], 'cyclonedx', 4)]), policyWith({ sbom: rule({ scope: 'index' }) }), NOW);
    expect(passing.pass).toBe(true);
  });

  it('rejects an SBOM in a format the policy does not list', () => {
    const result = evaluate(input(singleImage(), [sbom([SINGLE], 'syft', 30)]), policyWith({ sbom: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/is syft, not one of spdx, cyclonedx/) });
  });

  it('rejects an SBOM with too few components', () => {
    const result = evaluate(input(singleImage(), [sbom([SINGLE], 'spdx', 0)]), policyWith({ sbom: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/has 0 component\(s\), fewer than 1/) });
  });

  it('rejects an SBOM the normaliser found invalid, with its first problem', () => {
    const bad = sbom([SINGLE], 'spdx', 3, { valid: false, problems: [{ code: 'schema-required', path: '/dataLicense', message: '/dataLicense is required' }] });
    const result = evaluate(input(singleImage(), [bad]), policyWith({ sbom: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/is invalid: \/dataLicense is required/) });
  });

  it('accepts an SBOM that arrived as an in-toto attestation (BuildKit)', () => {
    const att = evidence(
      [AMD64],
      { sbom: { format: 'spdx', componentCount: 9, via: 'attestation', predicateType: 'https://spdx.dev/Document' } },
      { kind: 'attestation', format: 'in-toto' },
    );
    const result = evaluate(input(twoPlatformIndex(), [att]), policyWith({ sbom: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'pass', platform: 'linux/amd64', reason: expect.stringMatching(/in-toto attestation/) });
  });
});
