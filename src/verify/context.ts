import { CHECKSUM_SUFFIX, MANIFEST } from '../lib/archive-format.js';
import { validateAgainst } from '../schemas.js';
import type { FileDigest } from './hash-files.js';
import type { JournalExcuses } from './journal-check.js';
import type { SignedItem } from './signatures.js';
import type { ArchiveTree } from './tree-source.js';
import type { TreeEntry } from './walk-steps.js';
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
  /** Files some manifest (or checksum list) lists; they and their checksum files are accounted for (isClaimed), the rest are unlisted. */
  claimed: Set<string>;
  /** What an interrupted run's journal excuses. */
  pending: JournalExcuses;
  /** Manifests parsed, by path, when a caller wants them (VerifyOptions.onDay). */
  parsed?: Map<string, unknown>;
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
}

/** Whether a manifest lists the file, or the file it is the checksum file of. */
export function isClaimed(context: VerifyContext, file: string): boolean {
  return context.claimed.has(file) || (file.endsWith(CHECKSUM_SUFFIX) && context.claimed.has(file.slice(0, -CHECKSUM_SUFFIX.length)));
}

/** The text of a file as the hashing pass kept it (manifests, checksum files), else read again; undefined when unreadable. */
export function textOf(context: VerifyContext, file: string): string | undefined | Promise<string | undefined> {
  return digestOf(context.tree, file)?.text ?? context.tree.readText(file);
}

/** Read a manifest and check it against its schema; problems name the file and the JSON Pointer. */
export async function readManifest<T>(context: VerifyContext, prefix: string, schema: string): Promise<T | undefined> {
  const file = join2(prefix, MANIFEST);
  claim(context, file);
  const text = context.files.has(file) ? await textOf(context, file) : undefined;
  if (text === undefined) {
    // A manifest that is there but cannot be read is that problem (sortEntries reports a failed hash), never "missing".
    if (!context.files.has(file)) context.problems.push({ code: 'missing', path: file, message: `${file} is missing` });
    else if (!(context.tree.digests.get(file) instanceof Error)) context.problems.push({ code: 'unreadable', path: file, message: `${file} cannot be read` });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    context.problems.push({ code: 'manifest-invalid', path: file, message: `${file} is not JSON: ${(err as Error).message}` });
    return undefined;
  }
  context.parsed?.set(file, value);
  for (const problem of validateAgainst(schema, value)) {
    context.problems.push({ code: 'manifest-schema', path: `${file}#${problem.path}`, message: `${file}: ${problem.message}` });
  }
  return value as T;
}
