import type { DatabaseSync, SQLInputValue } from 'node:sqlite';

/** A query's answer: named columns and flat rows, the same for text, JSON and CSV. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/**
 * Rows as arrays of cells in column order: what CSV and the text table are
 * written from, with no object per row (a year's answer has thousands of
 * rows, and a query process is short: every object made costs it).
 */
export interface Answer {
  columns: string[];
  cells: Cell[][];
}

/** The rows as objects keyed by column name (JSON, the library's `rows`). */
export function rowObjects(columns: readonly string[], cells: readonly Cell[][]): Row[] {
  return cells.map((values) => {
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i] ?? null;
    return row;
  });
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
