import { toSeverity, type Finding, type ScanFacts } from './findings.js';
import { array, isRecord, parseTime, record, text } from './json.js';

/** Grype JSON: `matches` plus a `descriptor` or `source`. */
export function looksLikeGrype(json: unknown): boolean {
  return isRecord(json) && Array.isArray(json.matches) && (isRecord(json.descriptor) || isRecord(json.source));
}

/** Findings of a Grype JSON report; the scan time is `descriptor.timestamp`. */
export function readGrype(json: unknown): ScanFacts {
  const findings: Finding[] = [];
  for (const match of array(json, 'matches')) {
    const vulnerability = record(match, 'vulnerability');
    const id = text(vulnerability, 'id');
    if (!id) continue;
    const aliases = array(match, 'relatedVulnerabilities')
      .map((r) => text(r, 'id'))
      .filter((a): a is string => a !== undefined && a !== id);
    const artifact = record(match, 'artifact');
    const pkg: Finding['package'] = {};
    const name = text(artifact, 'name');
    const version = text(artifact, 'version');
    const purl = text(artifact, 'purl');
    if (name) pkg.name = name;
    if (version) pkg.version = version;
    if (purl) pkg.purl = purl;
    findings.push({ id, aliases: [...new Set(aliases)], severity: toSeverity(text(vulnerability, 'severity')), package: pkg });
  }
  const descriptor = record(json, 'descriptor');
  const version = text(descriptor, 'version');
  const facts: ScanFacts = { format: 'grype', scanner: `${text(descriptor, 'name') ?? 'grype'}${version ? ` ${version}` : ''}`, findings };
  const time = parseTime(text(descriptor, 'timestamp'));
  if (time) facts.scannedAt = time.toISOString();
  return facts;
}
