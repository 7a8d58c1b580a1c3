import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/corpus beside the repository, read in place (DESIGN.md "Real components in tests"). */
export const CORPUS = process.env.CUSTODY_CORPUS ?? resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/corpus');

export function corpus(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

export function readCorpus(...parts: string[]): Buffer {
  return readFileSync(corpus(...parts));
}

export function corpusText(...parts: string[]): string {
  return readCorpus(...parts).toString('utf8');
}

export const PUBLIC_GOOD_ROOT = corpus('sigstore-bundles/trust/trusted_root.public-good.json');

/** Subfolders of a corpus folder, sorted. */
export function caseDirs(folder: string): string[] {
  const dir = corpus(folder);
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

export function optionalText(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}
