import { DAY_MANIFEST_SCHEMA, MANIFEST } from '../lib/archive-format.js';
import type { DayManifest, TrustRecord } from '../types.js';
import { claim, join2, readManifest, type VerifyContext } from './context.js';
import { checkImageFolder } from './image.js';
import { excusedMove } from './journal-check.js';
import { isSafeRelativePath } from './safe-path.js';
import { checkDaySeal } from './seal.js';
import type { DayTrust } from './types.js';

/**
 * A day folder (`prefix` in the tree): its manifest against its schema and
 * its folder's date, its trust copies, its seal, and every image folder it
 * lists, each image manifest's sha256 as the day manifest records it.
 */
export async function checkDayFolder(context: VerifyContext, prefix: string, folderDate: string | undefined): Promise<DayManifest | undefined> {
  if (context.pending.newDays.has(prefix)) {
    context.warnings.push(`${join2(prefix, MANIFEST)}: not written yet; the interrupted run was creating this day`);
    return undefined;
  }
  const manifest = await readManifest<DayManifest>(context, prefix, DAY_MANIFEST_SCHEMA);
  if (!manifest) return undefined;
  const manifestFile = join2(prefix, MANIFEST);
  if (folderDate !== undefined && manifest.date !== folderDate) {
    context.problems.push({
      code: 'manifest-mismatch',
      path: `${manifestFile}#/date`,
      message: `${manifestFile} says date ${String(manifest.date)} but lives in ${folderDate}/`,
    });
  }
  const dayTrust = checkTrustCopies(context, prefix, manifest);
  await checkDaySeal(context, prefix);
  const images = Array.isArray(manifest.images) ? manifest.images : [];
  for (const [index, image] of images.entries()) {
    if (!image || typeof image !== 'object' || image.path === null || image.path === undefined) continue;
    const where = `${manifestFile}#/images/${index}/path`;
    if (!isSafeRelativePath(image.path) || !image.path.startsWith('images/')) {
      context.problems.push({ code: 'unsafe-path', path: where, message: `${where}: "${String(image.path)}" is not a folder under images/` });
      continue;
    }
    const folder = await checkImageFolder(context, join2(prefix, image.path), dayTrust);
    const actual = folder.sha256;
    if (folder.digest !== undefined && image.digest !== null && image.digest !== folder.digest) {
      context.problems.push({
        code: 'manifest-mismatch',
        path: `${manifestFile}#/images/${index}/digest`,
        message: `${manifestFile} lists ${String(image.ref)} as ${String(image.digest)}, but its folder ${image.path} holds ${String(folder.digest)}`,
      });
    }
    const imageManifest = join2(join2(prefix, image.path), MANIFEST);
    if (actual !== undefined && image.manifestSha256 !== actual && !excusedMove(context.pending, imageManifest, actual, image.manifestSha256 ?? null)) {
      context.problems.push({
        code: 'manifest-mismatch',
        path: `${manifestFile}#/images/${index}/manifestSha256`,
        message: `${join2(prefix, image.path)}/manifest.json has sha256 ${actual}; ${manifestFile} records ${String(image.manifestSha256)}`,
      });
    }
  }
  return manifest;
}

/** The day's copies of trust material: listed, present, unaltered. */
function checkTrustCopies(context: VerifyContext, prefix: string, manifest: DayManifest): DayTrust {
  const records = Array.isArray(manifest.trust) ? manifest.trust.filter((r) => r && typeof r === 'object') : [];
  const usable: TrustRecord[] = [];
  records.forEach((record, index) => {
    const where = `${join2(prefix, MANIFEST)}#/trust/${index}/path`;
    if (!isSafeRelativePath(record.path) || !record.path.startsWith('trust/')) {
      context.problems.push({ code: 'unsafe-path', path: where, message: `${where}: "${String(record.path)}" is not a file under trust/` });
      return;
    }
    const file = join2(prefix, record.path);
    claim(context, file);
    const actual = context.tree.digests.get(file);
    if (!context.files.has(file) || actual === undefined) {
      context.problems.push({ code: 'missing', path: file, message: `${file} is listed in ${join2(prefix, MANIFEST)} but missing` });
    } else if (!(actual instanceof Error) && actual.sha256 !== record.sha256) {
      context.problems.push({ code: 'altered', path: file, message: `${file} has sha256 ${actual.sha256}; the day manifest says ${String(record.sha256)}` });
    } else usable.push(record);
  });
  return { records: usable, read: (record) => context.tree.readBytes(join2(prefix, record.path)) };
}
