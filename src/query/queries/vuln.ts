import type { DatabaseSync } from 'node:sqlite';
import { CustodyError } from '../../errors.js';
import type { Finding } from '../../gate/facts/findings.js';
import type { VexProduct, VexStatement, VexStatus } from '../../gate/facts/openvex.js';
import type { Severity } from '../../gate/policy/types.js';
import { decidingStatement, type ImageIdentity, type VexDocument, type VexVerdict } from '../../gate/rules/vex-match.js';
import { archivePath, type Answer, type Cell, type DayRange } from '../answer.js';
import { allArrays, compareBinary, documentUses, type DocumentUse } from '../uses.js';

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
  if (byDocument.size === 0) return { columns, cells: [] };
  const uses = documentUses(db, byDocument.keys(), range);
  const names = new Set<string>([id]);
  for (const list of byDocument.values()) for (const { finding } of list) for (const n of [finding.id, ...finding.aliases]) names.add(n.toUpperCase());
  const decide = decider(vexByImage(db, [...names], uses));
  const cells: Cell[][] = [];
  for (const use of uses) {
    // The image-day's folder, `DATE/images/…/`: the scan's path and the VEX document's (archivePath) start with it.
    const folder = archivePath(use.date, use.subject.path, '');
    const scan = folder + use.path;
    for (const listed of byDocument.get(use.documentId)!) {
      const f = listed.row;
      const verdict = decide(use, listed);
      // In COLUMNS' order.
      cells.push([
        use.date,
        use.subject.ref,
        use.subject.digest,
        f.vulnerability,
        f.severity,
        f.package ?? f.purl,
        f.version,
        verdict?.statement.status ?? null,
        verdict?.statement.justification ?? null,
        verdict ? folder + verdict.evidence : null,
        scan,
        f.scanner,
        use.valid,
      ]);
    }
  }
  return { columns, cells };
}

/** A finding of a scan report, with what makes it the same finding in another report (the same facts decide the same way), as a number. */
interface Listed {
  row: FindingRow;
  finding: Finding;
  same: number;
}

/** The scan reports listing the vulnerability, each with its findings of it; a report listing the same finding twice (one package under two targets) has it once. */
function findingsByDocument(db: DatabaseSync, id: string): Map<number, Listed[]> {
  const findings = allArrays(
    db,
    `SELECT f.document_id, f.vulnerability, f.aliases, f.severity, f.package, f.version, f.purl, d.scanner
       FROM finding_names n JOIN findings f ON f.id = n.finding_id JOIN documents d ON d.id = f.document_id
      WHERE n.name = ?`,
    id,
  );
  const byDocument = new Map<number, Listed[]>();
  const listed = new Set<string>();
  // The same finding in report after report: one Finding, one number.
  const sameness = new Map<string, { finding: Finding; same: number }>();
  for (const r of findings) {
    const row = {
      document_id: r[0],
      vulnerability: r[1],
      aliases: r[2],
      severity: r[3],
      package: r[4],
      version: r[5],
      purl: r[6],
      scanner: r[7],
    } as FindingRow;
    const key = `${row.document_id}\u0000${row.vulnerability}\u0000${row.package ?? ''}\u0000${row.version ?? ''}\u0000${row.purl ?? ''}`;
    if (listed.has(key)) continue;
    listed.add(key);
    const facts = JSON.stringify([row.vulnerability, row.aliases, row.severity, row.package, row.version, row.purl]);
    let same = sameness.get(facts);
    if (same === undefined) sameness.set(facts, (same = { finding: toFinding(row), same: sameness.size }));
    let list = byDocument.get(row.document_id);
    if (!list) byDocument.set(row.document_id, (list = []));
    list.push({ row, finding: same.finding, same: same.same });
  }
  return byDocument;
}

/** The valid VEX documents of an image-day: image-days with the same paths and documents share one, and its verdicts. */
interface VexDocuments {
  documents: VexDocument[];
  /** Verdicts decided with these documents, by subject id, then finding (Listed.same); null when none applies. */
  decided: Map<number, Map<number, VexVerdict | null>>;
}

/**
 * The deciding VEX statement of a finding on an image-day (undefined when
 * none applies). The same finding, image and VEX documents repeat day after
 * day: each combination is decided once.
 */
function decider(vex: Map<number, VexDocuments>): (use: DocumentUse, listed: Listed) => VexVerdict | undefined {
  return (use, { finding, same }) => {
    const set = vex.get(use.imageId);
    if (!set) return undefined;
    const { subject } = use;
    // The subject fixes the digest, platforms and repository the statements are matched against.
    let decided = set.decided.get(subject.id);
    if (!decided) set.decided.set(subject.id, (decided = new Map()));
    const known = decided.get(same);
    if (known !== undefined) return known ?? undefined;
    const identity: ImageIdentity = { digests: [...(subject.digest ? [subject.digest] : []), ...(JSON.parse(subject.platforms) as string[])] };
    if (subject.repository && !subject.repository.startsWith('oci:')) identity.repository = subject.repository;
    const verdict = decidingStatement(finding, set.documents, identity);
    decided.set(same, verdict ?? null);
    return verdict;
  };
}

/**
 * The VEX statements naming any of `names`, from valid VEX documents of
 * the images of these uses, grouped per image and document. The documents'
 * uses come first: only the statements of documents archived with these
 * images are read and parsed (a vulnerability named across a fleet is in
 * many VEX documents, most of them about other images). Statements are
 * read once per document, then shared by every image-day that lists the document.
 */
function vexByImage(db: DatabaseSync, names: string[], scans: readonly DocumentUse[]): Map<number, VexDocuments> {
  const out = new Map<number, VexDocuments>();
  const namedIn = allArrays(
    db,
    `SELECT DISTINCT s.document_id FROM vex_names n JOIN vex_statements s ON s.id = n.statement_id WHERE n.name IN (SELECT value FROM json_each(?))`,
    JSON.stringify(names),
  );
  if (namedIn.length === 0) return out;
  const imageIds = new Set<number>();
  const subjectIds = new Set<number>();
  for (const scan of scans) {
    imageIds.add(scan.imageId);
    subjectIds.add(scan.subject.id);
  }
  // Filtered by subject (a few hundred), each image-day of them picked out below: cheaper than
  // testing thousands of image ids in SQL, and than reading every use of the VEX documents.
  const uses: VexUse[] = [];
  const used = new Set<number>();
  for (const row of allArrays(
    db,
    `SELECT path, document_id, days FROM uses
      WHERE document_id IN (SELECT value FROM json_each(?)) AND valid = 1 AND +subject_id IN (SELECT value FROM json_each(?))`,
    JSON.stringify(namedIn.map((r) => r[0])),
    JSON.stringify([...subjectIds]),
  )) {
    const path = row[0] as string;
    const documentId = row[1] as number;
    for (const pair of JSON.parse(row[2] as string) as [number, number][])
      if (imageIds.has(pair[1])) {
        uses.push([pair[1], path, documentId]);
        used.add(documentId);
      }
  }
  if (used.size === 0) return out;
  const statements = new Map<number, VexStatement[]>();
  // Columns by position: id, document_id, vulnerability, aliases, status, justification, timestamp, products.
  for (const row of allArrays(
    db,
    `SELECT DISTINCT s.id, s.document_id, s.vulnerability, s.aliases, s.status, s.justification, s.timestamp, s.products
       FROM vex_names n JOIN vex_statements s ON s.id = n.statement_id
      WHERE n.name IN (SELECT value FROM json_each(?)) AND s.document_id IN (SELECT value FROM json_each(?)) ORDER BY s.id`,
    JSON.stringify(names),
    JSON.stringify([...used]),
  )) {
    const statement: VexStatement = {
      vulnerability: row[2] as string,
      aliases: JSON.parse(row[3] as string) as string[],
      products: JSON.parse(row[7] as string) as VexProduct[],
      status: row[4] as VexStatus,
    };
    if (row[5] !== null) statement.justification = row[5] as string;
    if (row[6] !== null) statement.timestamp = row[6] as string;
    const documentId = row[1] as number;
    let list = statements.get(documentId);
    if (!list) statements.set(documentId, (list = []));
    list.push(statement);
  }
  return groupByImage(uses, statements);
}

/** A use of a VEX document: image id, evidence path, document id. */
type VexUse = [number, string, number];

/**
 * The VEX documents of each image-day of these uses, in path order, one per
 * path: image-days with the same documents share one VexDocuments (the same
 * set on another day decides the same way). Most image-days have one
 * document: those are shared by document and path, with no key built.
 */
function groupByImage(uses: readonly VexUse[], statements: ReadonlyMap<number, VexStatement[]>): Map<number, VexDocuments> {
  const first = new Map<number, VexUse>();
  const more = new Map<number, VexUse[]>();
  for (const use of uses) {
    const seen = first.get(use[0]);
    if (seen === undefined) first.set(use[0], use);
    else {
      const list = more.get(use[0]);
      if (list) list.push(use);
      else more.set(use[0], [seen, use]);
    }
  }
  const single = new Map<number, Map<string, VexDocuments>>();
  const sets = new Map<string, VexDocuments>();
  const one = (use: VexUse): VexDocuments => {
    let byPath = single.get(use[2]);
    if (!byPath) single.set(use[2], (byPath = new Map()));
    let set = byPath.get(use[1]);
    if (!set) byPath.set(use[1], (set = { documents: [{ evidence: use[1], statements: statements.get(use[2])! }], decided: new Map() }));
    return set;
  };
  const out = new Map<number, VexDocuments>();
  first.forEach((use, imageId) => {
    const list = more.get(imageId);
    if (!list) {
      out.set(imageId, one(use));
      return;
    }
    list.sort((a, b) => compareBinary(a[1], b[1]));
    const kept = list.filter((use, i) => i === 0 || list.findIndex((u) => u[1] === use[1]) === i);
    if (kept.length === 1) {
      out.set(imageId, one(kept[0]!));
      return;
    }
    let key = '';
    for (const use of kept) key += `${use[1]}\u0000${use[2]}\u0000`;
    let set = sets.get(key);
    if (!set) sets.set(key, (set = { documents: kept.map((use) => ({ evidence: use[1], statements: statements.get(use[2])! })), decided: new Map() }));
    out.set(imageId, set);
  });
  return out;
}

function toFinding(f: FindingRow): Finding {
  const finding: Finding = { id: f.vulnerability, aliases: JSON.parse(f.aliases) as string[], severity: f.severity as Severity };
  const pkg = { ...(f.package ? { name: f.package } : {}), ...(f.version ? { version: f.version } : {}), ...(f.purl ? { purl: f.purl } : {}) };
  if (Object.keys(pkg).length > 0) finding.package = pkg;
  return finding;
}

interface FindingRow {
  document_id: number;
  vulnerability: string;
  aliases: string;
  severity: string;
  package: string | null;
  version: string | null;
  purl: string | null;
  scanner: string | null;
}
