import type { DatabaseSync } from 'node:sqlite';
import { CustodyError } from '../../errors.js';
import type { Finding } from '../../gate/facts/findings.js';
import type { VexProduct, VexStatement, VexStatus } from '../../gate/facts/openvex.js';
import type { Severity } from '../../gate/policy/types.js';
import { decidingStatement, type ImageIdentity, type VexDocument } from '../../gate/rules/vex-match.js';
import { all, archivePath, type Answer, type DayRange, type Row } from '../answer.js';

export interface VulnQuery {
  kind: 'vuln';
  /** A vulnerability id or alias: `CVE-2021-44228`, `GHSA-jfh8-c2jp-5v3q`. */
  id: string;
}

const ID = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+$/;

export function prepareVuln(query: VulnQuery): string {
  const id = query.id.trim();
  if (!ID.test(id)) throw new CustodyError('USAGE', `query vuln: "${id.replace(/[^\x20-\x7e]/g, '?')}" is not a vulnerability id (e.g. CVE-2021-44228, GHSA-…)`);
  return id.toUpperCase();
}

/**
 * Which images a scan found the vulnerability in (by id or alias, any
 * case), on which days, with the scanner's severity and the VEX status: the
 * deciding OpenVEX statement among the valid VEX documents archived for the
 * same image that day, chosen as the gate chooses it (gate/rules/vex-match.ts).
 */
export function queryVuln(db: DatabaseSync, id: string, range: DayRange): Answer {
  const columns = ['date', 'ref', 'digest', 'vulnerability', 'severity', 'package', 'version', 'vex', 'justification', 'vex_document', 'scan', 'scanner', 'valid'];
  const findings = all<FindingRow>(
    db,
    `SELECT f.sha256, f.vulnerability, f.aliases, f.severity, f.package, f.version, f.purl, d.scanner
       FROM finding_names n JOIN findings f ON f.id = n.finding_id JOIN documents d ON d.sha256 = f.sha256
      WHERE n.name = ?`,
    id,
  );
  if (findings.length === 0) return { columns, rows: [] };
  const byDocument = new Map<string, { row: FindingRow; finding: Finding }[]>();
  for (const row of findings) byDocument.set(row.sha256, [...(byDocument.get(row.sha256) ?? []), { row, finding: toFinding(row) }]);
  const uses = all<Use>(
    db,
    `SELECT e.image_id, e.sha256, e.path, e.valid, i.date, i.ref, i.digest, i.path AS image_path, i.platforms, i.repository
       FROM evidence e JOIN images i ON i.id = e.image_id
      WHERE e.sha256 IN (SELECT value FROM json_each(?)) AND i.date >= ? AND i.date <= ?
      ORDER BY i.date, i.ref, i.digest, e.path`,
    JSON.stringify([...byDocument.keys()]),
    range.since,
    range.until,
  );
  const names = new Set<string>([id]);
  for (const list of byDocument.values()) for (const { finding } of list) for (const n of [finding.id, ...finding.aliases]) names.add(n.toUpperCase());
  const vex = vexByImage(db, [...names], [...new Set(uses.map((u) => u.image_id))]);

  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const use of uses) {
    for (const { row: f, finding } of byDocument.get(use.sha256) ?? []) {
      const key = `${use.image_id}\u0000${use.path}\u0000${f.vulnerability}\u0000${f.package ?? ''}\u0000${f.version ?? ''}\u0000${f.purl ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const identity: ImageIdentity = { digests: [...(use.digest ? [use.digest] : []), ...(JSON.parse(use.platforms) as string[])] };
      if (use.repository && !use.repository.startsWith('oci:')) identity.repository = use.repository;
      const verdict = decidingStatement(finding, vex.get(use.image_id) ?? [], identity);
      rows.push({
        date: use.date,
        ref: use.ref,
        digest: use.digest,
        vulnerability: f.vulnerability,
        severity: f.severity,
        package: f.package ?? f.purl,
        version: f.version,
        vex: verdict?.statement.status ?? null,
        justification: verdict?.statement.justification ?? null,
        vex_document: verdict ? archivePath(use.date, use.image_path, verdict.evidence) : null,
        scan: archivePath(use.date, use.image_path, use.path),
        scanner: f.scanner,
        valid: use.valid === 1,
      });
    }
  }
  return { columns, rows };
}

/** The VEX statements naming any of `names`, from valid VEX documents of these images, grouped per image and document. */
function vexByImage(db: DatabaseSync, names: string[], imageIds: number[]): Map<number, VexDocument[]> {
  const rows = all<VexRow>(
    db,
    `SELECT DISTINCT e.image_id, e.path, s.id, s.vulnerability, s.aliases, s.status, s.justification, s.timestamp, s.products
       FROM vex_names n JOIN vex_statements s ON s.id = n.statement_id JOIN evidence e ON e.sha256 = s.sha256
      WHERE n.name IN (SELECT value FROM json_each(?)) AND e.valid = 1 AND +e.image_id IN (SELECT value FROM json_each(?))
      ORDER BY e.image_id, e.path, s.id`,
    // The unary + keeps image_id out of the index search: probing (sha256, image_id) once per
    // statement and image costs far more than filtering each use of a VEX document.
    JSON.stringify(names),
    JSON.stringify(imageIds),
  );
  const out = new Map<number, VexDocument[]>();
  for (const row of rows) {
    const documents = out.get(row.image_id) ?? [];
    let doc = documents.find((d) => d.evidence === row.path);
    if (!doc) {
      doc = { evidence: row.path, statements: [] };
      documents.push(doc);
      out.set(row.image_id, documents);
    }
    const statement: VexStatement = {
      vulnerability: row.vulnerability,
      aliases: JSON.parse(row.aliases) as string[],
      products: JSON.parse(row.products) as VexProduct[],
      status: row.status as VexStatus,
    };
    if (row.justification !== null) statement.justification = row.justification;
    if (row.timestamp !== null) statement.timestamp = row.timestamp;
    doc.statements.push(statement);
  }
  return out;
}

function toFinding(f: FindingRow): Finding {
  const finding: Finding = { id: f.vulnerability, aliases: JSON.parse(f.aliases) as string[], severity: f.severity as Severity };
  const pkg = { ...(f.package ? { name: f.package } : {}), ...(f.version ? { version: f.version } : {}), ...(f.purl ? { purl: f.purl } : {}) };
  if (Object.keys(pkg).length > 0) finding.package = pkg;
  return finding;
}

interface FindingRow {
  sha256: string;
  vulnerability: string;
  aliases: string;
  severity: string;
  package: string | null;
  version: string | null;
  purl: string | null;
  scanner: string | null;
}

interface Use {
  image_id: number;
  sha256: string;
  path: string;
  valid: number;
  date: string;
  ref: string;
  digest: string | null;
  image_path: string | null;
  platforms: string;
  repository: string | null;
}

interface VexRow {
  image_id: number;
  path: string;
  id: number;
  vulnerability: string;
  aliases: string;
  status: string;
  justification: string | null;
  timestamp: string | null;
  products: string;
}
