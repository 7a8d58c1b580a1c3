import { clip } from '../../lib/pattern.js';
import type { GateEvidence, GateInput } from '../evidence.js';
import type { ProvenanceRule } from '../policy/types.js';
import { describeFailure, describeIdentity } from './identity.js';
import { resultFor, type RuleResult } from './result.js';
import { describeTarget, elsewhere, scopeTargets, type Target } from './targets.js';

/** Checks in the order a person would ask them; a candidate is judged by how far it gets. */
const STEPS = ['valid', 'predicateType', 'signed', 'verified', 'builderId', 'sourceRepository'] as const;
type Step = (typeof STEPS)[number];

interface Check {
  evidence: GateEvidence;
  failed?: { step: Step; reason: string };
}

/**
 * A verified SLSA provenance attestation for each target of the scope: of a
 * listed predicate type, signed by the policy's signers (re-verified against
 * the target digest), with a builder id and source repository matching the
 * policy's RE2 regexps (searched, like cosign's: anchor them with ^…$).
 */
export function evaluateProvenance(input: GateInput, rule: ProvenanceRule): RuleResult[] {
  const attestations = input.evidence.filter((e) => e.facts.provenance);
  return scopeTargets(input.subject, rule.scope).map((target) =>
    judgeTarget(
      target,
      attestations.filter((e) => e.about.includes(target.digest) || e.facts.statement?.subjects.includes(target.digest)),
      rule,
      elsewhere(attestations, target, input.subject.digest),
    ),
  );
}

function judgeTarget(target: Target, candidates: GateEvidence[], rule: ProvenanceRule, hint: string): RuleResult {
  const checks: Check[] = candidates.map((evidence) => {
    const failed = checkCandidate(evidence, target, rule);
    return failed ? { evidence, failed } : { evidence };
  });
  const good = checks.find((c) => !c.failed);
  const details = {
    scope: rule.scope,
    predicateTypes: rule.predicateTypes,
    builderIdRegexp: rule.builderIdRegexp?.source ?? null,
    sourceRepositoryRegexp: rule.sourceRepositoryRegexp?.source ?? null,
    candidates: checks.map((c) => {
      const p = c.evidence.facts.provenance!;
      return {
        evidence: c.evidence.id,
        predicateType: p.predicateType,
        builderId: p.builderId !== undefined ? clip(p.builderId) : null,
        sourceRepository: p.sourceRepository !== undefined ? clip(p.sourceRepository) : null,
        failedAt: c.failed?.step ?? null,
        problem: c.failed?.reason ?? null,
      };
    }),
  };
  const result = resultFor('provenance', rule.mode, target, details);
  if (good) {
    const p = good.evidence.facts.provenance!;
    const verdict = good.evidence.verdicts.provenance!.find((v) => v.digest === target.digest && v.verified)!;
    return result(
      true,
      `SLSA ${p.slsaVersion} provenance by ${p.builderId !== undefined ? clip(p.builderId) : 'an unnamed builder'}${p.sourceRepository ? ` from ${clip(p.sourceRepository)}` : ''}, signed by ${describeIdentity(verdict.identity)}`,
    );
  }
  if (checks.length === 0) return result(false, `no provenance attestation for ${describeTarget(target)}${hint}`);
  // The candidate that got furthest tells the most.
  const furthest = checks.reduce((a, b) => (STEPS.indexOf(b.failed!.step) > STEPS.indexOf(a.failed!.step) ? b : a));
  return result(false, `no acceptable provenance for ${describeTarget(target)}: ${furthest.failed!.reason}`);
}

function checkCandidate(evidence: GateEvidence, target: Target, rule: ProvenanceRule): Check['failed'] {
  const p = evidence.facts.provenance!;
  if (!evidence.valid) return { step: 'valid', reason: `${evidence.id} is invalid: ${evidence.problems[0]?.message ?? 'rejected by the normaliser'}` };
  if (!rule.predicateTypes.includes(p.predicateType)) {
    return { step: 'predicateType', reason: `${evidence.id} is ${p.predicateType}, not one of ${rule.predicateTypes.join(', ')}` };
  }
  if (!evidence.facts.signed) return { step: 'signed', reason: `${evidence.id} is an unsigned in-toto statement: nothing proves who made it` };
  const verdicts = (evidence.verdicts.provenance ?? []).filter((v) => v.digest === target.digest);
  const verified = verdicts.find((v) => v.verified);
  if (!verified) {
    const telling = verdicts.find((v) => v.code !== 'no-trust-material') ?? verdicts[0];
    return { step: 'verified', reason: `${evidence.id} does not verify: ${telling ? describeFailure(telling) : `it is not about ${target.digest}`}` };
  }
  if (rule.builderIdRegexp !== undefined) {
    if (!p.builderId) return { step: 'builderId', reason: `${evidence.id} names no builder id` };
    if (!rule.builderIdRegexp.test(p.builderId))
      return { step: 'builderId', reason: `builder ${clip(p.builderId)} does not match /${rule.builderIdRegexp.source}/` };
  }
  if (rule.sourceRepositoryRegexp !== undefined) {
    if (!p.sourceRepository) return { step: 'sourceRepository', reason: `${evidence.id} names no source repository` };
    if (!rule.sourceRepositoryRegexp.test(p.sourceRepository)) {
      return {
        step: 'sourceRepository',
        reason: `source repository ${clip(p.sourceRepository)} (${p.sourceField}) does not match /${rule.sourceRepositoryRegexp.source}/`,
      };
    }
  }
  return undefined;
}
