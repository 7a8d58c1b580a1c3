import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { MANIFEST } from '../lib/archive-format.js';
import { readRegularFileIfExists } from '../lib/read-file.js';
import { validateAgainst } from '../schemas.js';
import type { ImageManifest } from '../types.js';

/**
 * An image folder's manifest.json read again after verification, for a
 * caller that goes on to use it (gate --bundle): parsed and checked against
 * its schema, so that a manifest swapped since is refused (VERIFICATION_FAILED);
 * undefined when there is none. A link or FIFO in its place is ARCHIVE_UNSAFE.
 */
export async function readImageManifest(dir: string): Promise<ImageManifest | undefined> {
  const path = join(dir, MANIFEST);
  const bytes = await readRegularFileIfExists(path, { what: 'archive file', noFollow: true, code: 'ARCHIVE_UNSAFE' });
  if (!bytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CustodyError('VERIFICATION_FAILED', `${path} is not JSON (run custody verify)`);
  }
  const problems = validateAgainst('image-manifest.schema.json', value);
  if (problems.length > 0) throw new CustodyError('VERIFICATION_FAILED', `${path} does not match its schema (${problems[0]!.message})`);
  return value as ImageManifest;
}
