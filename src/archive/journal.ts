import { readFile, unlink } from 'node:fs/promises';
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

export interface Journal {
  schemaVersion: 1;
  startedAt: string;
  pid: number;
  /** Files the transaction creates, relative to the day folder. */
  files: { path: string; sha256: string }[];
  /** Manifests the transaction replaces: sha256 before (null if new) and after. */
  manifests: { path: string; before: string | null; after: string }[];
}

const HEX = /^[a-f0-9]{64}$/;

export async function writeJournal(dayDir: string, journal: Journal): Promise<void> {
  await writeFileAtomic(join(dayDir, JOURNAL), `${JSON.stringify(journal)}\n`);
}

export async function removeJournal(dayDir: string): Promise<void> {
  await unlink(join(dayDir, JOURNAL)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** Read a journal; undefined when absent or not well-formed (a malformed one excuses nothing). */
export async function readJournal(dayDir: string): Promise<Journal | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(join(dayDir, JOURNAL), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isJournal(value)) return undefined;
  return value;
}

function isJournal(value: unknown): value is Journal {
  if (!value || typeof value !== 'object') return false;
  const j = value as Journal;
  return (
    j.schemaVersion === 1 &&
    typeof j.startedAt === 'string' &&
    Array.isArray(j.files) &&
    j.files.every((f) => f && typeof f.path === 'string' && typeof f.sha256 === 'string' && HEX.test(f.sha256)) &&
    Array.isArray(j.manifests) &&
    j.manifests.every(
      (m) => m && typeof m.path === 'string' && (m.before === null || (typeof m.before === 'string' && HEX.test(m.before))) && typeof m.after === 'string' && HEX.test(m.after),
    )
  );
}
