/** Severity counting shared by the scan formats (Trivy, Grype, SARIF, Clair). */

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Map a scanner's word for severity onto custody's five buckets. */
export function toSeverity(value: unknown): Severity {
  if (typeof value !== 'string') return 'UNKNOWN';
  switch (value.trim().toUpperCase()) {
    case 'CRITICAL':
    case 'DEFCON1':
      return 'CRITICAL';
    case 'HIGH':
    case 'IMPORTANT':
      return 'HIGH';
    case 'MEDIUM':
    case 'MODERATE':
      return 'MEDIUM';
    case 'LOW':
    case 'NEGLIGIBLE':
    case 'MINOR':
    case 'INFO':
      return 'LOW';
    default:
      return 'UNKNOWN';
  }
}

export class SeverityTally {
  readonly counts: Record<Severity, number> = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  total = 0;
  fixable = 0;

  add(severity: unknown, fixable: boolean): void {
    this.counts[toSeverity(severity)]++;
    this.total++;
    if (fixable) this.fixable++;
  }

  /** `{severityCounts, vulnerabilityCount, fixableCount}` as every scan summary carries them. */
  toSummary(): Record<string, unknown> {
    return { severityCounts: { ...this.counts }, vulnerabilityCount: this.total, fixableCount: this.fixable };
  }
}
