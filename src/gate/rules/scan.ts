import { parseReference } from '../../oci/reference.js';
import { imageDigests, type GateEvidence, type GateInput } from '../evidence.js';
import type { Finding } from '../facts/findings.js';
import { severityRank, type AllowEntry, type ScanRule } from '../policy/types.js';
import { describeIdentity } from './identity.js';
import { judged, type RuleResult } from './result.js';
import { describeTarget, scopeTargets, type Target } from './targets.js';
import { decidingStatement, type ImageIdentity, type VexDocument } from './vex-match.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Clock skew tolerated on a scan time; a report from further in the future proves no age. */
const FUTURE_SKEW_MS = 60 * 60 * 1000;
/** Findings listed in a reason; details keep more. */
const LISTED = 3;
const DETAILED = 100;

interface Report {
  evidence: GateEvidence;
  ageDays?: number;
  stale?: string;
}

/**
 * A vulnerability report younger than maxAgeDays (by the report's own scan
 * time) with no finding at or above failOn, where a finding does not count
 * when the latest applicable statement of a VERIFIED OpenVEX document says
 * not_affected or fixed, or when an unexpired allow-list entry names it.
 * Expired entries suppress nothing and are reported.
 */
export function evaluateScan(input: GateInput, rule: ScanRule, now: Date): RuleResult[] {
  const all = imageDigests(input.subject);
  const reports = input.evidence.filter((e) => e.facts.scan);
  const vex = verifiedVex(input);
  const image = imageIdentity(input);
  const targets = rule.scope === 'every-platform' ? scopeTargets(input.subject, 'every-platform') : [{ digest: input.subject.digest }];
  return targets.map((target) => {
    const covers = target.platform ? [target.digest, input.subject.digest] : all;
    return judgeTarget(
      target,
      reports.filter((e) => e.about.some((d) => covers.includes(d))),
      rule,
      now,
      vex,
      image,
    );
  });
}

function judgeTarget(target: Target, candidates: GateEvidence[], rule: ScanRule, now: Date, vex: VexEvidence, image: ImageIdentity): RuleResult {
  const base = {
    rule: 'scan' as const,
    mode: rule.mode,
    ...(target.platform ? { platform: target.platform } : {}),
    digest: target.digest,
  };
  const expiredEntries = rule.allow.filter((entry) => !isActive(entry, now));
  const details: Record<string, unknown> = {
    failOn: rule.failOn,
    maxAgeDays: rule.maxAgeDays ?? null,
    expiredAllowEntries: expiredEntries.map((e) => ({ id: e.id, expires: e.expires, reason: e.reason })),
    unverifiedVex: vex.unverified,
  };
  const result = (ok: boolean, reason: string): RuleResult => ({ ...base, status: judged(rule.mode, ok), reason, details });

  const { usable, rejected } = sortReports(candidates, rule, now);
  details.reports = usable.map((r) => ({
    evidence: r.evidence.id,
    scanner: r.evidence.facts.scan!.scanner,
    scannedAt: r.evidence.facts.scan!.scannedAt ?? null,
    ageDays: r.ageDays ?? null,
    stale: r.stale ?? null,
  }));
  details.rejectedReports = rejected;
  if (usable.length === 0) {
    return result(
      false,
      rejected.length > 0
        ? `no usable scan report for ${describeTarget(target)}: ${rejected[0]!.evidence} ${rejected[0]!.problem}`
        : `no vulnerability scan report for ${describeTarget(target)}`,
    );
  }
  const fresh = usable.filter((r) => !r.stale);
  if (fresh.length === 0) {
    const newest = usable.reduce((a, b) => ((b.ageDays ?? Infinity) < (a.ageDays ?? Infinity) ? b : a));
    return result(false, `no fresh scan report for ${describeTarget(target)}: ${newest.evidence.id} ${newest.stale!}`);
  }

  const findings = dedupe(fresh.flatMap((r) => r.evidence.facts.scan!.findings));
  const threshold = severityRank(rule.failOn);
  const counted = findings.filter((f) => severityRank(f.severity) >= threshold || (rule.failOnUnknown && f.severity === 'UNKNOWN'));
  const triaged = triage(counted, rule, now, vex, image);
  const { blocking, suppressed, allowed, expiredHits } = triaged;
  details.scanners = [...new Set(fresh.map((r) => r.evidence.facts.scan!.scanner))];
  details.findingCount = findings.length;
  details.blocking = blocking.slice(0, DETAILED).map(findingDetail);
  details.suppressedByVex = suppressed.slice(0, DETAILED);
  details.allowed = allowed.slice(0, DETAILED);

  const suffix = reasonSuffix(triaged, vex);
  const scanned = fresh
    .map((r) => r.evidence.facts.scan!.scanner)
    .filter((s, i, a) => a.indexOf(s) === i)
    .join(', ');
  if (blocking.length === 0) {
    const expiredNote =
      expiredEntries.length > 0 && expiredHits.size === 0
        ? `; allow-list entr${expiredEntries.length === 1 ? 'y' : 'ies'} ${expiredEntries.map((e) => `${e.id} expired ${e.expires}`).join(', ')}`
        : '';
    return result(true, `no finding at or above ${rule.failOn} in ${fresh.length} fresh report(s) by ${scanned}${suffix}${expiredNote}`);
  }
  const listed = blocking
    .slice()
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
    .slice(0, LISTED)
    .map((f) => `${f.id} (${f.severity}${f.package?.name ? `, ${f.package.name}${f.package.version ? ` ${f.package.version}` : ''}` : ''})`);
  const more = blocking.length > LISTED ? `, +${blocking.length - LISTED} more` : '';
  return result(false, `${blocking.length} finding(s) at or above ${rule.failOn}: ${listed.join(', ')}${more}${suffix}`);
}

/** Scan reports that can be judged, each with its age; the others (unreadable, invalid) with why. */
function sortReports(candidates: GateEvidence[], rule: ScanRule, now: Date): { usable: Report[]; rejected: { evidence: string; problem: string }[] } {
  const usable: Report[] = [];
  const rejected: { evidence: string; problem: string }[] = [];
  for (const evidence of candidates) {
    if (evidence.facts.errors.length > 0) rejected.push({ evidence: evidence.id, problem: `could not be read: ${evidence.facts.errors[0]}` });
    else if (!evidence.valid) rejected.push({ evidence: evidence.id, problem: `invalid: ${evidence.problems[0]?.message ?? 'rejected by the normaliser'}` });
    else usable.push(age(evidence, rule, now));
  }
  return { usable, rejected };
}

interface Triage {
  /** Findings nothing suppresses or allows. */
  blocking: Finding[];
  /** Findings a verified VEX statement says are not_affected or fixed. */
  suppressed: Record<string, unknown>[];
  /** Findings an unexpired allow-list entry names. */
  allowed: Record<string, unknown>[];
  /** Expired allow-list entries that name a blocking finding, by id. */
  expiredHits: Map<string, AllowEntry>;
}

/** Each counted finding: suppressed by verified VEX, else allowed by an unexpired entry, else blocking. */
function triage(counted: Finding[], rule: ScanRule, now: Date, vex: VexEvidence, image: ImageIdentity): Triage {
  const triaged: Triage = { blocking: [], suppressed: [], allowed: [], expiredHits: new Map() };
  for (const finding of counted) {
    const decision = decidingStatement(finding, vex.documents, image);
    if (decision && (decision.statement.status === 'not_affected' || decision.statement.status === 'fixed')) {
      triaged.suppressed.push({
        ...findingDetail(finding),
        status: decision.statement.status,
        justification: decision.statement.justification ?? null,
        vex: decision.evidence,
      });
      continue;
    }
    const entries = rule.allow.filter((entry) => names(finding).has(entry.id.toUpperCase()));
    const active = entries.find((entry) => isActive(entry, now));
    if (active) {
      triaged.allowed.push({ ...findingDetail(finding), allowedUntil: active.expires, reason: active.reason });
      continue;
    }
    for (const entry of entries) triaged.expiredHits.set(entry.id, entry);
    triaged.blocking.push(finding);
  }
  return triaged;
}

/** ` (…; …)` after a reason: what VEX and the allow-list did, and unverified VEX when something blocks; empty when none. */
function reasonSuffix({ blocking, suppressed, allowed, expiredHits }: Triage, vex: VexEvidence): string {
  const tail = [
    suppressed.length > 0 ? `${suppressed.length} suppressed by verified VEX` : '',
    allowed.length > 0 ? `${allowed.length} allowed` : '',
    expiredHits.size > 0 ? `allow-list ${[...expiredHits.values()].map((e) => `${e.id} expired ${e.expires}`).join(', ')}` : '',
    vex.unverified.length > 0 && blocking.length > 0 ? `${vex.unverified.length} VEX document(s) not applied: not verified by the policy's signers` : '',
  ].filter(Boolean);
  return tail.length > 0 ? ` (${tail.join('; ')})` : '';
}

function age(evidence: GateEvidence, rule: ScanRule, now: Date): Report {
  const scan = evidence.facts.scan!;
  if (rule.maxAgeDays === undefined) return { evidence };
  if (!scan.scannedAt) return { evidence, stale: `states no scan time (${scan.scanner}), so it cannot be shown to be younger than ${rule.maxAgeDays} day(s)` };
  const ms = now.getTime() - new Date(scan.scannedAt).getTime();
  if (ms < -FUTURE_SKEW_MS) return { evidence, stale: `claims a scan time in the future (${scan.scannedAt})` };
  const ageDays = Math.max(0, ms) / DAY_MS;
  if (ageDays > rule.maxAgeDays)
    return {
      evidence,
      ageDays,
      stale: `is ${ageDays.toFixed(1)} days old (scanned ${scan.scannedAt} by ${scan.scanner}); the policy allows ${rule.maxAgeDays}`,
    };
  return { evidence, ageDays };
}

/** An allow-list entry applies until 00:00 UTC of its expiry date. */
export function isActive(entry: AllowEntry, now: Date): boolean {
  const expires = Date.parse(`${entry.expires}T00:00:00Z`);
  return Number.isFinite(expires) && now.getTime() < expires;
}

function names(finding: Finding): Set<string> {
  return new Set([finding.id, ...finding.aliases].map((n) => n.toUpperCase()));
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.id}\u0000${f.package?.purl ?? f.package?.name ?? ''}\u0000${f.package?.version ?? ''}`;
    const prior = seen.get(key);
    if (!prior || severityRank(f.severity) > severityRank(prior.severity)) seen.set(key, f);
  }
  return [...seen.values()];
}

function findingDetail(f: Finding): Record<string, unknown> {
  return { id: f.id, severity: f.severity, package: f.package?.purl ?? f.package?.name ?? null, version: f.package?.version ?? null };
}

interface VexEvidence {
  documents: VexDocument[];
  unverified: { evidence: string; reason: string }[];
}

/** OpenVEX documents whose signature verifies with the policy's VEX signers as being about this image. Unsigned ones count for nothing. */
function verifiedVex(input: GateInput): VexEvidence {
  const documents: VexDocument[] = [];
  const unverified: VexEvidence['unverified'] = [];
  for (const evidence of input.evidence) {
    if (!evidence.facts.vex) continue;
    const good = (evidence.verdicts.vex ?? []).find((v) => v.verified);
    if (good) {
      documents.push({ evidence: `${evidence.id} (signed by ${describeIdentity(good.identity)})`, statements: evidence.facts.vex.statements });
    } else if (!evidence.facts.signed) {
      unverified.push({ evidence: evidence.id, reason: 'unsigned OpenVEX document' });
    } else {
      const verdict = (evidence.verdicts.vex ?? [])[0];
      unverified.push({ evidence: evidence.id, reason: verdict ? `${verdict.code ?? 'not-verified'}: ${verdict.reason}` : 'the policy names no VEX signers' });
    }
  }
  return { documents, unverified };
}

function imageIdentity(input: GateInput): ImageIdentity {
  const identity: ImageIdentity = { digests: imageDigests(input.subject) };
  try {
    const ref = parseReference(input.subject.ref);
    if (ref.type === 'registry') identity.repository = `${ref.registry}/${ref.repository}`;
  } catch {
    // A reference custody wrote itself always parses; if not, only digests can name the image.
  }
  return identity;
}
