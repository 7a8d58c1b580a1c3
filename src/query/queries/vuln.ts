import type { DatabaseSync } from 'node:sqlite';
import { CustodyError } from '../../errors.js';
import type { Finding } from '../../gate/facts/findings.js';
import type { VexProduct, VexStatement, VexStatus } from '../../gate/facts/openvex.js';
import type { Severity } from '../../gate/policy/types.js';
import { decidingStatement, type ImageIdentity, type VexDocument, type VexVerdict } from '../../gate/rules/vex-match.js';
import { all, archivePath, type Answer, type DayRange, type Row } from '../answer.js';

export interface VulnQuery {
  kind: 'vuln';
  /** A vulnerability id or alias: `CVE-2021-44228`, `GHSA-jfh8-c2jp-5v3q`. */
  id: string;
}

const ID = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]+$/;

export function prepareVuln(query: VulnQuery): string {
  const id = query.id.trim();
  if (!ID.test(id))
    throw new CustodyError('USAGE', `query vuln: "${id.replace(/[^\x20-\x7e]/g, '?')}" is not a vulnerability id (e.g. CVE-2021-44228, GHSA-…)`);
  return id.toUpperCase();
}

const COLUMNS = [
  'date',
  'ref',
  'digest',
  'vulnerability',
  'severity',
  'package',
  'version',
  'vex',
  'justification',
  'vex_document',
  'scan',
  'scanner',
  'valid',
];

/**
 * Which images a scan found the vulnerability in (by id or alias, any
 * case), on which days, with the scanner's severity and the VEX status: the
 * deciding OpenVEX statement among the valid VEX documents archived for the
 * same image that day, chosen as the gate chooses it (gate/rules/vex-match.ts).
 */
export function queryVuln(db: DatabaseSync, id: string, range: DayRange): Answer {
  const columns = [...COLUMNS];
  const byDocument = findingsByDocument(db, id);
  if (byDocument.size === 0) return { columns, rows: [] };
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
  const decide = decider(vexByImage(db, [...names], [...new Set(uses.map((u) => u.image_id))]));
  const rows: Row[] = [];
  for (const use of uses) {
    for (const listed of byDocument.get(use.sha256) ?? []) {
      const f = listed.row;
      const verdict = decide(use, listed);
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

/** A finding of a scan report, with what makes it the same finding in another report (the same facts decide the same way). */
interface Listed {
  row: FindingRow;
  finding: Finding;
  same: string;
}

/** The scan reports listing the vulnerability, each with its findings of it; a report listing the same finding twice (one package under two targets) has it once. */
function findingsByDocument(db: DatabaseSync, id: string): Map<string, Listed[]> {
  const findings = all<FindingRow>(
    db,
    `SELECT f.sha256, f.vulnerability, f.aliases, f.severity, f.package, f.version, f.purl, d.scanner
       FROM finding_names n JOIN findings f ON f.id = n.finding_id JOIN documents d ON d.sha256 = f.sha256
      WHERE n.name = ?`,
    id,
  );
  const byDocument = new Map<string, Listed[]>();
  const listed = new Set<string>();
  for (const row of findings) {
    const key = `${row.sha256}\u0000${row.vulnerability}\u0000${row.package ?? ''}\u0000${row.version ?? ''}\u0000${row.purl ?? ''}`;
    if (listed.has(key)) continue;
    listed.add(key);
    const same = JSON.stringify([row.vulnerability, row.aliases, row.severity, row.package, row.version, row.purl]);
    byDocument.set(row.sha256, [...(byDocument.get(row.sha256) ?? []), { row, finding: toFinding(row), same }]);
  }
  return byDocument;
}

/**
 * The deciding VEX statement of a finding on an image-day (undefined when
 * none applies). The same finding, image and VEX documents repeat day after
 * day: each combination is decided once.
 */
function decider(vex: Map<number, VexDocument[] & { key: string }>): (use: Use, listed: Listed) => VexVerdict | undefined {
  const decided = new Map<string, VexVerdict | undefined>();
  return (use, { finding, same }) => {
    const documents = vex.get(use.image_id);
    if (!documents) return undefined;
    const memo = `${same}\u0000${use.digest}\u0000${use.platforms}\u0000${use.repository}\u0000${documents.key}`;
    if (decided.has(memo)) return decided.get(memo);
    const identity: ImageIdentity = { digests: [...(use.digest ? [use.digest] : []), ...(JSON.parse(use.platforms) as string[])] };
    if (use.repository && !use.repository.startsWith('oci:')) identity.repository = use.repository;
    const verdict = decidingStatement(finding, documents, identity);
    decided.set(memo, verdict);
    return verdict;
  };
}

/**
 * The VEX statements naming any of `names`, from valid VEX documents of
 * these images, grouped per image and document. Statements are read once
 * per document, then shared by every image-day that lists the document.
 */
function vexByImage(db: DatabaseSync, names: string[], imageIds: number[]): Map<number, VexDocument[] & { key: string }> {
  const statements = new Map<string, VexStatement[]>();
  for (const row of all<VexRow>(
    db,
    `SELECT DISTINCT s.id, s.sha256, s.vulnerability, s.aliases, s.status, s.justification, s.timestamp, s.products
       FROM vex_names n JOIN vex_statements s ON s.id = n.statement_id
      WHERE n.name IN (SELECT value FROM json_each(?)) ORDER BY s.id`,
    JSON.stringify(names),
  )) {
    const statement: VexStatement = {
      vulnerability: row.vulnerability,
      aliases: JSON.parse(row.aliases) as string[],
      products: JSON.parse(row.products) as VexProduct[],
      status: row.status as VexStatus,
    };
    if (row.justification !== null) statement.justification = row.justification;
    if (row.timestamp !== null) statement.timestamp = row.timestamp;
    statements.set(row.sha256, [...(statements.get(row.sha256) ?? []), statement]);
  }
  const out = new Map<number, VexDocument[] & { key: string }>();
  if (statements.size === 0) return out;
  const uses = all<{ image_id: number; path: string; sha256: string }>(
    db,
    // The unary + keeps image_id out of the index search: probing (sha256, image_id) once per
    // document and image costs far more than filtering each use of a VEX document.
    `SELECT e.image_id, e.path, e.sha256 FROM evidence e
      WHERE e.sha256 IN (SELECT value FROM json_each(?)) AND e.valid = 1 AND +e.image_id IN (SELECT value FROM json_each(?))
      ORDER BY e.image_id, e.path`,
    JSON.stringify([...statements.keys()]),
    JSON.stringify(imageIds),
  );
  for (const use of uses) {
    let documents = out.get(use.image_id);
    if (!documents) out.set(use.image_id, (documents = Object.assign([], { key: '' })));
    if (documents.some((d) => d.evidence === use.path)) continue;
    documents.push({ evidence: use.path, statements: statements.get(use.sha256)! });
    // Which documents an image-day has, as a memo key: the same set on another day decides the same way.
    documents.key += `${use.path}\u0000${use.sha256},`;
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
  id: number;
  sha256: string;
  vulnerability: string;
  aliases: string;
  status: string;
  justification: string | null;
  timestamp: string | null;
  products: string;
}
