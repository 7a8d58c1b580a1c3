// Temporary re-export for branches written before src/lib/json-scan.ts (h-stream); remove after the merge.
export { checkJsonShape, isSpace, scanJson, type ArrayMember, type JsonLayout } from '../lib/json-scan.js';
