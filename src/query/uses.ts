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
 * `ORDER BY date, ref, digest, path` would). Rows are read by integer key
 * from the covering index of evidence alone; each subject is read once and ranked
 * by SQLite itself, so that references order as SQLite orders text.
 */
export function documentUses(db: DatabaseSync, documentIds: Iterable<number>, range: DayRange): DocumentUse[] {
  const rows = allArrays(
    db,
    `SELECT e.document_id, e.image_id, e.date, e.subject_id, e.path, e.format, e.valid
       FROM evidence e WHERE e.document_id IN (SELECT value FROM json_each(?)) AND e.date >= ? AND e.date <= ?`,
    JSON.stringify([...documentIds]),
    range.since,
    range.until,
  );
  const subjects = subjectsById(db, new Set(rows.map((r) => r[3] as number)));
  // Dates are ASCII (YYYY-MM-DD), so the number YYYYMMDD orders them. Uses are gathered per day, the days put
  // in order, then each day's few uses sorted: far fewer comparisons than one sort of the year's thousands.
  const days = new Map<string, { date: string; day: number; uses: RankedUse[] }>();
  // Indexed reads, no destructuring: in a short-lived process this loop runs before the JIT optimises it.
  for (const r of rows) {
    const ranked = subjects.get(r[3] as number)!;
    const text = r[2] as string;
    let day = days.get(text);
    if (!day) days.set(text, (day = { date: text, day: Number(text.replace(/-/g, '')), uses: [] }));
    day.uses.push({
      documentId: r[0] as number,
      imageId: r[1] as number,
      date: day.date,
      subject: ranked.subject,
      path: r[4] as string,
      format: r[5] as string,
      valid: r[6] === 1,
      rank: ranked.rank,
    });
  }
  const uses: DocumentUse[] = [];
  for (const day of [...days.values()].sort((a, b) => a.day - b.day)) {
    day.uses.sort((a, b) => a.rank - b.rank || compareBinary(a.path, b.path) || a.imageId - b.imageId);
    for (const use of day.uses) uses.push(use);
  }
  return uses;
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
