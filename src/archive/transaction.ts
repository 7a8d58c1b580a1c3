import { rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFilesDurably } from './atomic.js';
import { commitDayManifest, type DayPlan } from './day-folder.js';
import { sha256Hex } from '../lib/hash.js';
import { commitImageManifest, type ImagePlan, type PlannedFile } from './image-folder.js';
import { JOURNAL_VERSION } from '../lib/archive-format.js';
import { removeJournal, writeJournal } from './journal.js';
import { dayDir } from './paths.js';
import { assertRealFolders } from './real-folders.js';
import { rollBack, type Undo } from './rollback.js';

export interface Transaction {
  root: string;
  date: string;
  day: DayPlan;
  /** The image folder written in the same transaction, if any. */
  image?: { relative: string; plan: ImagePlan };
  /** Other new files of the day folder (trust copies), relative to it. */
  dayFiles?: PlannedFile[];
  now: Date;
}

/**
 * Commit one change to a day: the write-ahead journal first (what will be
 * created, which manifests move from which sha256 to which), then the new
 * files, the image manifest, the day manifest, and the journal removed. A
 * run killed anywhere in between is recognisable as interrupted (verify)
 * and completed by the next run. The caller holds the root lock.
 */
export async function commitTransaction(tx: Transaction): Promise<boolean> {
  const { root, date, day, image, dayFiles = [] } = tx;
  const imageChanged = image !== undefined && (image.plan.files.length > 0 || image.plan.previousManifestSha256 !== image.plan.manifestSha256);
  const dayChanged = day.previousSha256 !== day.sha256;
  if (!imageChanged && !dayChanged && dayFiles.length === 0) return false;
  const dayPath = dayDir(root, date);
  const written = [...dayFiles.map((file) => file.path), ...(image?.plan.files ?? []).map((file) => `${image!.relative}/${file.path}`)];
  for (const folder of new Set(['.', ...(image ? [image.relative] : []), ...written.map((path) => dirname(path))])) {
    await assertRealFolders(root, `${date}/${folder}`);
  }
  await writeJournalOrTidy(dayPath, day.previousSha256 === undefined, {
    schemaVersion: JOURNAL_VERSION,
    startedAt: tx.now.toISOString(),
    pid: process.pid,
    files: [
      ...dayFiles.map((file) => ({ path: file.path, sha256: sha256Of(file) })),
      ...(image?.plan.files ?? []).map((file) => ({ path: `${image!.relative}/${file.path}`, sha256: sha256Of(file) })),
    ],
    manifests: [
      ...(image
        ? [
            {
              path: `${image.relative}/manifest.json`,
              before: image.plan.previousManifestSha256 ?? null,
              after: image.plan.manifestSha256,
              previous: image.plan.previousManifestText ?? null,
            },
          ]
        : []),
      { path: 'manifest.json', before: day.previousSha256 ?? null, after: day.sha256, previous: day.previousText ?? null },
    ],
  });
  const undo: Undo = { dayPath, created: [], manifests: [] };
  try {
    await writeFilesDurably(dayPath, dayFiles, undo.created);
    if (image) {
      const dir = join(dayPath, image.relative);
      await writeFilesDurably(dir, image.plan.files, undo.created);
      undo.manifests.push({ dir, previous: image.plan.previousManifestText ?? null });
      await commitImageManifest(dir, image.plan);
    }
    undo.manifests.push({ dir: dayPath, previous: day.previousText ?? null });
    await commitDayManifest(root, date, day);
  } catch (err) {
    // Leave the day as it was; if even that fails, the journal stays and the next run completes it.
    await rollBack(undo).catch(() => undefined);
    throw err;
  }
  await removeJournal(dayPath);
  return true;
}

/** A planned file's sha256: of its bytes, or as its verified temporary file was hashed while written. */
function sha256Of(file: PlannedFile): string {
  return file.from ? file.from.sha256 : sha256Hex(file.bytes);
}

/**
 * The journal is the transaction's first write. When even it fails (a full
 * disk) on a day that had no manifest yet, the day folder this run created
 * is left empty: remove it, so that the archive holds no day without a
 * manifest. rmdir removes only an empty folder.
 */
async function writeJournalOrTidy(dayPath: string, newDay: boolean, journal: Parameters<typeof writeJournal>[1]): Promise<void> {
  try {
    await writeJournal(dayPath, journal);
  } catch (err) {
    if (newDay) await rmdir(dayPath).catch(() => undefined);
    throw err;
  }
}
