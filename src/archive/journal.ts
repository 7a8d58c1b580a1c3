import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL, type Journal } from '../lib/archive-format.js';
import { writeFileAtomic } from '../lib/atomic.js';

/** Writes and removes a day folder's journal; its format (JOURNAL, Journal) is in src/lib/archive-format.ts. */

export async function writeJournal(dayDir: string, journal: Journal): Promise<void> {
  await writeFileAtomic(join(dayDir, JOURNAL), `${JSON.stringify(journal)}\n`);
}

export async function removeJournal(dayDir: string): Promise<void> {
  await unlink(join(dayDir, JOURNAL)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
