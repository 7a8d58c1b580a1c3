import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { isSafeRelativePath } from '../verify/safe-path.js';
import type { ArchiveDay } from './archive-days.js';
import { readDocument } from './document-facts.js';
import { indexableDays, planIsEmpty, planUpdate, type UpdatePlan } from './plan.js';
import { fail, readCheckedDay } from './read-day.js';
import { IndexStore } from './store.js';
import { DEFAULT_LIMITS } from '../lib/limits.js';

export interface UpdateCounts {
  /** Image manifests read and checked. */
  images: number;
  /** Evidence documents new to the index. */
  added: number;
  /** Of those, the ones read, checked against their sha256 and parsed (not the image's own manifests and configs). */
  read: number;
  /** Evidence entries whose document the index already held: not read again. */
  reused: number;
}

/**
 * Bring the index up to date with the archive as read (`archive`): plan
 * from the recorded day-manifest hashes, then apply the plan in one
 * transaction, so that the index changes whole or not at all. The plan is
 * made again once the write lock is held (another run may have done the
 * work meanwhile). `rebuild` forces a full rebuild, for that reason; with
 * `onlyIfEmpty`, only while the index holds no day (a new index file that
 * another run filled while this one waited for the lock is not built twice). Days
 * are read and checked (read-day.ts) before anything of theirs is inserted.
 */
export function updateIndex(
  db: DatabaseSync,
  root: string,
  archive: readonly ArchiveDay[],
  rebuild: string | undefined,
  maxBytes = DEFAULT_LIMITS.maxBytes,
  onlyIfEmpty = false,
): { plan: UpdatePlan; counts: UpdateCounts } {
  const counts: UpdateCounts = { images: 0, added: 0, read: 0, reused: 0 };
  const store = new IndexStore(db);
  const planNow = (): UpdatePlan => {
    const recorded = store.recordedDays();
    const plan = planUpdate(recorded, archive);
    return rebuild === undefined || (onlyIfEmpty && recorded.size > 0) ? plan : { ...plan, rebuild };
  };
  let plan = planNow();
  if (planIsEmpty(plan)) return { plan, counts };
  db.exec('BEGIN IMMEDIATE');
  try {
    plan = planNow();
    const rebuilding = plan.rebuild !== undefined;
    const days = rebuilding ? indexableDays(archive) : [...plan.reindex, ...plan.add];
    if (rebuilding) store.clear();
    else for (const day of plan.reindex) store.deleteDay(day.date);
    for (const { date } of days) indexDay(store, root, date, maxBytes, counts);
    store.writeUses();
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
  return { plan, counts };
}

function indexDay(store: IndexStore, root: string, date: string, maxBytes: number, counts: UpdateCounts): void {
  const day = readCheckedDay(root, date);
  const evidence = day.images.reduce((n, { manifest }) => n + (manifest?.evidence.length ?? 0), 0);
  store.insertDay(date, day.sha256, { images: day.images.length, evidence }, day.stat);
  for (const { image, manifest } of day.images) {
    const stored = store.insertImage(date, image, manifest);
    if (!manifest) continue;
    counts.images++;
    for (const [index, entry] of manifest.evidence.entries()) {
      const folder = `${date}/${image.path}`;
      if (!isSafeRelativePath(entry.path)) fail(`${folder}/manifest.json#/evidence/${index}/path "${entry.path}" leaves its folder`, root);
      let documentId = store.documentId(entry.sha256);
      if (documentId !== undefined) counts.reused++;
      else {
        const document = readDocument(join(root, folder, entry.path), `${folder}/${entry.path}`, entry, maxBytes, root);
        documentId = store.insertDocument(document);
        counts.added++;
        if (document.parsed) counts.read++;
      }
      store.insertEvidence(stored, documentId, entry);
    }
  }
}
