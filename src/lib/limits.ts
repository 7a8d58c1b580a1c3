/** Limits applied to every input before it is interpreted. Settable per run. */
export interface Limits {
  /** Largest evidence file or body, in bytes. */
  maxBytes: number;
  /** Deepest nesting of JSON arrays/objects. */
  maxDepth: number;
  /** Longest JSON array. */
  maxArrayLength: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBytes: 512 * 1024 * 1024,
  maxDepth: 256,
  maxArrayLength: 5_000_000,
};

export function withLimits(overrides?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
