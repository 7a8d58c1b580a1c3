import type { DatabaseSync } from 'node:sqlite';
import { parseReference } from '../oci/reference.js';
import type { DayImage, EvidenceEntry, ImageManifest } from '../types.js';
import type { RecordedDay } from './archive-days.js';
import type { DocumentFacts } from './document-facts.js';
import { purlShortName, splitPurl } from './purl.js';
import { recordedDays } from './recorded-days.js';
import { DATA_TABLES } from './schema.js';

export interface IndexTotals {
  days: number;
  images: number;
  evidence: number;
  documents: number;
  components: number;
  findings: number;
  vexStatements: number;
}

/** An image-day as stored: its row id, day and subject. */
export interface StoredImage {
  id: number;
  date: string;
  subjectId: number;
}

/** The statements an update runs, prepared once per store, and only by a store that writes (a query's does not). */
function prepareStatements(db: DatabaseSync) {
  return {
    insertDay: db.prepare('INSERT INTO days (date, manifest_sha256, image_count, evidence_count, indexed_at, stat, stat_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    findSubject: db.prepare(
      'SELECT id FROM subjects WHERE ref = ? AND digest IS ? AND repository IS ? AND tag IS ? AND path IS ? AND platforms = ? ORDER BY id LIMIT 1',
    ),
    insertSubject: db.prepare('INSERT INTO subjects (ref, repository, tag, digest, path, platforms) VALUES (?, ?, ?, ?, ?, ?)'),
    insertImage: db.prepare('INSERT INTO images (date, subject_id, manifest_sha256, status, error) VALUES (?, ?, ?, ?, ?)'),
    insertEvidence: db.prepare(
      'INSERT INTO evidence (image_id, document_id, date, subject_id, path, kind, format, valid, problem, verified, verification_code, signer, issuer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    findDocument: db.prepare('SELECT id FROM documents WHERE sha256 = ?'),
    insertDocument: db.prepare(
      `INSERT INTO documents (sha256, size, media_type, parsed, read_errors, sbom_format, component_count, scan_format, scanner, scanned_at, finding_count,
        predicate_type, provenance, builder_id, source_repository, signed_format, signed_purpose, vex_author, vex_statement_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertComponent: db.prepare('INSERT INTO components (document_id, name, short_name, version, purl, purl_name) VALUES (?, ?, ?, ?, ?, ?)'),
    insertFinding: db.prepare('INSERT INTO findings (document_id, vulnerability, aliases, severity, package, version, purl) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    insertFindingName: db.prepare('INSERT INTO finding_names (finding_id, name) VALUES (?, ?)'),
    insertVex: db.prepare(
      'INSERT INTO vex_statements (document_id, vulnerability, aliases, status, justification, timestamp, products) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertVexName: db.prepare('INSERT INTO vex_names (statement_id, name) VALUES (?, ?)'),
  };
}

/** Reads and writes the index's rows. */
export class IndexStore {
  private prepared: ReturnType<typeof prepareStatements> | undefined;
  /** Subject ids by their columns, as found or inserted by this store: most images are the same subject as the day before. */
  private readonly subjects = new Map<string, number>();
  /** Documents whose evidence rows this update added or deleted (writeUses() makes their `uses` rows again); all of them after clear(). */
  private readonly touched = new Set<number>();
  private cleared = false;

  constructor(private readonly db: DatabaseSync) {}

  private get statements(): ReturnType<typeof prepareStatements> {
    return (this.prepared ??= prepareStatements(this.db));
  }

  /** The recorded sha256 of every indexed day manifest, and the file identity it had when hashed. */
  recordedDays(): Map<string, RecordedDay> {
    return recordedDays(this.db);
  }

  clear(): void {
    for (const table of DATA_TABLES) this.db.exec(`DELETE FROM ${table}`);
    this.subjects.clear();
    this.cleared = true;
  }

  /** Forget a day's images and uses of documents; the documents and subjects stay (other days may list them). */
  deleteDay(date: string): void {
    // The day's evidence rows found through its images (evidence_image), both to note their documents and to delete them.
    const ofDay = 'FROM evidence WHERE image_id IN (SELECT id FROM images WHERE date = ?)';
    for (const row of this.db.prepare(`SELECT DISTINCT document_id ${ofDay}`).all(date) as { document_id: number }[]) this.touched.add(row.document_id);
    this.db.prepare(`DELETE ${ofDay}`).run(date);
    this.db.prepare('DELETE FROM images WHERE date = ?').run(date);
    this.db.prepare('DELETE FROM days WHERE date = ?').run(date);
  }

  /** A day and how many images and evidence entries it is about to get (totals() adds them up). */
  insertDay(date: string, sha256: string, counts: { images: number; evidence: number }, stat: { key: string; at: number } | undefined): void {
    this.statements.insertDay.run(date, sha256, counts.images, counts.evidence, new Date().toISOString(), stat?.key ?? null, stat?.at ?? null);
  }

  insertImage(date: string, image: DayImage, manifest: ImageManifest | undefined): StoredImage {
    const subjectId = this.subjectId(image, manifest);
    const result = this.statements.insertImage.run(date, subjectId, image.manifestSha256, image.status, image.error);
    return { id: Number(result.lastInsertRowid), date, subjectId };
  }

  /** The subject an image of a day manifest is: found, or inserted the first time it is seen. */
  private subjectId(image: DayImage, manifest: ImageManifest | undefined): number {
    const parsed = referenceParts(image.ref);
    const platforms = JSON.stringify((manifest?.subject.platforms ?? []).map((p) => p.digest));
    const columns = [image.ref, image.digest, parsed.repository, parsed.tag ?? manifest?.subject.tag ?? null, image.path, platforms] as const;
    const key = JSON.stringify(columns);
    let id = this.subjects.get(key);
    if (id === undefined) {
      const found = this.statements.findSubject.get(...columns) as { id: number } | undefined;
      const [ref, digest, repository, tag, path] = columns;
      id = found?.id ?? Number(this.statements.insertSubject.run(ref, repository, tag, digest, path, platforms).lastInsertRowid);
      this.subjects.set(key, id);
    }
    return id;
  }

  /**
   * Make `uses` match `evidence` again for the documents this update touched
   * (every document after clear(), or with `all`): their rows are grouped
   * anew from their evidence rows, read through the covering index by
   * document. Called once per update, after its days are written, inside
   * its transaction.
   */
  writeUses(all = this.cleared): void {
    const grouped = `SELECT document_id, subject_id, path, format, valid, json_group_array(json_array(CAST(replace(date, '-', '') AS INTEGER), image_id))
      FROM evidence`;
    const by = 'GROUP BY document_id, subject_id, path, format, valid';
    const insert = 'INSERT INTO uses (document_id, subject_id, path, format, valid, days)';
    if (all) {
      this.db.exec('DELETE FROM uses');
      this.db.exec(`${insert} ${grouped} ${by}`);
    } else if (this.touched.size > 0) {
      const ids = JSON.stringify([...this.touched]);
      this.db.prepare('DELETE FROM uses WHERE document_id IN (SELECT value FROM json_each(?))').run(ids);
      this.db.prepare(`${insert} ${grouped} WHERE document_id IN (SELECT value FROM json_each(?)) ${by}`).run(ids);
    }
    this.touched.clear();
    this.cleared = false;
  }

  insertEvidence(image: StoredImage, documentId: number, entry: EvidenceEntry): void {
    this.touched.add(documentId);
    const v = entry.verification;
    const signer = v?.identity?.san ?? text(entry.summary.certificateIdentity) ?? (v?.identity?.keyHint ? `key ${v.identity.keyHint}` : undefined);
    const issuer = v?.identity?.issuer ?? text(entry.summary.certificateIssuer);
    this.statements.insertEvidence.run(
      image.id,
      documentId,
      image.date,
      image.subjectId,
      entry.path,
      entry.kind,
      entry.format,
      entry.valid ? 1 : 0,
      entry.problems[0]?.message ?? null,
      v === undefined ? null : v.verified ? 1 : 0,
      v?.code ?? null,
      signer ?? null,
      issuer ?? null,
    );
  }

  /** The id of the document with that sha256, undefined when the index does not hold it yet. */
  documentId(sha256: string): number | undefined {
    return (this.statements.findDocument.get(sha256) as { id: number } | undefined)?.id;
  }

  /** Store a document and the facts read from it; its id. */
  insertDocument(doc: DocumentFacts): number {
    const { facts } = doc;
    const documentId = Number(
      this.statements.insertDocument.run(
        doc.sha256,
        doc.size,
        doc.mediaType,
        doc.parsed ? 1 : 0,
        facts.errors.length > 0 ? facts.errors.join('; ') : null,
        facts.sbom?.format ?? null,
        facts.sbom?.componentCount ?? null,
        facts.scan?.format ?? null,
        facts.scan?.scanner ?? null,
        facts.scan?.scannedAt ?? null,
        facts.scan?.findings.length ?? null,
        facts.statement?.predicateType ?? null,
        facts.provenance ? 1 : 0,
        facts.provenance?.builderId ?? null,
        facts.provenance?.sourceRepository ?? null,
        facts.signed?.format ?? null,
        facts.signed?.purpose ?? null,
        facts.vex?.author ?? null,
        facts.vex?.statements.length ?? null,
      ).lastInsertRowid,
    );
    for (const c of doc.components) {
      const short = c.purl ? purlShortName(c.purl) : '';
      this.statements.insertComponent.run(
        documentId,
        c.name,
        // Stored only where it adds a name to match: each index entry is a page an update may write.
        short === '' || short === c.name ? null : short,
        c.version ?? null,
        c.purl ?? null,
        c.purl ? splitPurl(c.purl).name : null,
      );
    }
    for (const f of facts.scan?.findings ?? []) {
      const id = Number(
        this.statements.insertFinding.run(
          documentId,
          f.id,
          JSON.stringify(f.aliases),
          f.severity,
          f.package?.name ?? null,
          f.package?.version ?? null,
          f.package?.purl ?? null,
        ).lastInsertRowid,
      );
      for (const name of new Set([f.id, ...f.aliases].map((n) => n.toUpperCase()))) this.statements.insertFindingName.run(id, name);
    }
    for (const s of facts.vex?.statements ?? []) {
      const id = Number(
        this.statements.insertVex.run(
          documentId,
          s.vulnerability,
          JSON.stringify(s.aliases),
          s.status,
          s.justification ?? null,
          s.timestamp ?? null,
          JSON.stringify(s.products),
        ).lastInsertRowid,
      );
      for (const name of new Set([s.vulnerability, ...s.aliases].map((n) => n.toUpperCase()))) this.statements.insertVexName.run(id, name);
    }
    return documentId;
  }

  /**
   * What the index holds, without counting hundreds of thousands of rows:
   * each day records its images and evidence entries (a day's rows come and
   * go with its `days` row); documents and what hangs off them are only ever
   * added, or all deleted at once (clear), so their rowids run 1..n without a
   * gap and the largest is their count.
   */
  totals(): IndexTotals {
    const row = this.db
      .prepare(
        `SELECT (SELECT count(*) FROM days) AS days, (SELECT sum(image_count) FROM days) AS images, (SELECT sum(evidence_count) FROM days) AS evidence,
                (SELECT max(rowid) FROM documents) AS documents, (SELECT max(rowid) FROM components) AS components,
                (SELECT max(rowid) FROM findings) AS findings, (SELECT max(rowid) FROM vex_statements) AS vex_statements`,
      )
      .get() as Record<string, number | null>;
    const n = (key: string) => Number(row[key] ?? 0);
    return {
      days: n('days'),
      images: n('images'),
      evidence: n('evidence'),
      documents: n('documents'),
      components: n('components'),
      findings: n('findings'),
      vexStatements: n('vex_statements'),
    };
  }
}

/** `repository` (the reference without tag or digest) and tag of a recorded reference; null parts when it does not parse. */
export function referenceParts(ref: string): { repository: string | null; tag: string | null } {
  try {
    const parsed = parseReference(ref);
    const repository = parsed.type === 'registry' ? `${parsed.registry}/${parsed.repository}` : `oci:${parsed.path}`;
    return { repository, tag: parsed.tag ?? null };
  } catch {
    return { repository: null, tag: null };
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
