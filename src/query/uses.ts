import type { DatabaseSync, SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { DayRange } from './answer.js';

/** An image as a day manifest names it (`subjects`), the same on every day it is archived so. */
export interface Subject {
  id: number;
  ref: string;
  digest: string | null;
  /** Its folder, `images/…`. */
  path: string | null;
  /** JSON array of its platform manifests' digests. */
  platforms: string;
  repository: string | null;
}

/** A use of a document: an evidence entry naming it in an image's manifest on a day. */
export interface DocumentUse {
  documentId: number;
  imageId: number;
  date: string;
  subject: Subject;
  /** The evidence entry's path in the image folder. */
  path: string;
  format: string;
  valid: boolean;
}

/**
 * Every use of these documents on the days in range, in the order answers
 * list them: by date, reference, digest and evidence path (as
 * `ORDER BY date, ref, digest, path` would). A document's uses are read
 * from `uses`, one row for the entries that differ only by day (a document
 * archived daily for a month is one row, its 30 days listed); each subject
 * is read once and ranked by SQLite itself, so that references order as
 * SQLite orders text.
 */
export function documentUses(db: DatabaseSync, documentIds: Iterable<number>, range: DayRange): DocumentUse[] {
  const rows = allArrays(
    db,
    'SELECT document_id, subject_id, path, format, valid, days FROM uses WHERE document_id IN (SELECT value FROM json_each(?))',
    JSON.stringify([...documentIds]),
  );
  const subjects = subjectsById(db, new Set(rows.map((r) => r[1] as number)));
  // Days as the number YYYYMMDD, which orders them as their dates do; each day's date string is made once.
  const since = dayNumber(range.since);
  const until = dayNumber(range.until);
  const days = new Map<number, { date: string; uses: RankedUse[] }>();
  // Indexed reads, no destructuring: in a short-lived process this loop runs before the JIT optimises it.
  for (const r of rows) {
    const ranked = subjects.get(r[1] as number)!;
    const pairs = JSON.parse(r[5] as string) as [number, number][];
    for (const pair of pairs) {
      const number = pair[0];
      if (number < since || number > until) continue;
      let day = days.get(number);
      if (!day) days.set(number, (day = { date: dateOf(number), uses: [] }));
      day.uses.push({
        documentId: r[0] as number,
        imageId: pair[1],
        date: day.date,
        subject: ranked.subject,
        path: r[2] as string,
        format: r[3] as string,
        valid: r[4] === 1,
        rank: ranked.rank,
      });
    }
  }
  // The days in order, then each day's few uses sorted: far fewer comparisons than one sort of the year's thousands.
  const uses: DocumentUse[] = [];
  for (const number of [...days.keys()].sort((a, b) => a - b)) {
    const day = days.get(number)!.uses.sort((a, b) => a.rank - b.rank || compareBinary(a.path, b.path) || a.imageId - b.imageId);
    for (const use of day) uses.push(use);
  }
  return uses;
}

/** `YYYY-MM-DD` (or a range end such as `0000-00-00`, `9999-99-99`) as the number YYYYMMDD. */
function dayNumber(date: string): number {
  return Number(date.replace(/-/g, ''));
}

/** The number YYYYMMDD as `YYYY-MM-DD`. */
function dateOf(day: number): string {
  const text = String(day).padStart(8, '0');
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`;
}

/** A use, with its subject's rank by reference and digest (subjectsById). */
interface RankedUse extends DocumentUse {
  rank: number;
}

/** Subjects by id, each with its rank in SQLite's order of reference, then digest (the same rank for the same pair). */
function subjectsById(db: DatabaseSync, ids: Set<number>): Map<number, { subject: Subject; rank: number }> {
  const out = new Map<number, { subject: Subject; rank: number }>();
  if (ids.size === 0) return out;
  const rows = allArrays(
    db,
    'SELECT id, ref, digest, path, platforms, repository FROM subjects WHERE id IN (SELECT value FROM json_each(?)) ORDER BY ref, digest',
    JSON.stringify([...ids]),
  );
  let rank = 0;
  let previous: Subject | undefined;
  for (const r of rows) {
    const subject = { id: r[0], ref: r[1], digest: r[2], path: r[3], platforms: r[4], repository: r[5] } as Subject;
    if (previous && (previous.ref !== subject.ref || previous.digest !== subject.digest)) rank++;
    out.set(subject.id, { subject, rank });
    previous = subject;
  }
  return out;
}

/**
 * Compare two strings as SQLite's BINARY collation compares their UTF-8
 * bytes: by code point. Code-unit order (JavaScript's `<`) differs only
 * where a surrogate pair meets a character from U+E000 to U+FFFF.
 */
export function compareBinary(a: string, b: string): number {
  if (a === b) return 0;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * Every row of a statement as an array of its column values, in the
 * SELECT's order: node:sqlite builds no object per row where it can
 * (`setReturnArrays`, Node 24), else each row object is read in column order.
 */
export function allArrays(db: DatabaseSync, sql: string, ...params: SQLInputValue[]): SQLOutputValue[][] {
  const statement = db.prepare(sql);
  if (typeof statement.setReturnArrays === 'function') {
    statement.setReturnArrays(true);
    return statement.all(...params) as unknown as SQLOutputValue[][];
  }
  return statement.all(...params).map((row) => Object.values(row));
}
