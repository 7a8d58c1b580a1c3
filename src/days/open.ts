import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CustodyError } from '../errors.js';
import { dayFoldersOf, type ArchiveTree } from '../verify/tree-source.js';
import { verifyArchive, type CheckedDay, type VerifyOptions, type VerifyReport } from '../verify/verify.js';
import type { VerifyProblem } from '../verify/types.js';
import { readTarFiles } from './tar-files.js';
import { parseJsonText } from './views.js';
import { DATE_PATTERN, MANIFEST } from '../lib/archive-format.js';

/** A day folder of a verified archive: its date and the prefix of its files' paths. */
export interface ArchiveDay {
  date: string;
  /** '' for a day folder given alone, `YYYY-MM-DD` in a root or an export. */
  prefix: string;
}

/** The files of an archive as verification read them. */
export interface VerifiedFiles {
  /** sha256 of a regular file as verification hashed it; undefined for anything else. */
  sha256(path: string): string | undefined;
  /** The text of a manifest as verification read it. */
  text(path: string): Promise<string | undefined>;
  /** A manifest's JSON value: as verification parsed it when it did, else its text parsed; undefined when it is not JSON. */
  json(path: string): Promise<unknown>;
  /**
   * The bytes of these files, read once (one pass over an export). A file
   * whose bytes no longer hash to what verification saw is left out.
   */
  load(paths: Iterable<string>): Promise<Map<string, Uint8Array>>;
}

export interface VerifiedArchive {
  path: string;
  target: 'root' | 'day' | 'export';
  verify: VerifyReport;
  /** Oldest first. */
  days: ArchiveDay[];
  files: VerifiedFiles;
}

/** One day of an archive as verification went through it (verifyDays): its files, and what the checks of the tree holding it found. */
export interface VerifiedDay {
  day: ArchiveDay;
  files: VerifiedFiles;
  /** Not capped: every problem verification found in the tree that holds the day. */
  problems: readonly VerifyProblem[];
  warnings: readonly string[];
}

/** Files read from disk at once. */
const READ_AHEAD = 8;

/**
 * Verify an archive root, day folder or export (custody verify, with the
 * chain for a root), then give access to exactly the bytes verification
 * hashed: manifests from its pass, evidence re-read and checked against the
 * digests it computed.
 */
export async function openVerified(path: string, options: VerifyOptions = {}): Promise<VerifiedArchive> {
  let tree: ArchiveTree | undefined;
  const verify = await verifyArchive(path, { ...options, onTree: (t) => (tree = t) });
  refuseImage(path, verify);
  if (!tree) throw new CustodyError('NOT_A_BUNDLE', `${path} could not be read as an archive`);
  const files = verifiedFiles(path, verify.target === 'export', tree);
  const days =
    verify.target === 'day'
      ? [await dayAlone(path, files)]
      : dayFoldersOf(tree)
          .sort()
          .map((date) => ({ date, prefix: date }));
  return { path, target: verify.target as VerifiedArchive['target'], verify, days, files };
}

/** What verifyDays found: the verification, and the days it handed over, oldest first. */
export type VerifiedRun = Omit<VerifiedArchive, 'files'>;

/**
 * Verify like openVerified, handing over each day as soon as its checks are
 * done (a root's days while the next ones are still being read), with its
 * files and the manifests as verification parsed them. Nothing is kept for
 * after: a caller keeps what it needs of each day.
 */
export async function verifyDays(path: string, options: VerifyOptions, onDay: (day: VerifiedDay) => Promise<void>): Promise<VerifiedRun> {
  const days: ArchiveDay[] = [];
  const verify = await verifyArchive(path, {
    ...options,
    onDay: async (checked: CheckedDay) => {
      const files = verifiedFiles(path, checked.target === 'export', checked.tree, checked.manifests);
      const day = checked.prefix === '' ? await dayAlone(path, files) : { date: checked.prefix, prefix: checked.prefix };
      days.push(day);
      await onDay({ day, files, problems: checked.problems, warnings: checked.warnings });
    },
  });
  refuseImage(path, verify);
  return { path, target: verify.target as VerifiedRun['target'], verify, days };
}

function refuseImage(path: string, verify: VerifyReport): void {
  if (verify.target === 'image') {
    throw new CustodyError('NOT_A_BUNDLE', `${path} is an image folder; give an archive root, a day folder (YYYY-MM-DD) or an exported .tar.gz`);
  }
}

/** A day folder given alone: its date from its name, else from its manifest. */
async function dayAlone(path: string, files: VerifiedFiles): Promise<ArchiveDay> {
  const name = basename(path.replace(/\/+$/, ''));
  if (DATE_PATTERN.test(name)) return { date: name, prefix: '' };
  const declared = (await files.json(MANIFEST)) as { date?: unknown } | undefined;
  return { date: typeof declared?.date === 'string' ? declared.date : name, prefix: '' };
}

/** The files of a tree verification read, from `path` (a folder, or an export read again for bytes it did not keep). */
function verifiedFiles(path: string, isExport: boolean, walked: ArchiveTree, parsed?: ReadonlyMap<string, unknown>): VerifiedFiles {
  // Every regular file the walk found has a digest (or its error), and nothing else has one.
  const regular = (file: string) => walked.digests.has(file);
  const sha256 = (file: string): string | undefined => {
    const digest = walked.digests.get(file);
    return digest && !(digest instanceof Error) ? digest.sha256 : undefined;
  };
  const text = async (file: string) => (regular(file) ? walked.readText(file) : undefined);
  return {
    sha256,
    text,
    json: async (file) => (parsed?.has(file) ? parsed.get(file) : parseJsonText(await text(file))),
    load: async (paths) => {
      const wanted = [...new Set(paths)].filter((p) => sha256(p) !== undefined);
      const out = new Map<string, Uint8Array>();
      const keep = (file: string, bytes: Uint8Array | undefined) => {
        if (bytes && createHash('sha256').update(bytes).digest('hex') === sha256(file)) out.set(file, bytes);
      };
      if (isExport) {
        const missing = new Set<string>();
        for (const file of wanted) {
          const kept = await walked.readBytes(file);
          if (kept) keep(file, kept);
          else missing.add(file);
        }
        if (missing.size > 0) for (const [file, bytes] of await readTarFiles(path, missing)) keep(file, bytes);
        return out;
      }
      for (let i = 0; i < wanted.length; i += READ_AHEAD) {
        const batch = wanted.slice(i, i + READ_AHEAD);
        const read = await Promise.all(batch.map((file) => readNoFollow(join(path, file))));
        batch.forEach((file, k) => keep(file, read[k]));
      }
      return out;
    },
  };
}

/** A file's bytes, refusing to follow a symbolic link put there after the walk. */
async function readNoFollow(file: string): Promise<Uint8Array | undefined> {
  try {
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/** The path of a file of a day: `prefix/relative`, or `relative` for a day given alone. */
export function dayPath(day: ArchiveDay, relative: string): string {
  return day.prefix === '' ? relative : `${day.prefix}/${relative}`;
}
