import { severityFromScore, toSeverity, type Finding, type ScanFacts } from './findings.js';
import { array, isRecord, parseTime, record, text } from './json.js';
import type { Severity } from '../policy/types.js';

/** Vulnerability ids scanners put in SARIF rule ids (Grype appends the package: `CVE-1999-0001-package-1`). */
const VULN_ID =
  /\b(CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|GO-\d{4}-\d{4,}|RUSTSEC-\d{4}-\d{4,}|PYSEC-\d{4}-\d+|OSV-\d{4}-\d+|DLA-\d+-\d+|DSA-\d+-\d+|ALAS2?-\d{4}-\d+|RHSA-\d{4}:\d+|ELSA-\d{4}-\d+)\b/i;

/** SARIF 2.x: a `version` and `runs`. */
export function looksLikeSarif(json: unknown): boolean {
  return isRecord(json) && typeof json.version === 'string' && /^2\./.test(json.version) && Array.isArray(json.runs);
}

/**
 * Findings of a SARIF log. Severity, in order: a severity word among the
 * rule's tags (Trivy), the rule's `security-severity` score (GitHub's
 * convention, Trivy and Grype), else the result level. The scan time is the
 * latest invocation end (or start) time; SARIF from Trivy and Grype carries
 * none, so such a report has no provable age.
 */
export function readSarif(json: unknown): ScanFacts {
  const findings: Finding[] = [];
  const scanners = new Set<string>();
  let latest: Date | undefined;
  for (const run of array(json, 'runs')) {
    const driver = record(run, 'tool', 'driver');
    const name = text(driver, 'name');
    if (name) scanners.add(`${name}${text(driver, 'version') ? ` ${text(driver, 'version')}` : ''}`);
    const rules = array(driver, 'rules');
    const byId = new Map<string, unknown>();
    for (const rule of rules) {
      const id = text(rule, 'id');
      if (id) byId.set(id, rule);
    }
    for (const invocation of array(run, 'invocations')) {
      const time = parseTime(text(invocation, 'endTimeUtc')) ?? parseTime(text(invocation, 'startTimeUtc'));
      if (time && (!latest || time > latest)) latest = time;
    }
    for (const result of array(run, 'results')) {
      const index = record(result)?.ruleIndex;
      const ruleId = text(result, 'ruleId') ?? text(record(result, 'rule'), 'id');
      const rule = (typeof index === 'number' ? rules[index] : undefined) ?? (ruleId ? byId.get(ruleId) : undefined);
      if (!ruleId) continue;
      const id = VULN_ID.exec(ruleId)?.[1]?.toUpperCase() ?? ruleId;
      const finding: Finding = { id, aliases: [], severity: severityOf(result, rule) };
      const pkg = packageOf(text(record(result, 'message'), 'text') ?? '');
      // Grype lists the package's purl among the rule's properties.
      const purl = text(array(record(rule, 'properties'), 'purls')[0]);
      if (pkg || purl) finding.package = { ...pkg, ...(purl ? { purl } : {}) };
      findings.push(finding);
    }
  }
  const facts: ScanFacts = { format: 'sarif', scanner: [...scanners].join(', ') || 'sarif', findings };
  if (latest) facts.scannedAt = latest.toISOString();
  return facts;
}

function severityOf(result: unknown, rule: unknown): Severity {
  const properties = record(rule, 'properties');
  for (const tag of array(properties, 'tags')) {
    const severity = toSeverity(tag);
    if (severity !== 'UNKNOWN') return severity;
  }
  const score = Number(text(properties, 'security-severity') ?? properties?.['security-severity']);
  const fromScore = severityFromScore(score);
  if (fromScore !== 'UNKNOWN') return fromScore;
  const level = text(result, 'level') ?? text(record(rule, 'defaultConfiguration'), 'level');
  if (level === 'error') return 'HIGH';
  if (level === 'warning') return 'MEDIUM';
  if (level === 'note') return 'LOW';
  return 'UNKNOWN';
}

/** Trivy: `Package: openssl\nInstalled Version: 1.1`; Grype: `package: openssl, version 1.1`. */
function packageOf(message: string): Finding['package'] | undefined {
  const name = /package:\s*([^\s,]+)/i.exec(message)?.[1];
  if (!name) return undefined;
  const version = /installed version:\s*(\S+)/i.exec(message)?.[1] ?? /version\s+([^\s,]+)/i.exec(message)?.[1];
  return version ? { name, version } : { name };
}
