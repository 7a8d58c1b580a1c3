import type { ArchiveDay, RecordedDay } from './archive-days.js';

/** What an index update must do to match the archive. */
export interface UpdatePlan {
  /** Days in the archive and not in the index. */
  add: ArchiveDay[];
  /** The newest indexed day, changed since (more images archived into it): indexed again. */
  reindex: ArchiveDay[];
  /** Set when the index as a whole is refused: it is rebuilt from the archive. */
  rebuild?: string;
  /** Days left as they are, and why. */
  skipped: { date: string; reason: string }[];
}

/**
 * Compare the day-manifest hashes the index recorded with the archive's.
 * The archive is append-only and only its newest day may still grow (archive
 * refuses a day that later days follow), so a change to the newest indexed
 * day is growth, indexed again alone; a change to any earlier day, or a day
 * gone, means the index no longer describes this archive: it is refused
 * whole and rebuilt.
 */
export function planUpdate(recorded: ReadonlyMap<string, RecordedDay>, archive: readonly ArchiveDay[]): UpdatePlan {
  const plan: UpdatePlan = { add: [], reindex: [], skipped: [] };
  const refuse = (why: string) => (plan.rebuild ??= `the index no longer matches the archive: ${why}`);
  let newestIndexed: string | undefined;
  for (const date of recorded.keys()) if (newestIndexed === undefined || date > newestIndexed) newestIndexed = date;
  const present = new Set(archive.map((d) => d.date));
  const gone = [...recorded.keys()].filter((date) => !present.has(date));
  for (const date of gone.sort()) refuse(`${date} was indexed but is no longer there`);
  for (const day of archive) {
    const known = recorded.get(day.date)?.sha256;
    if (day.pending) {
      plan.skipped.push({
        date: day.date,
        reason: `a run is writing it, or was interrupted (the next custody archive completes it)${known ? '; its rows are from before' : ''}`,
      });
    } else if (day.sha256 === undefined) {
      if (known !== undefined) refuse(`${day.date}/manifest.json was indexed but is gone`);
      plan.skipped.push({ date: day.date, reason: 'no manifest.json yet' });
    } else if (known === undefined) plan.add.push(day);
    else if (known !== day.sha256) {
      if (day.date === newestIndexed) plan.reindex.push(day);
      else
        refuse(
          `${day.date}/manifest.json has sha256 ${day.sha256}, the index recorded ${known}, and only the newest day may grow (custody verify --chain tells whether the archive was altered)`,
        );
    }
  }
  return plan;
}

/** The days a full rebuild indexes: every day with a manifest and no run pending. */
export function indexableDays(archive: readonly ArchiveDay[]): ArchiveDay[] {
  return archive.filter((d) => !d.pending && d.sha256 !== undefined);
}

export function planIsEmpty(plan: UpdatePlan): boolean {
  return plan.rebuild === undefined && plan.add.length === 0 && plan.reindex.length === 0;
}
