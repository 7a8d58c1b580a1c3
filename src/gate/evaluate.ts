import type { GateInput } from './evidence.js';
import { RULE_NAMES, type Policy, type RuleName } from './policy/types.js';
import { evaluateImage } from './rules/image.js';
import { evaluateProvenance } from './rules/provenance.js';
import { blocks, type RuleResult } from './rules/result.js';
import { evaluateSbom } from './rules/sbom.js';
import { evaluateScan } from './rules/scan.js';
import { evaluateSignature } from './rules/signature.js';

export interface Decision {
  /** True when no enforced rule failed or errored (warnings allowed). */
  pass: boolean;
  results: RuleResult[];
}

/**
 * Decide a release: a pure function of the evidence (already read and
 * re-verified), the policy and the time. A rule that throws is an error
 * result, never a pass.
 */
export function evaluate(input: GateInput, policy: Policy, now: Date): Decision {
  const results: RuleResult[] = [];
  for (const name of RULE_NAMES) {
    const mode = policy.rules[name]?.mode;
    if (!mode) continue;
    try {
      results.push(...evaluateRule(name, input, policy, now));
    } catch (err) {
      results.push({ rule: name, mode, status: 'error', reason: `could not be evaluated: ${err instanceof Error ? err.message : String(err)}`, details: {} });
    }
  }
  return { pass: !results.some(blocks), results };
}

function evaluateRule(name: RuleName, input: GateInput, policy: Policy, now: Date): RuleResult[] {
  switch (name) {
    case 'signature':
      return evaluateSignature(input, policy.rules.signature!);
    case 'sbom':
      return evaluateSbom(input, policy.rules.sbom!);
    case 'provenance':
      return evaluateProvenance(input, policy.rules.provenance!);
    case 'scan':
      return evaluateScan(input, policy.rules.scan!, now);
    case 'image':
      return evaluateImage(input, policy.rules.image!);
  }
}
