import type { Subject } from '../types.js';
import type { Policy, RuleName } from './policy/types.js';
import { blocks, type RuleResult } from './rules/result.js';
import { platformText } from './rules/targets.js';

/** pass: exit 0. fail: an enforced rule failed (exit 1). unobtainable: the evidence could not be had (exit 3). */
export type Outcome = 'pass' | 'fail' | 'unobtainable';

/** What `custody gate` reports, in every output format. */
export interface GateReport {
  outcome: Outcome;
  pass: boolean;
  subject: { ref: string; digest: string | null; platforms: { digest: string; platform?: string }[] };
  source: { type: 'bundle' | 'live'; location: string };
  /** `lines`: where each rule starts in the policy file (SARIF points there). */
  policy: { path: string; name?: string; lines: Partial<Record<RuleName, number>> };
  evaluatedAt: string;
  results: RuleResult[];
  warnings: string[];
}

export interface ReportParts {
  source: GateReport['source'];
  policy: Policy;
  now: Date;
  subject?: Subject;
  ref: string;
  results: RuleResult[];
  warnings?: string[];
  unobtainable?: boolean;
}

export function buildReport(parts: ReportParts): GateReport {
  const pass = !parts.unobtainable && !parts.results.some(blocks) && parts.results.length > 0;
  const outcome: Outcome = parts.unobtainable ? 'unobtainable' : pass ? 'pass' : 'fail';
  const policy: GateReport['policy'] = { path: parts.policy.path, lines: parts.policy.lines };
  if (parts.policy.name) policy.name = parts.policy.name;
  return {
    outcome,
    pass,
    subject: {
      ref: parts.subject?.ref ?? parts.ref,
      digest: parts.subject?.digest ?? null,
      platforms: (parts.subject?.platforms ?? []).map((p) => {
        const text = platformText(p.platform);
        return text ? { digest: p.digest, platform: text } : { digest: p.digest };
      }),
    },
    source: parts.source,
    policy,
    evaluatedAt: parts.now.toISOString(),
    results: parts.results,
    warnings: [...parts.policy.warnings, ...(parts.warnings ?? [])],
  };
}

/** The result to name on stderr: the first that blocks the release. */
export function firstBlocking(report: GateReport): RuleResult | undefined {
  return report.results.find(blocks);
}

/** `ghcr.io/acme/app@sha256:…` for headings. */
export function subjectText(report: GateReport): string {
  const { ref, digest } = report.subject;
  return digest && !ref.includes('@') ? `${ref}@${digest}` : ref;
}
