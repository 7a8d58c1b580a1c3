import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and the shared corpus, read in place (never copied into the repo). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS = resolve(REPO_ROOT, '../shared/corpus');

export interface ManifestRow {
  path: string;
  sourceRepo: string;
  license: string;
  description: string;
}

/** Rows of MANIFEST.tsv (columns: path, source_repo, source_path, commit, license, description). */
export function readManifest(): ManifestRow[] {
  const lines = readFileSync(resolve(CORPUS, 'MANIFEST.tsv'), 'utf8').split('\n');
  return lines
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const cols = line.split('\t');
      return { path: cols[0]!, sourceRepo: cols[1] ?? '', license: cols[4] ?? '', description: cols[5] ?? '' };
    });
}

export function corpusBytes(path: string): Uint8Array {
  return readFileSync(resolve(CORPUS, path));
}

/**
 * What the MANIFEST description says about validity: `invalid` when it says
 * INVALID, must FAIL or must be rejected; `valid` when it says VALID; else `unstated`.
 */
export function manifestVerdict(description: string): 'valid' | 'invalid' | 'unstated' {
  if (/\bINVALID\b|must FAIL|must be rejected|must FAIL to parse/.test(description)) return 'invalid';
  if (/\bVALID\b/.test(description)) return 'valid';
  return 'unstated';
}
