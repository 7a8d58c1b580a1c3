import type { GateEvidence, GateInput, TargetVerdict } from '../evidence.js';
import type { SignatureRule } from '../policy/types.js';
import { failingSignatures } from '../../trust/verdict.js';
import { describeFailure, describeIdentity } from './identity.js';
import { judged, shortDigest, type RuleResult } from './result.js';

/**
 * At least one signature over the image digest (the index for a
 * multi-platform image: what `cosign sign` signs) that verifies with the
 * policy's keys or keyless identities. Verdicts come from re-verifying the
 * bytes, never from a stored verdict.
 */
export function evaluateSignature(input: GateInput, rule: SignatureRule): RuleResult[] {
  const digest = input.subject.digest;
  const signatures = input.evidence.filter((e) => e.facts.signed?.purpose === 'signature');
  const result = (ok: boolean, reason: string, details: Record<string, unknown>): RuleResult[] => [
    { rule: 'signature', mode: rule.mode, status: judged(rule.mode, ok), digest, reason, details },
  ];
  const checked = signatures.map((e) => ({ evidence: e, verdicts: e.verdicts.signature ?? [] }));
  const details = { signatures: checked.map(({ evidence, verdicts }) => summarize(evidence, verdicts)) };
  if (signatures.length === 0) return result(false, `no signature found for ${shortDigest(digest)}`, details);

  const forImage = checked.flatMap(({ evidence, verdicts }) => verdicts.filter((v) => v.digest === digest).map((v) => ({ evidence, verdict: v })));
  const good = forImage.find(({ verdict }) => verdict.verified);
  // Co-signing as cosign (and archive) judge it: another signer's signature does not count against a verified one,
  // an altered signature naming a trusted signer does.
  const failing = new Set(failingSignatures(forImage.map(({ verdict }) => verdict)));
  const bad = forImage.find(({ verdict }) => failing.has(verdict));
  if (good && bad) {
    return result(
      false,
      `signed by ${describeIdentity(good.verdict.identity)}, but another signature does not verify: ${describeFailure(bad.verdict)}`,
      details,
    );
  }
  if (good) return result(true, `signed by ${describeIdentity(good.verdict.identity)} (${good.evidence.facts.signed!.format})`, details);

  const unsupported = signatures.filter((e) => (e.verdicts.signature ?? []).length === 0);
  if (forImage.length === 0) {
    const other = checked.flatMap(({ verdicts }) => verdicts).find((v) => v.digest !== digest);
    const why = other
      ? `they are over ${shortDigest(other.digest)}, not the image ${shortDigest(digest)}`
      : `none could be checked (${unsupported.map((e) => e.facts.signed!.format).join(', ')})`;
    return result(false, `${signatures.length} signature(s) found, none verified: ${why}`, details);
  }
  const telling = forImage.find(({ verdict }) => verdict.code !== 'no-trust-material') ?? forImage[0]!;
  return result(false, `${signatures.length} signature(s) found, none verified by the policy's signers; ${describeFailure(telling.verdict)}`, details);
}

function summarize(evidence: GateEvidence, verdicts: TargetVerdict[]): Record<string, unknown> {
  return {
    evidence: evidence.id,
    format: evidence.facts.signed?.format ?? evidence.format,
    verdicts: verdicts.map((v) => ({
      digest: v.digest,
      verified: v.verified,
      ...(v.code ? { code: v.code } : {}),
      identity: v.identity ?? null,
      reason: v.reason,
    })),
  };
}
