import { CHECKSUM_SUFFIX, MANIFEST } from '../lib/archive-format.js';
import { validateAgainst } from '../schemas.js';
import type { FileDigest } from './hash-files.js';
import type { JournalExcuses } from './journal-check.js';
import type { SignedItem } from './signatures.js';
import type { ArchiveTree } from './tree-source.js';
import type { TreeEntry } from './tree.js';
import type { VerifyOptions } from './types.js';
import type { VerifyProblem } from './types.js';

/** What the checks of one verification share: the tree read, the files in it, what manifests claimed, what was found. */
export interface VerifyContext {
  signed: SignedItem[];
  seals: number;
  options: VerifyOptions;
  warnings: string[];
  tree: ArchiveTree;
  /** Regular files of the tree, journals, temporary files and allowed extras left out. */
  files: Map<string, TreeEntry & { type: 'file' }>;
  problems: VerifyProblem[];
  /** Files some manifest (or checksum list) lists; the rest are reported as unlisted. */
  claimed: Set<string>;
  /** What an interrupted run's journal excuses. */
  pending: JournalExcuses;
}

/** `prefix/path`, or `path` at the top of the tree. */
export const join2 = (prefix: string, path: string) => (prefix === '' ? path : `${prefix}/${path}`);

/** A file's digest as hashed, or undefined when it is absent or could not be read. */
export function digestOf(tree: ArchiveTree, file: string): FileDigest | undefined {
  const digest = tree.digests.get(file);
  return digest && !(digest instanceof Error) ? digest : undefined;
}

/** A manifest lists `file`: it and its checksum file are accounted for. */
export function claim(context: VerifyContext, file: string): void {
  context.claimed.add(file);
  context.claimed.add(file + CHECKSUM_SUFFIX);
}

/** Read a manifest and check it against its schema; problems name the file and the JSON Pointer. */
export async function readManifest<T>(context: VerifyContext, prefix: string, schema: string): Promise<T | undefined> {
  const file = join2(prefix, MANIFEST);
  claim(context, file);
  const text = context.files.has(file) ? await context.tree.readText(file) : undefined;
  if (text === undefined) {
    context.problems.push({ code: 'missing', path: file, message: `${file} is missing` });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    context.problems.push({ code: 'manifest-invalid', path: file, message: `${file} is not JSON: ${(err as Error).message}` });
    return undefined;
  }
  for (const problem of validateAgainst(schema, value)) {
    context.problems.push({ code: 'manifest-schema', path: `${file}#${problem.path}`, message: `${file}: ${problem.message}` });
  }
  return value as T;
}
