import { toSeverity, type Finding, type ScanFacts } from './findings.js';
import { array, isRecord, parseTime, record, text } from './json.js';
import { SEVERITY_ORDER, type Severity } from '../policy/types.js';

/**
 * A CycloneDX BOM is a scan report when it carries a `vulnerabilities` array
 * beside its components (Trivy `--format cyclonedx`). A BOM of
 * vulnerabilities alone is a VEX document, not a scan.
 */
export function looksLikeCyclonedxScan(json: unknown): boolean {
  return isRecord(json) && json.bomFormat === 'CycloneDX' && Array.isArray(json.vulnerabilities) && Array.isArray(json.components);
}

/** Findings of a CycloneDX BOM: the highest rating of each vulnerability; the scan time is `metadata.timestamp`. */
export function readCyclonedxVulnerabilities(json: unknown): ScanFacts {
  const purls = new Map<string, { name?: string; version?: string; purl?: string }>();
  const visit = (components: unknown[]) => {
    for (const c of components) {
      const ref = text(c, 'bom-ref');
      if (ref) purls.set(ref, clean({ name: text(c, 'name'), version: text(c, 'version'), purl: text(c, 'purl') }));
      visit(array(c, 'components'));
    }
  };
  visit(array(json, 'components'));
  const findings: Finding[] = [];
  for (const v of array(json, 'vulnerabilities')) {
    const id = text(v, 'id');
    if (!id) continue;
    let severity: Severity = 'UNKNOWN';
    for (const rating of array(v, 'ratings')) {
      const s = toSeverity(text(rating, 'severity'));
      if (SEVERITY_ORDER.indexOf(s) > SEVERITY_ORDER.indexOf(severity)) severity = s;
    }
    const aliases = array(v, 'references')
      .map((r) => text(r, 'id'))
      .filter((a): a is string => a !== undefined && a !== id);
    const affects = array(v, 'affects');
    if (affects.length === 0) findings.push({ id, aliases, severity });
    for (const affected of affects) {
      const ref = text(affected, 'ref');
      const pkg = ref ? (purls.get(ref) ?? (ref.startsWith('pkg:') ? { purl: ref } : undefined)) : undefined;
      findings.push(pkg ? { id, aliases, severity, package: pkg } : { id, aliases, severity });
    }
  }
  const tools = record(json, 'metadata', 'tools');
  const tool = array(tools, 'components')[0] ?? array(record(json, 'metadata'), 'tools')[0];
  const facts: ScanFacts = { format: 'cyclonedx', scanner: text(tool, 'name') ?? 'cyclonedx', findings };
  const time = parseTime(text(record(json, 'metadata'), 'timestamp'));
  if (time) facts.scannedAt = time.toISOString();
  return facts;
}

function clean<T extends Record<string, string | undefined>>(value: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as { [K in keyof T]?: string };
}
