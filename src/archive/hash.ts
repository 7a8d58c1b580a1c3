// Temporary re-export for branches written before src/lib/hash.ts (h-index, h-report, h-stream); remove after the merge.
export { sha256Hex, checksumLine, parseChecksumFile } from '../lib/hash.js';
