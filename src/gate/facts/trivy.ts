import { toSeverity, type Finding, type ScanFacts } from './findings.js';
import { array, isRecord, parseTime, record, text } from './json.js';

/** Trivy JSON (SchemaVersion 2): `SchemaVersion` and `Results`/`ArtifactName`. */
export function looksLikeTrivy(json: unknown): boolean {
  return isRecord(json) && typeof json.SchemaVersion === 'number' && (Array.isArray(json.Results) || typeof json.ArtifactName === 'string');
}

/** Findings of a Trivy JSON report; the scan time is its `CreatedAt`. */
export function readTrivy(json: unknown): ScanFacts {
  const findings: Finding[] = [];
  for (const result of array(json, 'Results')) {
    for (const v of array(result, 'Vulnerabilities')) {
      const id = text(v, 'VulnerabilityID');
      if (!id) continue;
      const pkg: Finding['package'] = {};
      const name = text(v, 'PkgName');
      const version = text(v, 'InstalledVersion');
      const purl = text(record(v, 'PkgIdentifier'), 'PURL');
      if (name) pkg.name = name;
      if (version) pkg.version = version;
      if (purl) pkg.purl = purl;
      findings.push({
        id,
        aliases: array(v, 'VendorIDs').filter((a): a is string => typeof a === 'string'),
        severity: toSeverity(text(v, 'Severity')),
        package: pkg,
      });
    }
  }
  const facts: ScanFacts = { format: 'trivy', scanner: `trivy${versionOf(json)}`, findings };
  const time = parseTime(text(json, 'CreatedAt'));
  if (time) facts.scannedAt = time.toISOString();
  return facts;
}

function versionOf(json: unknown): string {
  const version = text(record(json, 'Trivy'), 'Version');
  return version ? ` ${version}` : '';
}
