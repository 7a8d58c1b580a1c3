import type { DatabaseSync } from 'node:sqlite';
import { all, type Answer, type DayRange } from '../answer.js';

export const MISSING_KINDS = ['signature', 'sbom', 'provenance', 'scan'] as const;
export type MissingKind = (typeof MISSING_KINDS)[number];

export interface MissingQuery {
  kind: 'missing';
  what: MissingKind;
}

/**
 * What counts as having it, over an evidence row `e` and its document `d`:
 * a signature over the image (cosign, Notation, a Sigstore bundle; not an
 * attestation's envelope), an SBOM (document or attestation), SLSA
 * provenance, a vulnerability scan. Only valid evidence counts.
 */
export const HAS: Record<MissingKind, string> = {
  signature: "(e.kind = 'signature' OR d.signed_purpose = 'signature')",
  sbom: "(e.kind = 'sbom' OR d.sbom_format IS NOT NULL)",
  provenance: '(d.provenance = 1)',
  scan: "(e.kind = 'scan' OR d.scan_format IS NOT NULL)",
};

/** Each image of each day in range that has no valid evidence of the kind, with what it has instead. */
export function queryMissing(db: DatabaseSync, what: MissingKind, range: DayRange): Answer {
  const columns = ['date', 'ref', 'digest', 'status', 'missing', 'found'];
  const rows = all<{ date: string; ref: string; digest: string | null; status: string; error: string | null; present: number }>(
    db,
    `SELECT i.date, s.ref, s.digest, i.status, i.error,
            count(CASE WHEN ${HAS[what]} THEN 1 END) AS present,
            count(CASE WHEN ${HAS[what]} AND e.valid = 1 THEN 1 END) AS usable
       FROM images i JOIN subjects s ON s.id = i.subject_id LEFT JOIN evidence e ON e.image_id = i.id LEFT JOIN documents d ON d.id = e.document_id
      WHERE i.date >= ? AND i.date <= ?
      GROUP BY i.id HAVING usable = 0
      ORDER BY i.date, s.ref, s.digest`,
    range.since,
    range.until,
  );
  return {
    columns,
    cells: rows.map((r) => [
      r.date,
      r.ref,
      r.digest,
      r.status,
      what,
      r.present > 0
        ? `${r.present} ${what} file(s), none valid`
        : r.status === 'failed'
          ? `nothing: the image failed (${r.error ?? 'no reason recorded'})`
          : 'none',
    ]),
  };
}
