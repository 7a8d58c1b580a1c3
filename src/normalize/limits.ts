// Temporary re-export for branches written before src/lib/limits.ts (h-index, h-stream); remove after the merge.
export { DEFAULT_LIMITS, withLimits, type Limits } from '../lib/limits.js';
