import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFiles, type FileDigest } from './hash-files.js';
import type { Problem } from '../types.js';
import { walkTree, type TreeEntry } from './tree.js';

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
  problems?: Problem[];
}

/** An archive folder on disk: walked without following links, every file re-hashed. */
export async function diskTree(root: string, concurrency?: number): Promise<ArchiveTree> {
  const entries = await walkTree(root);
  const files = entries.filter((e) => e.type === 'file').map((e) => e.path);
  const digests = await hashFiles(root, files, concurrency);
  return {
    entries,
    digests,
    readText: async (path) => {
      const known = digests.get(path);
      if (known && !(known instanceof Error) && known.text !== undefined) return known.text;
      try {
        return await readFile(join(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
    readBytes: async (path) => {
      try {
        return await readFile(join(root, path));
      } catch {
        return undefined;
      }
    },
  };
}
