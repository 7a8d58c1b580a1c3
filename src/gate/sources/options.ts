import type { Limits } from '../../lib/limits.js';
import type { Reverify } from '../reverify.js';

export interface GateOptions {
  /** The time rules judge at (scan age, allow-list expiry, certificate validity). Default: now. */
  now?: Date;
  /** How signed evidence is re-verified; default: src/trust with the policy's trust material. */
  reverify?: Reverify;
  limits?: Partial<Limits>;
  /** `--strict`: known producer deviations count as problems. */
  strict?: boolean;
}
