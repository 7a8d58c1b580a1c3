import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CustodyError, fromFsError } from '../errors.js';
import { DATE_PATTERN, MANIFEST } from '../lib/archive-format.js';
import { sha256Hex } from '../lib/hash.js';
import { readRegularFile } from '../lib/read-file.js';
import type { DayManifest } from '../types.js';
import { ROOT_EXTRAS } from './entries.js';
import { isSafeRelativePath } from './safe-path.js';
import type { DayTrust } from './types.js';
import type { VerifyTarget } from './types.js';

/** A file of the archive, read without following a link and never waiting on a FIFO. */
const readArchiveFile = (path: string) => readRegularFile(path, { what: 'archive file', noFollow: true });

/** What a folder on disk is: an archive root, a day folder or an image folder; anything else is NOT_A_BUNDLE. */
export async function detectDiskTarget(path: string): Promise<Exclude<VerifyTarget, 'export'>> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    throw new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (info.isSymbolicLink()) throw new CustodyError('NOT_A_BUNDLE', `${path} is a symbolic link; verify the folder it points to, not the link`);
  if (!info.isDirectory()) throw new CustodyError('NOT_A_BUNDLE', `${path} is not a custody archive folder or export (.tar.gz)`);
  let names: string[];
  try {
    names = await readdir(path);
  } catch (err) {
    throw fromFsError(err, path, 'read folder');
  }
  if (names.includes(MANIFEST)) {
    try {
      const value = JSON.parse((await readArchiveFile(join(path, MANIFEST))).toString('utf8')) as Record<string, unknown>;
      if (value && typeof value === 'object' && 'subject' in value) return 'image';
      if (value && typeof value === 'object' && 'date' in value) return 'day';
    } catch {
      // a damaged manifest is judged below as part of its folder
    }
    return DATE_PATTERN.test(basename(path)) ? 'day' : 'image';
  }
  // A folder with no archive in it (empty, or only unrelated files) is refused, never "OK, 0 files".
  if (DATE_PATTERN.test(basename(path)) && names.some((name) => !ROOT_EXTRAS.has(name))) return 'day';
  if (names.some((name) => DATE_PATTERN.test(name))) return 'root';
  const what = names.length === 0 ? 'it is empty' : 'no manifest.json and no YYYY-MM-DD folders';
  throw new CustodyError('NOT_A_BUNDLE', `${path} is not a custody archive (${what}): give an archive root, a day or image folder, or an export .tar.gz`);
}

/** The day folders beside a day folder that come after it (a journal cannot be legitimate in a day with later days). */
export async function laterSiblingDays(dayDir: string): Promise<string[]> {
  const date = basename(resolve(dayDir));
  if (!DATE_PATTERN.test(date)) return [];
  const names = await readdir(dirname(resolve(dayDir))).catch(() => [] as string[]);
  return names.filter((name) => DATE_PATTERN.test(name) && name > date).sort();
}

/** For an image folder verified alone: the trust copies of the day folder that holds it, read from disk. */
export async function enclosingDayTrust(imageDir: string): Promise<DayTrust | undefined> {
  let dir = resolve(imageDir);
  for (let depth = 0; depth < 32; depth++) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
    if (!DATE_PATTERN.test(basename(dir))) continue;
    try {
      const day = JSON.parse((await readArchiveFile(join(dir, MANIFEST))).toString('utf8')) as DayManifest;
      const records = (Array.isArray(day.trust) ? day.trust : []).filter((r) => isSafeRelativePath(r?.path) && r.path.startsWith('trust/'));
      const dayDir = dir;
      return {
        records,
        read: async (record) => {
          const bytes = await readArchiveFile(join(dayDir, record.path)).catch(() => undefined);
          return bytes && sha256Hex(bytes) === record.sha256 ? bytes : undefined;
        },
      };
    } catch {
      return undefined;
    }
  }
  return undefined;
}
