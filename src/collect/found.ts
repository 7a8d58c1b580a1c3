import type { Descriptor, OriginMethod } from '../types.js';

/** A candidate artifact as a discovery strategy reports it, before its manifest is read. */
export interface Found {
  descriptor: Descriptor;
  method: OriginMethod;
  attachedTo: string;
  tag?: string;
  /** Its manifest must name this digest as `subject` (referrers API and tag schema listings). */
  requireSubject?: string;
}

export interface StrategyResult {
  found: Found[];
  warnings: string[];
}
