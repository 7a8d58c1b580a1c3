import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { fileIdentity } from './archive-days.js';
import { validateAgainst } from '../schemas.js';
import type { DayImage, DayManifest, ImageManifest } from '../types.js';
import { isSafeRelativePath } from '../verify/safe-path.js';
import { parseChecksumFile, sha256Hex } from '../lib/hash.js';
import { CHECKSUM_SUFFIX, MANIFEST } from '../lib/archive-format.js';

/** A day as the index takes it: its manifest and every image manifest, each checked against the hash that vouches for it. */
export interface CheckedDay {
  date: string;
  /** sha256 of the day manifest bytes read (and checked against manifest.json.sha256). */
  sha256: string;
  /** The manifest file's identity, taken before those bytes were read (archive-days.ts), and when. */
  stat: { key: string; at: number } | undefined;
  manifest: DayManifest;
  images: { image: DayImage; manifest: ImageManifest | undefined }[];
}

/**
 * Read a day for the index, checking what cannot be skipped without
 * indexing bytes nothing vouches for: the day manifest against its
 * `.sha256` and its schema, and each image manifest against the sha256 the
 * day manifest records for it, its schema and the digest. Evidence files
 * are checked as they are read (document-facts.ts). The rest of what
 * `custody verify` does (every file re-hashed, unlisted files, signatures,
 * seals, the chain) is verify's job. Any mismatch throws VERIFICATION_FAILED
 * naming the file.
 */
export function readCheckedDay(root: string, date: string): CheckedDay {
  const dir = join(root, date);
  const where = `${date}/${MANIFEST}`;
  let { bytes, sum, stat } = readWithSum(dir);
  let sha256 = sha256Hex(bytes);
  // archive replaces the manifest, then its checksum: read both again once before calling it a mismatch.
  if (sum?.sha256 !== sha256) {
    ({ bytes, sum, stat } = readWithSum(dir));
    sha256 = sha256Hex(bytes);
  }
  if (!sum || sum.name !== MANIFEST) fail(`${where}${CHECKSUM_SUFFIX} is not one line "<64 hex>  ${MANIFEST}"`, root);
  if (sum.sha256 !== sha256) fail(`${where} has sha256 ${sha256}, its ${MANIFEST}${CHECKSUM_SUFFIX} says ${sum.sha256}`, root);
  const manifest = parseChecked<DayManifest>(bytes, where, 'day-manifest.schema.json', root);
  if (manifest.date !== date) fail(`${where}#/date says ${manifest.date} but the folder is ${date}`, root);

  const images = manifest.images.map((image, index) => {
    if (image.path === null) return { image, manifest: undefined };
    const pointer = `${where}#/images/${index}`;
    if (!isSafeRelativePath(image.path) || !image.path.startsWith('images/')) fail(`${pointer}/path "${image.path}" is not a folder under images/`, root);
    const file = `${date}/${image.path}/${MANIFEST}`;
    const imageBytes = readArchived(join(root, file), file, root);
    const actual = sha256Hex(imageBytes);
    if (actual !== image.manifestSha256) fail(`${file} has sha256 ${actual}; ${pointer}/manifestSha256 records ${image.manifestSha256}`, root);
    const imageManifest = parseChecked<ImageManifest>(imageBytes, file, 'image-manifest.schema.json', root);
    if (image.digest !== null && imageManifest.subject.digest !== image.digest) {
      fail(`${file} is about ${imageManifest.subject.digest}; ${pointer}/digest says ${image.digest}`, root);
    }
    return { image, manifest: imageManifest };
  });
  return { date, sha256, stat, manifest, images };
}

function readWithSum(dir: string): { bytes: Buffer; sum: { sha256: string; name: string } | undefined; stat: CheckedDay['stat'] } {
  const at = Date.now();
  const identity = fileIdentity(join(dir, MANIFEST));
  const stat = identity ? { key: identity.key, at } : undefined;
  const bytes = readArchived(join(dir, MANIFEST), join(dir, MANIFEST));
  let sum;
  try {
    sum = parseChecksumFile(readFileSync(join(dir, MANIFEST + CHECKSUM_SUFFIX), 'utf8'));
  } catch {
    sum = undefined;
  }
  return { bytes, sum, stat };
}

function readArchived(path: string, shown: string, root?: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') fail(`${shown} is missing`, root);
    throw new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${code ?? String(err)}`, { cause: err });
  }
}

function parseChecked<T>(bytes: Buffer, where: string, schema: string, root: string): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    fail(`${where} is not JSON: ${(err as Error).message}`, root);
  }
  const problems = validateAgainst(schema, value);
  if (problems.length > 0)
    fail(`${where}#${problems[0]!.path}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, root);
  return value as T;
}

/** One line naming the file; the auditor runs verify for the full list. */
export function fail(message: string, root?: string): never {
  throw new CustodyError('VERIFICATION_FAILED', `${message}; not indexed${root === undefined ? '' : ` (custody verify ${root} lists every problem)`}`);
}
