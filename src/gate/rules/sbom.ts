import type { GateEvidence, GateInput } from '../evidence.js';
import type { SbomRule } from '../policy/types.js';
import { resultFor, type RuleResult } from './result.js';
import { describeTarget, elsewhere, scopeTargets, type Target } from './targets.js';

/**
 * An SBOM for each target of the scope (every platform manifest, or the
 * index): valid, in one of the accepted formats, with enough components.
 * SBOMs inside in-toto attestations (BuildKit, `cosign attest --type
 * spdxjson`) count as their predicate's format.
 */
export function evaluateSbom(input: GateInput, rule: SbomRule): RuleResult[] {
  const sboms = input.evidence.filter((e) => e.facts.sbom);
  return scopeTargets(input.subject, rule.scope).map((target) =>
    judgeTarget(
      target,
      sboms.filter((e) => e.about.includes(target.digest)),
      rule,
      elsewhere(sboms, target, input.subject.digest),
    ),
  );
}

function judgeTarget(target: Target, candidates: GateEvidence[], rule: SbomRule, hint: string): RuleResult {
  const checks = candidates.map((e) => ({ evidence: e, problem: problemOf(e, rule) }));
  const good = checks.find((c) => c.problem === undefined);
  const details = {
    scope: rule.scope,
    formats: rule.formats,
    minComponents: rule.minComponents,
    candidates: checks.map((c) => ({
      evidence: c.evidence.id,
      format: c.evidence.facts.sbom!.format,
      components: c.evidence.facts.sbom!.componentCount,
      problem: c.problem ?? null,
    })),
  };
  const result = resultFor('sbom', rule.mode, target, details);
  if (good) {
    const sbom = good.evidence.facts.sbom!;
    return result(
      true,
      `${sbom.format} SBOM with ${sbom.componentCount} component(s)${sbom.via === 'attestation' ? ' (in-toto attestation)' : ''}: ${good.evidence.id}`,
    );
  }
  if (checks.length === 0) return result(false, `no SBOM for ${describeTarget(target)}${rule.scope === 'index' ? ' attached to the index' : ''}${hint}`);
  return result(
    false,
    `no acceptable SBOM for ${describeTarget(target)}: ${checks[0]!.evidence.id} ${checks[0]!.problem!}${checks.length > 1 ? ` (and ${checks.length - 1} more rejected)` : ''}`,
  );
}

function problemOf(evidence: GateEvidence, rule: SbomRule): string | undefined {
  const sbom = evidence.facts.sbom!;
  if (evidence.facts.errors.length > 0) return `could not be read: ${evidence.facts.errors[0]}`;
  if (sbom.via === 'document' && evidence.format === 'unknown') return `is ${sbom.format}, a format this build cannot validate`;
  if (!evidence.valid) return `is invalid: ${evidence.problems[0]?.message ?? 'rejected by the normaliser'}`;
  if (!(rule.formats as string[]).includes(sbom.format)) return `is ${sbom.format}, not one of ${rule.formats.join(', ')}`;
  if (sbom.componentCount < rule.minComponents) return `has ${sbom.componentCount} component(s), fewer than ${rule.minComponents}`;
  return undefined;
}
