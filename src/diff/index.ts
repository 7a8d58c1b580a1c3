/** custody diff (issue 16): what changed between two verified days. */
import { locateDay } from '../days/locate.js';
import { compareDays } from './compare.js';
import type { DayDiff } from './model.js';
import { readSnapshot } from './snapshot.js';

export interface DiffOptions {
  /** Where dates are looked up (default `artifacts`, as archive's). */
  root?: string;
}

/**
 * Compare day A with day B: images added, removed, re-pointed; per image,
 * evidence added and removed, signer changes, vulnerabilities new and fixed,
 * SBOM components added, removed and changed. Both days are verified first;
 * one that does not verify is refused (INVALID_INPUT).
 */
export async function diffDays(a: string, b: string, options: DiffOptions = {}): Promise<DayDiff> {
  const pathA = locateDay(a, options.root, 'A');
  const pathB = locateDay(b, options.root, 'B');
  const [before, after] = [await readSnapshot(a, pathA, 'A'), await readSnapshot(b, pathB, 'B')];
  return compareDays(before, after);
}

export { compareDays } from './compare.js';
export { renderDiff, diffCounts, DIFF_FORMATS, type DiffFormat } from './render.js';
export { DIFF_FORMAT } from './model.js';
export type { DayDiff, ImageChanges, VulnRef, ComponentChange, EvidenceRef, SignerRef, DaySide, ImageRef } from './model.js';
