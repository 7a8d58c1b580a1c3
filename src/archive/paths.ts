import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { DATE_PATTERN } from '../lib/archive-format.js';
import { archiveSegments, type ImageReference } from '../oci/reference.js';

/** `YYYY-MM-DD` of a real calendar day, or throw USAGE. */
export function checkDate(date: string): string {
  const parsed = DATE_PATTERN.test(date) ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    throw new CustodyError('USAGE', `--date "${date}" is not a calendar date in the form YYYY-MM-DD`);
  }
  return date;
}

export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function dayDir(root: string, date: string): string {
  return join(root, date);
}

/** `images/<registry>/<repo…>/sha256-<hex>` relative to the day folder. */
export function imageRelativePath(ref: ImageReference, digest: string): string {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return ['images', ...archiveSegments(ref), `${algorithm}-${hex}`].join('/');
}
