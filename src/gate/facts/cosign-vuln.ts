import type { ScanFacts } from './findings.js';
import { looksLikeGrype, readGrype } from './grype.js';
import { parseTime, record, text } from './json.js';
import { looksLikeSarif, readSarif } from './sarif.js';
import { looksLikeTrivy, readTrivy } from './trivy.js';

export const COSIGN_VULN_PREDICATE = 'https://cosign.sigstore.dev/attestation/vuln/v1';

/**
 * cosign's vuln attestation predicate: `scanner.result` holds the scanner's
 * own report (Trivy, Grype or SARIF), `metadata.scanFinishedOn` the time.
 * undefined when the embedded result is none of those.
 */
export function readCosignVuln(predicate: unknown): ScanFacts | undefined {
  const scanner = record(predicate, 'scanner');
  const result = scanner?.result;
  const inner = looksLikeTrivy(result)
    ? readTrivy(result)
    : looksLikeGrype(result)
      ? readGrype(result)
      : looksLikeSarif(result)
        ? readSarif(result)
        : undefined;
  if (!inner) return undefined;
  const facts: ScanFacts = {
    format: 'cosign-vuln',
    scanner: `${text(scanner, 'uri') ?? inner.scanner}${text(scanner, 'version') ? ` ${text(scanner, 'version')}` : ''}`,
    findings: inner.findings,
  };
  const metadata = record(predicate, 'metadata');
  const time = parseTime(text(metadata, 'scanFinishedOn')) ?? parseTime(text(metadata, 'scanStartedOn'));
  if (time) facts.scannedAt = time.toISOString();
  else if (inner.scannedAt) facts.scannedAt = inner.scannedAt;
  return facts;
}
