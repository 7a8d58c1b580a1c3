import type { Mode, RuleName } from '../policy/types.js';

/** pass; fail (an enforced rule not met); warn (a warn-mode rule not met); error (the rule could not be judged). */
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error';

/** Rules of the policy, plus the gate's own checks that come before them. */
export type ResultRule = RuleName | 'bundle' | 'evidence';

export interface RuleResult {
  rule: ResultRule;
  mode: Mode;
  status: RuleStatus;
  /** For per-platform rules: `linux/amd64` (or the manifest digest when the index names no platform). */
  platform?: string;
  /** The image digest judged: the index, a platform manifest, or the single image. */
  digest?: string;
  /** One line a person understands. */
  reason: string;
  details: Record<string, unknown>;
}

/** pass, or fail/warn by mode. */
export function judged(mode: Mode, ok: boolean): RuleStatus {
  if (ok) return 'pass';
  return mode === 'warn' ? 'warn' : 'fail';
}

/** A rule that blocks the release: enforced and not passed. */
export function blocks(result: RuleResult): boolean {
  return result.mode === 'enforce' && (result.status === 'fail' || result.status === 'error');
}

/** `sha256:0123456789ab…` for reasons; the full digest stays in `digest`. */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

/** The result maker of a rule judged per target (an image digest, maybe a platform). */
export function resultFor(
  rule: RuleName,
  mode: Mode,
  target: { digest: string; platform?: string },
  details: Record<string, unknown>,
): (ok: boolean, reason: string) => RuleResult {
  return (ok, reason) => ({
    rule,
    mode,
    status: judged(mode, ok),
    ...(target.platform ? { platform: target.platform } : {}),
    digest: target.digest,
    reason,
    details,
  });
}
