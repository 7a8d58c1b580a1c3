import { EXPORT_SUMS, INDEX_DIR, isTempName, JOURNAL, LOCK_NAME } from '../lib/archive-format.js';
import type { ArchiveTree } from './tree-source.js';
import type { TreeEntry } from './walk-steps.js';
import type { VerifyTarget } from './types.js';
import type { VerifyProblem } from './types.js';

/** Files a root may hold besides day folders; the index folder's content is derived and never checked. */
export const ROOT_EXTRAS = new Set(['.gitkeep', LOCK_NAME, INDEX_DIR]);

export interface SortedEntries {
  /** Regular files the manifests must account for. */
  files: Map<string, TreeEntry & { type: 'file' }>;
  /** Journals of interrupted runs, judged apart. */
  journals: string[];
  problems: VerifyProblem[];
  warnings: string[];
}

/**
 * The tree's entries sorted for the checks: links, special and unreadable
 * entries are problems at once; journals and leftover temporary files are
 * set apart; a root's lock and an export's SHA256SUMS are no archive files.
 */
export function sortEntries(tree: ArchiveTree, target: VerifyTarget): SortedEntries {
  const problems: VerifyProblem[] = [...(tree.problems ?? [])];
  const warnings: string[] = [];
  const files = new Map<string, TreeEntry & { type: 'file' }>();
  const journals: string[] = [];

  for (const entry of tree.entries) {
    if (entry.type === 'dir') continue;
    if (target === 'root' && entry.path.startsWith(`${INDEX_DIR}/`)) continue;
    if (entry.type === 'symlink')
      problems.push({ code: 'symlink', path: entry.path, message: `${entry.path} is a symbolic link; an archive holds only regular files` });
    else if (entry.type === 'special') problems.push({ code: 'special-file', path: entry.path, message: `${entry.path} is not a regular file` });
    else if (entry.type === 'unreadable')
      problems.push({ code: 'unreadable', path: entry.path, message: `${entry.path} cannot be read (${entry.reason}); nothing in it was checked` });
    else if (entry.type === 'file') {
      const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
      if (name === JOURNAL) journals.push(entry.path);
      else if (isTempName(name)) warnings.push(`${entry.path}: temporary file left by an interrupted run (never listed; rerun archive to tidy)`);
      else if (target === 'root' && !entry.path.includes('/') && ROOT_EXTRAS.has(name)) continue;
      else if (target === 'export' && entry.path === EXPORT_SUMS) continue;
      else files.set(entry.path, entry);
    }
  }
  for (const [file, digest] of tree.digests) {
    if (digest instanceof Error && files.has(file)) problems.push({ code: 'unreadable', path: file, message: `${file} cannot be read: ${digest.message}` });
  }
  return { files, journals, problems, warnings };
}
