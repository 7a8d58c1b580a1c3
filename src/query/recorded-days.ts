import type { DatabaseSync } from 'node:sqlite';
import type { ArchiveDay, RecordedDay } from './archive-days.js';

/*
 * What a query reads and writes of the days table before answering, apart
 * from store.ts (which writes everything else, and loads the reference and
 * purl parsers a query does not need).
 */

/** The recorded sha256 of every indexed day manifest, and the file identity it had when hashed. */
export function recordedDays(db: DatabaseSync): Map<string, RecordedDay> {
  const rows = db.prepare('SELECT date, manifest_sha256, stat, stat_at FROM days').all() as {
    date: string;
    manifest_sha256: string;
    stat: string | null;
    stat_at: number | null;
  }[];
  return new Map(rows.map((r) => [r.date, { sha256: r.manifest_sha256, stat: r.stat, statAt: r.stat_at }]));
}

/** Days whose manifest kept its sha256 under a new file identity (copied, touched): record the new one, so that the next look need not hash them. */
export function refreshStats(db: DatabaseSync, days: readonly ArchiveDay[], recorded = recordedDays(db)): number {
  const changed = days.filter(
    (d) => d.sha256 !== undefined && d.stat !== undefined && recorded.get(d.date)?.sha256 === d.sha256 && recorded.get(d.date)?.stat !== d.stat,
  );
  if (changed.length === 0) return 0;
  const update = db.prepare('UPDATE days SET stat = ?, stat_at = ? WHERE date = ? AND manifest_sha256 = ?');
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const d of changed) update.run(d.stat!, d.statAt, d.date, d.sha256!);
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
  return changed.length;
}
