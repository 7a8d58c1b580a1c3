import { join } from 'node:path';
import { readRegularFile } from '../lib/read-file.js';
import { HashPool, type FileDigest } from './hash-files.js';
import { walkTree, type TreeEntry, type WalkOptions } from './tree.js';
import type { Problem, VerifyProblemCode } from '../types.js';

/**
 * What verification reads: the entries of an archive folder (or of an
 * exported tarball), the digest of every regular file, and the text of the
 * small files (manifests, checksum files, journals).
 */
export interface ArchiveTree {
  entries: TreeEntry[];
  digests: Map<string, FileDigest | Error>;
  readText(path: string): Promise<string | undefined>;
  /** Bytes of a file verification re-checks signatures on (evidence, trust copies, seals). */
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /** Problems found while reading the source itself (hostile tar entries). */
  problems?: Problem<VerifyProblemCode>[];
}

/** Read a file of the archive: never through a link, never a FIFO or device (one swapped in after the walk is refused). */
const readArchiveFile = (path: string) => readRegularFile(path, { what: 'archive file', noFollow: true });

/**
 * An archive folder on disk: walked without following links, every file
 * re-hashed. `walk.readdir` replaces how folders are listed (tests);
 * `walk.notEntered` names top-level folders left unread (a root's index).
 */
export async function diskTree(root: string, concurrency?: number, walk: Pick<WalkOptions, 'readdir' | 'notEntered'> = {}): Promise<ArchiveTree> {
  const pool = new HashPool(root, concurrency);
  let digests: Map<string, FileDigest | Error>;
  let entries: TreeEntry[];
  try {
    // Workers hash the files found while the rest of the tree is walked.
    entries = await walkTree(root, { ...walk, onFile: (path) => pool.add(path) });
    digests = await pool.finish();
  } finally {
    await pool.close();
  }
  return {
    entries,
    digests,
    readText: async (path) => {
      const known = digests.get(path);
      if (known && !(known instanceof Error) && known.text !== undefined) return known.text;
      try {
        return (await readArchiveFile(join(root, path))).toString('utf8');
      } catch {
        return undefined;
      }
    },
    readBytes: async (path) => {
      try {
        return await readArchiveFile(join(root, path));
      } catch {
        return undefined;
      }
    },
  };
}
