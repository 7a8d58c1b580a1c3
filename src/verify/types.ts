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
}
