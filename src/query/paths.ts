import { join } from 'node:path';
import { INDEX_DIR } from '../lib/archive-format.js';

export const INDEX_FILE = 'index.sqlite';

/** Where a root's index lives: `ROOT/.custody-index/index.sqlite`. */
export function indexPath(root: string): string {
  return join(root, INDEX_DIR, INDEX_FILE);
}
