import type { DatabaseSync, SQLInputValue } from 'node:sqlite';

/** A query's answer: named columns and flat rows, the same for text, JSON and CSV. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Answer {
  columns: string[];
  rows: Row[];
}

/** Days a query looks at, both ends included (`YYYY-MM-DD`). */
export interface DayRange {
  since: string;
  until: string;
}

/** Every row of a statement, typed by the caller (node:sqlite returns plain objects). */
export function all<T>(db: DatabaseSync, sql: string, ...params: SQLInputValue[]): T[] {
  return db.prepare(sql).all(...params) as T[];
}

/** The archive-relative path of an evidence file: `DATE/images/…/evidence/NAME`. */
export function archivePath(date: string, imagePath: string | null, evidencePath: string): string {
  return `${date}/${imagePath ?? ''}/${evidencePath}`;
}
