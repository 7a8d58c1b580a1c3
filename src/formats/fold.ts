import type { EvidenceKind, FormatProblem } from '../types.js';
import { isObject } from './lib/json.js';

/** What a fold over a document yields: the normaliser's facts, in one pass. */
export interface FoldResult {
  problems: FormatProblem[];
  subjects: string[];
  summary: Record<string, unknown>;
  /** Overrides the format's kind when only the whole document can tell (a CycloneDX VEX BOM). */
  kind?: EvidenceKind;
}

/** A pass over one document: its head first (at open), then each element of its bulk arrays, in document order. */
export interface DocumentFold {
  element(member: string, index: number, value: unknown): void;
  finish(): FoldResult;
}

/**
 * Formats whose documents can be very large (SBOMs) fold over them: the
 * head (the document with its bulk arrays left empty) and then one array
 * element at a time. A document parsed whole takes the same path, so a
 * large document read in slices and a small one parsed at once are judged
 * by the same code.
 */
export interface Streaming {
  /** Top-level members whose arrays are handed over one element at a time. */
  members: readonly string[];
  /**
   * Start a fold. `item` reads an element again by index (for the rare
   * check that must compare two elements, such as uniqueItems).
   */
  open(head: unknown, item: (member: string, index: number) => unknown, options?: FoldOptions): DocumentFold;
}

export interface FoldOptions {
  /** The format version detection found, for a document that does not say it itself. */
  version?: string;
  /** Prepended to every problem path: a document nested in another (an in-toto predicate). */
  prefix?: string;
  /** False for subjects and summary alone: no schema or cross-element checks (default true). */
  validate?: boolean;
}

/** The head of a parsed document: the same object with its bulk arrays empty. */
export function headOf(doc: unknown, members: readonly string[]): unknown {
  if (!isObject(doc)) return doc;
  const head: Record<string, unknown> = { ...doc };
  for (const member of members) {
    if (Object.prototype.hasOwnProperty.call(doc, member) && Array.isArray(doc[member])) {
      Object.defineProperty(head, member, { value: [], enumerable: true, writable: true, configurable: true });
    }
  }
  return head;
}

/** Fold over a document already parsed whole. */
export function foldWhole(streaming: Streaming, doc: unknown, options: FoldOptions = {}): FoldResult {
  const arrays = new Map<string, readonly unknown[]>();
  if (isObject(doc)) {
    // Members in document order, as a streamed document presents them.
    for (const key of Object.keys(doc)) {
      if (streaming.members.includes(key) && Array.isArray(doc[key])) arrays.set(key, doc[key] as unknown[]);
    }
  }
  const fold = streaming.open(headOf(doc, streaming.members), (member, index) => arrays.get(member)?.[index], options);
  for (const [member, items] of arrays) items.forEach((value, index) => fold.element(member, index, value));
  return fold.finish();
}

/** Problems kept once each, in the order first found (two schema parts may report the same rule). */
export class ProblemList {
  readonly items: FormatProblem[] = [];
  readonly #seen = new Set<string>();

  add(problems: readonly FormatProblem[]): void {
    for (const p of problems) {
      const key = `${p.code}\u0000${p.path}\u0000${p.message}`;
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      this.items.push(p);
    }
  }
}
