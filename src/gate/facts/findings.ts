import type { Severity } from '../policy/types.js';

/** One vulnerability finding, whatever scanner reported it. */
export interface Finding {
  id: string;
  /** Other ids for the same vulnerability (a GHSA's CVE, a scanner's related ids). */
  aliases: string[];
  severity: Severity;
  package?: PackageRef;
}

export interface PackageRef {
  name?: string;
  version?: string;
  purl?: string;
}

export type ScanFormat = 'trivy' | 'grype' | 'sarif' | 'cyclonedx' | 'cosign-vuln';

/** A vulnerability report: who scanned, when (by the report's own clock), what it found. */
export interface ScanFacts {
  format: ScanFormat;
  scanner: string;
  /** ISO time of the scan as the report states it; absent when the report does not say. */
  scannedAt?: string;
  findings: Finding[];
}

/** One mapping of scanner severities for summaries and the gate alike. */
export { toSeverity } from '../../formats/lib/severity.js';

/** CVSS v3 qualitative rating of a base score (FIRST CVSS v3.1 §5), as GitHub reads `security-severity`. */
export function severityFromScore(score: number): Severity {
  if (!Number.isFinite(score) || score <= 0) return 'UNKNOWN';
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  return 'LOW';
}

/** Package identity of a purl without qualifiers and subpath: `pkg:apk/alpine/openssl@3.0?arch=x` → `pkg:apk/alpine/openssl@3.0`. */
export function purlBase(purl: string): string {
  return decodeURIComponentSafe(purl.split(/[?#]/)[0]!);
}

/** The purl without its version: `pkg:apk/alpine/openssl`. */
export function purlName(purl: string): string {
  const base = purlBase(purl);
  const at = base.lastIndexOf('@');
  return at > base.indexOf('/') ? base.slice(0, at) : base;
}

export function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
