import { IMAGE_MANIFEST_SCHEMA, MANIFEST } from '../lib/archive-format.js';
import { isRecord } from '../lib/is-record.js';
import type { ImageManifest } from '../types.js';
import { claim, digestOf, join2, readManifest, type VerifyContext } from './context.js';
import { isSafeRelativePath } from './safe-path.js';
import type { DayTrust } from './types.js';

/**
 * An image folder (`prefix` in the tree): its manifest against its schema,
 * and every evidence entry present, inside the folder and unaltered (sha256
 * and size). Signed entries are queued for the signature checks.
 */
export async function checkImageFolder(
  context: VerifyContext,
  prefix: string,
  dayTrust: DayTrust | undefined,
): Promise<{ sha256: string | undefined; digest: unknown }> {
  const manifest = await readManifest<ImageManifest>(context, prefix, IMAGE_MANIFEST_SCHEMA);
  const evidence = Array.isArray(manifest?.evidence) ? manifest.evidence : [];
  const imageDigest = typeof manifest?.subject?.digest === 'string' ? manifest.subject.digest : '';
  const listed = new Set<string>();
  evidence.forEach((entry, index) => {
    if (!entry || typeof entry !== 'object') return;
    const where = () => `${join2(prefix, MANIFEST)}#/evidence/${index}/path`;
    if (listed.has(String(entry.path))) {
      context.problems.push({ code: 'duplicate-entry', path: where(), message: `${where()}: ${String(entry.path)} is listed twice` });
    }
    listed.add(String(entry.path));
    if (!isSafeRelativePath(entry.path)) {
      context.problems.push({ code: 'unsafe-path', path: where(), message: `${where()}: "${String(entry.path)}" leaves its folder` });
      return;
    }
    const file = join2(prefix, entry.path);
    claim(context, file);
    if (entry.verification && typeof entry.verification === 'object')
      context.signed.push({ file, entry, imageDigest, ...(isRecord(manifest?.subject) ? { subject: manifest.subject } : {}), trust: dayTrust });
    const actual = context.tree.digests.get(file);
    if (!context.files.has(file) || actual === undefined) {
      context.problems.push({ code: 'missing', path: file, message: `${file} is listed in ${join2(prefix, MANIFEST)} but missing` });
      return;
    }
    if (actual instanceof Error) return;
    if (actual.sha256 !== entry.sha256 || actual.size !== entry.size) {
      context.problems.push({
        code: 'altered',
        path: file,
        message: `${file} is ${actual.size} bytes with sha256 ${actual.sha256}; the manifest says ${String(entry.size)} bytes, ${String(entry.sha256)}`,
      });
    }
  });
  return { sha256: digestOf(context.tree, join2(prefix, MANIFEST))?.sha256, digest: manifest?.subject?.digest };
}
