import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { SEVERITY_ORDER, type Severity } from '../../gate/policy/types.js';
import { isDigest, parseReference } from '../../oci/reference.js';
import { all, type Answer, type Cell, type DayRange } from '../answer.js';
import { referenceParts } from '../store.js';
import { HAS } from './missing.js';

export interface ImageQuery {
  kind: 'image';
  /** `registry/repo[:tag][@digest]`, `oci:PATH[:tag][@digest]`, or a bare `sha256:…` digest. */
  ref: string;
}

/** How a reference selects images: SQL over their subjects `s`, checked before the index is touched. */
export interface ImageMatch {
  where: string;
  params: SQLInputValue[];
}

/**
 * A digest matches the image or one of its platform manifests; a reference
 * matches its repository, and its tag and digest when it has them (so
 * `ghcr.io/acme/app` is every tag of it). A malformed reference throws
 * INVALID_REFERENCE.
 */
export function prepareImage(query: ImageQuery): ImageMatch {
  const ref = query.ref.trim();
  if (isDigest(ref)) return { where: '(s.digest = ? OR EXISTS (SELECT 1 FROM json_each(s.platforms) WHERE value = ?))', params: [ref, ref] };
  const parsed = parseReference(ref);
  const { repository } = referenceParts(ref);
  const where = ['s.repository = ?'];
  const params: SQLInputValue[] = [repository];
  if (parsed.tag !== undefined) {
    where.push('s.tag = ?');
    params.push(parsed.tag);
  }
  if (parsed.digest !== undefined) {
    where.push('s.digest = ?');
    params.push(parsed.digest);
  }
  return { where: where.join(' AND '), params };
}

/**
 * The image's history: one row per day it was archived, with its digest
 * (and whether it changed since the row before for the same reference), its
 * status, and what its evidence says — signature verdict and signer, SBOMs,
 * provenance builder, scans with severity counts, VEX statements, and how
 * many files are invalid.
 */
export function queryImage(db: DatabaseSync, match: ImageMatch, range: DayRange): Answer {
  const columns = ['date', 'ref', 'digest', 'digest_changed', 'status', 'signature', 'sbom', 'provenance', 'scan', 'vex', 'evidence', 'invalid'];
  const images = all<ImageRow>(
    db,
    `SELECT i.id, i.date, s.ref, s.digest, i.status, i.error FROM subjects s JOIN images i ON i.subject_id = s.id
      WHERE ${match.where} AND i.date >= ? AND i.date <= ? ORDER BY i.date, s.ref, s.digest`,
    ...match.params,
    range.since,
    range.until,
  );
  if (images.length === 0) return { columns, cells: [] };
  const ids = JSON.stringify(images.map((i) => i.id));
  const evidence = all<EvidenceRow>(
    db,
    `SELECT e.image_id, e.valid, e.verified, e.verification_code, e.signer,
            ${HAS.signature} AS is_signature, ${HAS.sbom} AS is_sbom, ${HAS.scan} AS is_scan,
            d.sbom_format, d.component_count, d.provenance, d.builder_id, d.scanner, e.document_id, d.vex_statement_count
       FROM evidence e LEFT JOIN documents d ON d.id = e.document_id
      WHERE e.image_id IN (SELECT value FROM json_each(?)) ORDER BY e.image_id, e.path`,
    ids,
  );
  const severities = severityCounts(db, [...new Set(evidence.filter((e) => e.is_scan && e.valid).map((e) => e.document_id))]);
  const byImage = new Map<number, EvidenceRow[]>();
  for (const e of evidence) byImage.set(e.image_id, [...(byImage.get(e.image_id) ?? []), e]);

  const lastDigest = new Map<string, string | null>();
  const cells: Cell[][] = images.map((image) => {
    const files = byImage.get(image.id) ?? [];
    const valid = files.filter((e) => e.valid === 1);
    const previous = lastDigest.get(image.ref);
    lastDigest.set(image.ref, image.digest);
    // In columns' order: date, ref, digest, digest_changed, status, signature, sbom, provenance, scan, vex, evidence, invalid.
    return [
      image.date,
      image.ref,
      image.digest,
      previous !== undefined && previous !== image.digest,
      image.status === 'failed' ? `failed: ${image.error ?? 'no reason recorded'}` : image.status,
      signatureSummary(files.filter((e) => e.is_signature)),
      list(valid.filter((e) => e.is_sbom).map((e) => `${e.sbom_format ?? 'sbom'}${e.component_count !== null ? ` (${e.component_count} components)` : ''}`)),
      list(valid.filter((e) => e.provenance === 1).map((e) => e.builder_id ?? 'builder not named')),
      list(valid.filter((e) => e.is_scan).map((e) => `${e.scanner ?? 'scan'}: ${severities.get(e.document_id) ?? 'no findings'}`)),
      valid.reduce((n, e) => n + (e.vex_statement_count ?? 0), 0),
      files.length,
      files.length - valid.length,
    ];
  });
  return { columns, cells };
}

/** `verified: SIGNER` when a valid signature verified at archive time, else why not; `none` without one. */
function signatureSummary(signatures: EvidenceRow[]): string {
  const verified = [...new Set(signatures.filter((s) => s.valid === 1 && s.verified === 1).map((s) => s.signer ?? 'signer not named'))];
  if (verified.length > 0) return `verified: ${verified.join(', ')}`;
  const valid = signatures.filter((s) => s.valid === 1);
  if (valid.length > 0)
    return `not verified: ${[...new Set(valid.map((s) => s.verification_code ?? (s.verified === null ? 'no verdict' : 'failed')))].join(', ')}`;
  return signatures.length > 0 ? 'invalid' : 'none';
}

/** `1 CRITICAL, 2 HIGH` per scan document, most severe first. */
function severityCounts(db: DatabaseSync, documents: number[]): Map<number, string> {
  const rows = all<{ document_id: number; severity: string; n: number }>(
    db,
    'SELECT document_id, severity, count(*) AS n FROM findings WHERE document_id IN (SELECT value FROM json_each(?)) GROUP BY document_id, severity',
    JSON.stringify(documents),
  );
  const out = new Map<number, { severity: string; n: number }[]>();
  for (const r of rows) out.set(r.document_id, [...(out.get(r.document_id) ?? []), r]);
  return new Map(
    [...out].map(([sha, counts]) => [
      sha,
      counts
        .sort((a, b) => SEVERITY_ORDER.indexOf(b.severity as Severity) - SEVERITY_ORDER.indexOf(a.severity as Severity))
        .map((c) => `${c.n} ${c.severity}`)
        .join(', '),
    ]),
  );
}

function list(values: string[]): string {
  const unique = [...new Set(values)];
  return unique.length > 0 ? unique.join('; ') : 'none';
}

interface ImageRow {
  id: number;
  date: string;
  ref: string;
  digest: string | null;
  status: string;
  error: string | null;
}

interface EvidenceRow {
  image_id: number;
  valid: number;
  verified: number | null;
  verification_code: string | null;
  signer: string | null;
  is_signature: number;
  is_sbom: number;
  is_scan: number;
  sbom_format: string | null;
  component_count: number | null;
  provenance: number | null;
  builder_id: string | null;
  scanner: string | null;
  document_id: number;
  vex_statement_count: number | null;
}
