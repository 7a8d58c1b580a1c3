import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';

/**
 * The day folder's write-ahead journal. Written (atomically) before a
 * transaction creates files or replaces manifests, removed after the last
 * manifest is in place. While it exists, the files it lists may be present
 * but unlisted, and the manifests it lists may be between their old and new
 * content: `verify` reports that as an interrupted run, not as tampering,
 * and the next `archive` completes it.
 */
export const JOURNAL = '.custody-journal.json';

/** Journals before version 2 did not keep the previous manifests: they excuse no manifest. */
export const JOURNAL_VERSION = 2;

export interface Journal {
  schemaVersion: 1 | 2;
  startedAt: string;
  pid: number;
  /** Files the transaction creates, relative to the day folder. */
  files: { path: string; sha256: string }[];
  /**
   * Manifests the transaction replaces: sha256 before (null if new) and
   * after, and the text before. A manifest caught between the two is
   * excused by verify only when `previous` hashes to `before` and the new
   * manifest keeps every entry of it unchanged (archives only add).
   */
  manifests: { path: string; before: string | null; after: string; previous?: string | null }[];
}

export async function writeJournal(dayDir: string, journal: Journal): Promise<void> {
  await writeFileAtomic(join(dayDir, JOURNAL), `${JSON.stringify(journal)}\n`);
}

export async function removeJournal(dayDir: string): Promise<void> {
  await unlink(join(dayDir, JOURNAL)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

