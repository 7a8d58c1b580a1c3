import { join } from 'node:path';
import { INDEX_DIR } from '../lib/archive-format.js';

export const INDEX_FILE = 'index.sqlite';

/** Where a root's index lives when the root can be written: `ROOT/.custody-index/index.sqlite` (else in the user's cache: IndexUpdate.index says where). */
export function indexPath(root: string): string {
  return join(root, INDEX_DIR, INDEX_FILE);
}
