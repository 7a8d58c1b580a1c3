import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CustodyError } from '../errors.js';
import type { ArchiveTree } from '../verify/tree-source.js';
import { verifyArchive, type VerifyOptions, type VerifyReport } from '../verify/verify.js';
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
  if (verify.target === 'image') {
    throw new CustodyError('NOT_A_BUNDLE', `${path} is an image folder; give an archive root, a day folder (YYYY-MM-DD) or an exported .tar.gz`);
  }
  if (!tree) throw new CustodyError('NOT_A_BUNDLE', `${path} could not be read as an archive`);
  const walked = tree;
  // Every regular file the walk found has a digest (or its error), and nothing else has one.
  const regular = (file: string) => walked.digests.has(file);
  const sha256 = (file: string): string | undefined => {
    const digest = walked.digests.get(file);
    return digest && !(digest instanceof Error) ? digest.sha256 : undefined;
  };
  const files: VerifiedFiles = {
    sha256,
    text: async (file) => (regular(file) ? walked.readText(file) : undefined),
    load: async (paths) => {
      const wanted = [...new Set(paths)].filter((p) => sha256(p) !== undefined);
      const out = new Map<string, Uint8Array>();
      const keep = (file: string, bytes: Uint8Array | undefined) => {
        if (bytes && createHash('sha256').update(bytes).digest('hex') === sha256(file)) out.set(file, bytes);
      };
      if (verify.target === 'export') {
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

  let days: ArchiveDay[];
  if (verify.target === 'day') {
    const name = basename(path.replace(/\/+$/, ''));
    const declared = parseJsonText(await files.text(MANIFEST)) as { date?: unknown } | undefined;
    const date = DATE_PATTERN.test(name) ? name : typeof declared?.date === 'string' ? declared.date : name;
    days = [{ date, prefix: '' }];
  } else {
    days = walked.entries
      .filter((e) => e.type === 'dir' && !e.path.includes('/') && DATE_PATTERN.test(e.path))
      .map((e) => ({ date: e.path, prefix: e.path }))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }
  return { path, target: verify.target, verify, days, files };
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
