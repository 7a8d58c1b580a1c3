import type { RuleResult, RuleStatus } from '../rules/result.js';

const RANK: Record<RuleStatus, number> = { fail: 0, error: 1, warn: 2, pass: 3 };

/** Failures first, then errors, warnings, passes; the policy's order within each. */
export function failuresFirst(results: readonly RuleResult[]): RuleResult[] {
  return results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => RANK[a.result.status] - RANK[b.result.status] || a.index - b.index)
    .map(({ result }) => result);
}

/** `scan` or `scan [linux/arm64]`: the name of one result. */
export function resultName(result: RuleResult): string {
  return result.platform ? `${result.rule} [${result.platform}]` : result.rule;
}
