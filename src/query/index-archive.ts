import type { DatabaseSync } from 'node:sqlite';
import { listDayFolders, readArchiveDays } from './archive-days.js';
import { indexableDays, planIsEmpty, planUpdate } from './plan.js';
import { damageOf, indexFailure } from './index-errors.js';
import { recordedDays, refreshStats } from './recorded-days.js';
import type { IndexTotals } from './store.js';

export interface IndexOptions {
  /** Throw the index away and build it again from the archive. */
  rebuild?: boolean;
  /** Largest evidence file read for facts (default: the normaliser's limit). */
  maxBytes?: number;
  /** How long to wait for another custody run writing the index before giving up with LOCKED, in ms (default 30 s). */
  waitMs?: number;
}

/** What bringing an index up to date did. */
export interface IndexUpdate {
  root: string;
  /** The index file. */
  index: string;
  /** Why the index is kept outside the root (`ROOT cannot be written (EROFS)`), in the user's cache; null when it is in `ROOT/.custody-index/`. */
  outside: string | null;
  /** Why the whole index was (re)built, a clause after "because"; null when it was updated in place. */
  rebuilt: string | null;
  days: {
    /** Days newly indexed. */
    added: string[];
    /** The newest day, indexed again because it grew. */
    reindexed: string[];
    /** Days left out for now, and why. */
    skipped: { date: string; reason: string }[];
  };
  /** Image manifests read and checked this run. */
  images: number;
  documents: {
    /** Evidence documents new to the index (stored once, by sha256). */
    added: number;
    /** Of those, the files read, checked against their sha256 and parsed (the image's own manifests and configs are listed, not read). */
    read: number;
    /** Evidence entries whose document the index already held: not read again. */
    reused: number;
  };
}

/** What `custody index` did, and what the index holds now. */
export interface IndexReport extends IndexUpdate {
  totals: IndexTotals;
}

/**
 * Build or update the index of an archive root (`ROOT/.custody-index/`):
 * only the days not indexed yet, and the newest day again when it grew; the
 * whole index again when a day before the newest changed or went away, when
 * the index file is unusable, or with `rebuild`.
 */
export async function indexArchive(root: string, options: IndexOptions = {}): Promise<IndexReport> {
  const { IndexStore } = await import('./store.js');
  return withIndex(root, options, (db, report) => ({ ...report, totals: new IndexStore(db).totals() }));
}

/**
 * Run `read` on the index of a root, brought up to date first, and close
 * it. An index file found damaged, while it is brought up to date or read,
 * is started afresh once and built from the archive (the report's `rebuilt`
 * says so); SQLite's failures reach the caller as CustodyErrors (index-errors.ts).
 */
export async function withIndex<T>(root: string, options: IndexOptions, read: (db: DatabaseSync, report: IndexUpdate) => T): Promise<T> {
  let damaged: string | undefined;
  for (;;) {
    let opened;
    try {
      opened = await refreshIndex(root, options, damaged);
    } catch (err) {
      if (damaged === undefined && (damaged = damageOf(err)) !== undefined) continue;
      throw err;
    }
    try {
      return read(opened.db, opened.report);
    } catch (err) {
      const failure = indexFailure(err, opened.report.index, options.waitMs);
      if (damaged === undefined && (damaged = damageOf(failure)) !== undefined) continue;
      throw failure;
    } finally {
      opened.db.close();
    }
  }
}

/** The open, up-to-date index of a root, and what it took to bring it up to date (withIndex reads it and closes it). */
async function refreshIndex(root: string, options: IndexOptions = {}, damaged?: string): Promise<{ db: DatabaseSync; report: IndexUpdate }> {
  // Listing the days comes first: a path that is no archive root gets no index folder.
  const dates = listDayFolders(root);
  // node:sqlite loads only here: importing the library does not load it (Node 22 warns when it does).
  const { openIndex } = await import('./database.js');
  const opened = await openIndex(root, options.waitMs, damaged);
  const { db } = opened;
  try {
    const reason = options.rebuild && damaged === undefined ? 'a rebuild was asked for' : opened.fresh;
    const recorded = recordedDays(db);
    let archive = readArchiveDays(root, dates, reason === undefined ? recorded : new Map());
    let plan = planUpdate(recorded, archive);
    if (plan.rebuild !== undefined) {
      // The index is refused: look at every day afresh (hashes, journals), trusting nothing it recorded.
      archive = readArchiveDays(root, dates);
      plan = planUpdate(recorded, archive);
    }
    let counts = { images: 0, added: 0, read: 0, reused: 0 };
    const indexing = !planIsEmpty(plan) || reason !== undefined;
    if (indexing) {
      // The indexer loads the format readers and schemas: only when there is something to index.
      const { updateIndex } = await import('./indexer.js');
      ({ plan, counts } = updateIndex(db, root, archive, reason, options.maxBytes, !options.rebuild));
    }
    // What the index recorded is read again only when this run may have changed it.
    refreshStats(db, archive, indexing ? undefined : recorded);
    const report: IndexUpdate = {
      root,
      index: opened.path,
      outside: opened.outside ?? null,
      rebuilt: plan.rebuild ?? null,
      days: {
        added: (plan.rebuild !== undefined ? indexableDays(archive) : plan.add).map((d) => d.date),
        reindexed: plan.rebuild !== undefined ? [] : plan.reindex.map((d) => d.date),
        skipped: plan.skipped,
      },
      images: counts.images,
      documents: { added: counts.added, read: counts.read, reused: counts.reused },
    };
    return { db, report };
  } catch (err) {
    db.close();
    throw indexFailure(err, opened.path, options.waitMs);
  }
}

/** Lines saying what an update did, for stderr (nothing when the index, in the root, was already up to date); where the index is kept when that is not the root. */
export function indexNotices(report: IndexUpdate): string[] {
  const lines: string[] = [];
  if (report.outside !== null) lines.push(`index: ${report.outside}: the index is kept in ${report.index}`);
  const what = indexWork(report);
  if (report.rebuilt !== null) lines.push(`index: built from ${report.days.added.length} day(s) because ${report.rebuilt}: ${what}`);
  else {
    if (report.days.reindexed.length > 0) lines.push(`index: ${report.days.reindexed.join(', ')} grew since it was indexed; indexed again`);
    if (report.days.added.length > 0) lines.push(`index: ${report.days.added.length} new day(s) indexed (${dayRange(report.days.added)}): ${what}`);
  }
  for (const skip of report.days.skipped) lines.push(`index: ${skip.date} not indexed: ${skip.reason}`);
  return lines;
}

function dayRange(days: string[]): string {
  return days.length === 1 ? days[0]! : `${days[0]}…${days.at(-1)}`;
}

/** What an update read, in words. */
export function indexWork(report: IndexUpdate): string {
  const d = report.documents;
  return `${report.images} image manifest(s) checked, ${d.added} new document(s) stored (${d.read} read and parsed), ${d.reused} evidence entries already indexed`;
}
