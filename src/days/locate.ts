import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { DATE_PATTERN } from '../lib/archive-format.js';

/**
 * Where one day is: an export (`.tar.gz`), a day folder, or a date under
 * `root` (default `artifacts`, as archive's). A path that exists wins over
 * a date.
 */
export function locateDay(input: string, root: string | undefined, label: string): string {
  if (input === '') throw new CustodyError('USAGE', `${label} is empty: give a day folder, an exported .tar.gz, or a date YYYY-MM-DD with --root`);
  if (existsSync(input)) return input;
  if (/\.(tar\.gz|tgz)$/i.test(input)) throw new CustodyError('FILE_UNREADABLE', `${label}: cannot read ${input}: ENOENT`);
  if (DATE_PATTERN.test(input)) {
    const folder = join(root ?? 'artifacts', input);
    if (existsSync(folder)) return folder;
    throw new CustodyError('NOT_A_BUNDLE', `${label}: no day ${input} in ${root ?? 'artifacts'} (${folder} does not exist)`);
  }
  throw new CustodyError(
    'FILE_UNREADABLE',
    `${label}: cannot read ${input}: ENOENT (give a day folder, an exported .tar.gz, or a date YYYY-MM-DD with --root)`,
  );
}
