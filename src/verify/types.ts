import type { TrustMaterial } from '../trust/index.js';
import type { Problem, TrustRecord, VerifyProblemCode } from '../types.js';
import type { ArchiveTree } from './tree-source.js';

export type VerifyTarget = 'root' | 'day' | 'image' | 'export';

/** A problem verify reports: one of the verify codes (src/problem-codes.ts). */
export type VerifyProblem = Problem<VerifyProblemCode>;

export interface VerifyReport {
  ok: boolean;
  target: VerifyTarget;
  path: string;
  /** Files re-hashed. */
  checked: number;
  /** Signatures and seals checked again. */
  signatures: number;
  problems: VerifyProblem[];
  warnings: string[];
}

/** The trust copies a day folder keeps (`trust/<sha256>.<ext>`), with a reader for their bytes. */
export interface DayTrust {
  records: TrustRecord[];
  read(record: TrustRecord): Promise<Uint8Array | undefined>;
}

export interface VerifyOptions {
  /** Threads reading and hashing files (default: one per core). */
  concurrency?: number;
  /** The auditor's own trust material: every signature and seal is checked against it instead. */
  trust?: TrustMaterial;
  /** For an image folder verified alone: the trust copies of the day folder around it. */
  outerTrust?: DayTrust;
  /** Check the day-to-day hash chain (root only). */
  chain?: boolean;
  /** For a day folder verified alone: the days after it in its root (set by verifyArchive). */
  laterDays?: readonly string[];
  /**
   * Called with what verifyArchive read (every file's digest, the manifests'
   * text), so that a caller can go on reading exactly the bytes that were
   * verified instead of reading the archive a second time (custody report).
   */
  onTree?: (tree: ArchiveTree) => void;
  /**
   * Called for each day folder once the checks of the tree that holds it are
   * done: a root's days one by one while verification goes on, the day of a
   * day folder or an export at the end. custody report builds a day's rows
   * here, from the manifests as verification parsed them.
   */
  onDay?: (day: CheckedDay) => Promise<void> | void;
}

/** A day folder verification has checked (VerifyOptions.onDay). */
export interface CheckedDay {
  target: VerifyTarget;
  /** The day folder's prefix in the tree: '' for a day folder verified alone, else its date. */
  prefix: string;
  /** The tree that holds the day (one day of a root, or the whole tree verified). */
  tree: ArchiveTree;
  /** The manifests of that tree that are JSON, as verification parsed them, by path. */
  manifests: ReadonlyMap<string, unknown>;
  /** What the checks of that tree found, not capped. */
  problems: readonly VerifyProblem[];
  warnings: readonly string[];
}
