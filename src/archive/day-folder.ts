import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CustodyError, fromFsError } from '../errors.js';
import { validateAgainst } from '../schemas.js';
import type { DayImage, DayManifest, TrustRecord } from '../types.js';
import { TOOL } from '../version.js';
import { readIfExists, writeIfChanged } from './atomic.js';
import { checksumLine, sha256Hex } from '../lib/hash.js';
import { serializeManifest } from './image-folder.js';
import { CHECKSUM_SUFFIX, DATE_PATTERN, MANIFEST } from '../lib/archive-format.js';
import { readCheckedManifest } from './read-manifest.js';

export async function readDayManifest(dir: string): Promise<{ manifest: DayManifest; bytes: Buffer } | undefined> {
  return readCheckedManifest<DayManifest>(dir, 'day-manifest.schema.json');
}

/** Day folders under the root, oldest first. */
export async function listDays(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fromFsError(err, root, 'list archive root');
  }
  return names.filter((name) => DATE_PATTERN.test(name)).sort();
}

/** The newest day before `date` that has a manifest, with that manifest's sha256: the hash chain link. */
export async function previousLink(root: string, date: string): Promise<DayManifest['previous']> {
  const earlier = (await listDays(root)).filter((day) => day < date).reverse();
  for (const day of earlier) {
    const bytes = await readIfExists(join(root, day, MANIFEST));
    if (bytes) return { date: day, sha256: sha256Hex(bytes) };
  }
  return null;
}

function sameImage(a: DayImage, b: DayImage): boolean {
  return a.ref === b.ref && (a.digest === b.digest || a.digest === null || b.digest === null);
}

function compareImages(a: DayImage, b: DayImage): number {
  const ka = `${a.ref}\u0000${a.digest ?? ''}`;
  const kb = `${b.ref}\u0000${b.digest ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export interface DayPlan {
  manifest: DayManifest;
  text: string;
  sha256: string;
  previousSha256: string | undefined;
  /** The manifest's text before this change, kept in the journal (see Journal.manifests). */
  previousText: string | undefined;
}

/**
 * Merge image results into the day manifest, without writing. A success
 * replaces an earlier failure of the same reference; a failure never hides
 * an earlier success. `updatedAt` moves only when something changed.
 */
export async function planDayManifest(
  root: string,
  date: string,
  results: readonly DayImage[],
  now: Date,
  trust: readonly TrustRecord[] = [],
): Promise<DayPlan> {
  const dir = join(root, date);
  const read = await readDayManifest(dir);
  const current = read?.manifest;
  const images = [...(current?.images ?? [])];
  for (const result of results) {
    const index = images.findIndex((image) => sameImage(image, result));
    if (index < 0) {
      images.push(result);
      continue;
    }
    const old = images[index]!;
    if (result.status === 'failed' && old.status !== 'failed') continue;
    images[index] = result;
  }
  images.sort(compareImages);

  const stamp = now.toISOString();
  const previous = await previousLink(root, date);
  const next: DayManifest = current
    ? { ...current, images, previous }
    : { schemaVersion: 1, tool: TOOL, date, createdAt: stamp, updatedAt: stamp, images, previous };
  const kept = new Map((current?.trust ?? []).map((t) => [t.sha256, t]));
  for (const record of trust) if (!kept.has(record.sha256)) kept.set(record.sha256, record);
  if (kept.size > 0) next.trust = [...kept.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  if (current && serializeManifest({ ...current, updatedAt: '' }) !== serializeManifest({ ...next, updatedAt: '' })) {
    next.updatedAt = stamp;
    next.tool = TOOL;
  }
  const problems = validateAgainst('day-manifest.schema.json', next);
  if (problems.length > 0) {
    throw new CustodyError('INVALID_INPUT', `refusing to write ${join(dir, MANIFEST)}: ${problems.map((p) => p.message).join('; ')}`);
  }
  const text = serializeManifest(next);
  return {
    manifest: next,
    text,
    sha256: sha256Hex(text),
    previousSha256: read ? sha256Hex(read.bytes) : undefined,
    previousText: read?.bytes.toString('utf8'),
  };
}

export async function commitDayManifest(root: string, date: string, plan: DayPlan): Promise<void> {
  const dir = join(root, date);
  await writeIfChanged(join(dir, MANIFEST), plan.text);
  await writeIfChanged(join(dir, MANIFEST + CHECKSUM_SUFFIX), checksumLine(plan.sha256, MANIFEST));
}
