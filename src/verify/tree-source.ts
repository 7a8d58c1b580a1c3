import { join } from 'node:path';
import { readRegularFile } from '../lib/read-file.js';
import { HashPool, type FileDigest } from './hash-files.js';
import { walkTree, type WalkOptions } from './tree.js';
import type { TreeEntry } from './walk-steps.js';
import type { Problem, VerifyProblemCode } from '../types.js';
import { DATE_PATTERN, TEXT_FILE_LIMIT } from '../lib/archive-format.js';

/**
 * What verification reads: the entries of an archive folder (or of an
 * exported tarball), the digest of every regular file, and the text of the
 * small files (manifests, checksum files, journals).
 */
export interface ArchiveTree {
  entries: TreeEntry[];
  digests: ReadonlyMap<string, FileDigest | Error>;
  readText(path: string): Promise<string | undefined>;
  /** Bytes of a file verification re-checks signatures on (evidence, trust copies, seals). */
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /** Problems found while reading the source itself (hostile tar entries). */
  problems?: Problem<VerifyProblemCode>[];
}

/** Read a file of the archive: never through a link, never a FIFO or device (one swapped in after the walk is refused), never over `maxBytes`. */
const readArchiveFile = (path: string, maxBytes?: number) =>
  readRegularFile(path, { what: 'archive file', noFollow: true, ...(maxBytes !== undefined ? { maxBytes } : {}) });

/**
 * An archive folder on disk: walked without following links, every file
 * re-hashed. `walk.readdir` replaces how folders are listed (tests);
 * `walk.notEntered` names top-level folders left unread (a root's index, its
 * days read apart); `walk.base` walks only that folder of the root.
 */
export async function diskTree(root: string, concurrency?: number, walk: Pick<WalkOptions, 'readdir' | 'notEntered' | 'base'> = {}): Promise<ArchiveTree> {
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
  return diskTreeOf(root, entries, digests);
}

/** The tree of a folder on disk, from its entries and digests: text kept from hashing, anything else read again (never through a link). */
export function diskTreeOf(root: string, entries: TreeEntry[], digests: Map<string, FileDigest | Error>): ArchiveTree {
  return {
    entries,
    digests,
    readText: async (path) => {
      const known = digests.get(path);
      if (known && !(known instanceof Error) && known.text !== undefined) return known.text;
      try {
        return (await readArchiveFile(join(root, path), TEXT_FILE_LIMIT)).toString('utf8');
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

/**
 * One tree made of trees of one root that hold different top-level names
 * (what lies outside a root's days, and each day): entries grouped by
 * top-level name in order, each file looked up in the tree that holds it.
 */
export function combineTrees(trees: readonly ArchiveTree[]): ArchiveTree {
  const owner = new Map<string, ArchiveTree>();
  const groups = new Map<string, TreeEntry[]>();
  for (const tree of trees) {
    for (const entry of tree.entries) {
      const top = topName(entry.path);
      owner.set(top, tree);
      let group = groups.get(top);
      if (!group) groups.set(top, (group = []));
      group.push(entry);
    }
  }
  const names = [...groups.keys()].sort();
  const treeOf = (path: string) => owner.get(topName(path));
  return {
    entries: names.flatMap((name) => groups.get(name)!),
    digests: new CombinedDigests(trees, treeOf),
    readText: async (path) => treeOf(path)?.readText(path),
    readBytes: async (path) => treeOf(path)?.readBytes(path),
  };
}

function topName(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(0, slash);
}

/** The digests of several trees as one read-only map. */
class CombinedDigests implements ReadonlyMap<string, FileDigest | Error> {
  readonly #trees: readonly ArchiveTree[];
  readonly #treeOf: (path: string) => ArchiveTree | undefined;

  constructor(trees: readonly ArchiveTree[], treeOf: (path: string) => ArchiveTree | undefined) {
    this.#trees = trees;
    this.#treeOf = treeOf;
  }

  get size(): number {
    return this.#trees.reduce((n, t) => n + t.digests.size, 0);
  }

  get(path: string): FileDigest | Error | undefined {
    return this.#treeOf(path)?.digests.get(path);
  }

  has(path: string): boolean {
    return this.#treeOf(path)?.digests.has(path) ?? false;
  }

  forEach(callback: (value: FileDigest | Error, key: string, map: ReadonlyMap<string, FileDigest | Error>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }

  *entries(): MapIterator<[string, FileDigest | Error]> {
    for (const tree of this.#trees) yield* tree.digests.entries();
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<FileDigest | Error> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, FileDigest | Error]> {
    return this.entries();
  }
}

/** The day folders directly under the top of a tree (YYYY-MM-DD), in the order of its entries. */
export function dayFoldersOf(tree: ArchiveTree): string[] {
  return tree.entries.filter((e) => e.type === 'dir' && !e.path.includes('/') && DATE_PATTERN.test(e.path)).map((e) => e.path);
}
