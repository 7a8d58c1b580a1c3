import type { GateEvidence, GateInput } from '../evidence.js';
import { runsAsRoot } from '../facts/image-config.js';
import type { ImageRule } from '../policy/types.js';
import { judged, type RuleResult } from './result.js';
import { describeTarget, scopeTargets, type Target } from './targets.js';

/**
 * The image configuration of every platform (a config belongs to a platform
 * manifest, so this rule always judges each one): a non-root `User` and the
 * required labels, present and not empty. No config, no pass.
 */
export function evaluateImage(input: GateInput, rule: ImageRule): RuleResult[] {
  const configs = input.evidence.filter((e) => e.facts.config !== undefined);
  return scopeTargets(input.subject, 'every-platform').map((target) =>
    judgeTarget(
      target,
      configs.filter((e) => e.about.includes(target.digest)),
      rule,
    ),
  );
}

function judgeTarget(target: Target, configs: GateEvidence[], rule: ImageRule): RuleResult {
  const base = { rule: 'image' as const, mode: rule.mode, ...(target.platform ? { platform: target.platform } : {}), digest: target.digest };
  const config = configs.find((e) => e.facts.errors.length === 0);
  if (!config) {
    return {
      ...base,
      status: judged(rule.mode, false),
      reason: `image config of ${describeTarget(target)} is not available (gate the registry reference, or archive with discovery so the config is kept)`,
      details: { nonRoot: rule.nonRoot, requiredLabels: rule.requiredLabels },
    };
  }
  const facts = config.facts.config!;
  const problems: string[] = [];
  if (rule.nonRoot && runsAsRoot(facts.user)) problems.push(facts.user.trim() === '' ? 'runs as root (no User set)' : `runs as root (User "${facts.user}")`);
  const missing = rule.requiredLabels.filter((label) => (facts.labels[label] ?? '').trim() === '');
  if (missing.length > 0) problems.push(`missing label${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  const details = {
    config: config.id,
    user: facts.user,
    labels: facts.labels,
    nonRoot: rule.nonRoot,
    requiredLabels: rule.requiredLabels,
    missingLabels: missing,
  };
  if (problems.length > 0) return { ...base, status: judged(rule.mode, false), reason: `${describeTarget(target)} ${problems.join('; ')}`, details };
  const parts = [
    rule.nonRoot ? `runs as user "${facts.user}"` : '',
    rule.requiredLabels.length > 0 ? `has label${rule.requiredLabels.length === 1 ? '' : 's'} ${rule.requiredLabels.join(', ')}` : '',
  ].filter(Boolean);
  return { ...base, status: 'pass', reason: parts.join('; '), details };
}
