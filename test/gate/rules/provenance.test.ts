import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/gate/evaluate.js';
import type { ProvenanceFacts } from '../../../src/gate/facts/provenance.js';
import type { ProvenanceRule } from '../../../src/gate/policy/types.js';
import { compilePattern } from '../../../src/lib/pattern.js';
import { AMD64, ARM64, evidence, input, KEY_SIGNERS, NOW, policyWith, rejected, singleImage, SINGLE, twoPlatformIndex, verified } from '../helpers/evidence.js';

const V1 = 'https://slsa.dev/provenance/v1';
const rule = (extra: Partial<ProvenanceRule> = {}): ProvenanceRule => ({
  mode: 'enforce',
  predicateTypes: [V1],
  builderIdRegexp: compilePattern('^https://github.com/slsa-framework/'),
  sourceRepositoryRegexp: compilePattern('^https://github.com/acme/'),
  scope: 'index',
  signers: KEY_SIGNERS,
  ...extra,
});
const facts = (extra: Partial<ProvenanceFacts> = {}): ProvenanceFacts => ({
  predicateType: V1,
  slsaVersion: 'v1',
  builderId: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0',
  sourceRepository: 'https://github.com/acme/app',
  sourceField: 'externalParameters.workflow.repository',
  ...extra,
});
const attestation = (digests: string[], p: ProvenanceFacts, verdicts = digests.map((d) => verified(d)), signed = true) =>
  evidence(
    digests,
    {
      provenance: p,
      statement: { predicateType: p.predicateType, subjects: digests, predicate: {}, wrapping: signed ? 'dsse' : 'bare' },
      ...(signed ? { signed: { format: 'dsse' as const, purpose: 'attestation' as const, claims: digests } } : {}),
    },
    { kind: 'attestation', format: 'dsse', verdicts: signed ? { provenance: verdicts } : {} },
  );

describe('provenance rule', () => {
  it('passes with a verified SLSA v1 attestation from the right builder and repository', () => {
    const result = evaluate(input(singleImage(), [attestation([SINGLE], facts())]), policyWith({ provenance: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({
      rule: 'provenance',
      status: 'pass',
      reason: expect.stringMatching(/^SLSA v1 provenance by https:\/\/github.com\/slsa-framework\/.* from https:\/\/github.com\/acme\/app, signed by key/),
    });
  });

  it('fails when there is none', () => {
    const result = evaluate(input(singleImage(), []), policyWith({ provenance: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^no provenance attestation for the image/) });
  });

  it('fails for an unsigned in-toto statement (BuildKit attestations are unsigned)', () => {
    const result = evaluate(input(singleImage(), [attestation([SINGLE], facts(), [], false)]), policyWith({ provenance: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/unsigned in-toto statement/) });
  });

  it('fails when the signature does not verify with the policy signers, with the verdict code', () => {
    const bad = attestation([SINGLE], facts(), [rejected(SINGLE, 'signature-invalid', 'in-toto attestation does not verify with any of the 1 trusted key(s)')]);
    const result = evaluate(input(singleImage(), [bad]), policyWith({ provenance: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/does not verify: signature-invalid/) });
  });

  it('fails for a builder the policy does not accept', () => {
    const other = attestation([SINGLE], facts({ builderId: 'https://evil.example/builder' }));
    const result = evaluate(input(singleImage(), [other]), policyWith({ provenance: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/builder https:\/\/evil.example\/builder does not match/) });
  });

  it('fails for a source repository the policy does not accept', () => {
    const other = attestation([SINGLE], facts({ sourceRepository: 'https://github.com/mallory/app' }));
    const result = evaluate(input(singleImage(), [other]), policyWith({ provenance: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/source repository https:\/\/github.com\/mallory\/app .* does not match/) });
  });

  it('fails for a predicate type outside the list (SLSA v0.2 when only v1 is accepted)', () => {
    const old = attestation([SINGLE], facts({ predicateType: 'https://slsa.dev/provenance/v0.2', slsaVersion: 'v0.2' }));
    const result = evaluate(input(singleImage(), [old]), policyWith({ provenance: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/is https:\/\/slsa.dev\/provenance\/v0.2, not one of/) });
  });

  it('reports the candidate that got furthest', () => {
    const items = [attestation([SINGLE], facts(), [], false), attestation([SINGLE], facts({ builderId: 'https://evil.example/b' }))];
    const result = evaluate(input(singleImage(), items), policyWith({ provenance: rule() }), NOW).results[0]!;
    expect(result.reason).toMatch(/builder https:\/\/evil.example\/b/);
  });

  it('scope every-platform judges each platform manifest', () => {
    const result = evaluate(input(twoPlatformIndex(), [attestation([AMD64], facts())]), policyWith({ provenance: rule({ scope: 'every-platform' }) }), NOW);
    expect(result.results.map((r) => [r.platform, r.digest, r.status])).toEqual([
      ['linux/amd64', AMD64, 'pass'],
      ['linux/arm64', ARM64, 'fail'],
    ]);
  });

  it('a rule that cannot be evaluated is an error that blocks the release, never a pass', () => {
    // loadPolicy refuses a pattern RE2 cannot compile; a matcher that throws anyway must fail closed.
    const broken = {
      source: '(',
      test: (): boolean => {
        throw new Error('missing closing )');
      },
    };
    const decision = evaluate(input(singleImage(), [attestation([SINGLE], facts())]), policyWith({ provenance: rule({ builderIdRegexp: broken }) }), NOW);
    expect(decision.pass).toBe(false);
    expect(decision.results).toEqual([
      expect.objectContaining({
        rule: 'provenance',
        mode: 'enforce',
        status: 'error',
        reason: expect.stringMatching(/^could not be evaluated: missing closing \)/),
      }),
    ]);
  });
});
