import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failingSignatures } from '../trust/index.js';
import { MANIFEST, SEAL_FILE } from '../lib/archive-format.js';
import { CustodyError, isCustodyError } from '../errors.js';
import { withLimits, type Limits } from '../lib/limits.js';
import { normalizeAll, type SignatureVerifier } from '../normalize/items.js';
import { formatReference, parseReference, type ImageReference } from '../oci/reference.js';
import type { BlobSpool } from '../collect/types.js';
import type { AnyRaw, DayImage, EvidenceEntry, ImageStatus, PlannedItem, Raw, RawFile, Subject, Verification } from '../types.js';
import { defaultConcurrency, inShard } from './batch.js';
import type { Shard } from './shard.js';
import { listDays, planDayManifest, readDayManifest } from './day-folder.js';
import { checksumLine } from '../lib/hash.js';
import { signatureVerifier, type ArchiveTrust } from './trust-kept.js';
import { planImageFolder } from './image-folder.js';
import { commitTransaction } from './transaction.js';
import { readLocalEvidence } from './local-files.js';
import { checkArchiveRoot } from './root.js';
import { withLock, type LockOptions } from './lock.js';
import { removeLeftoverTemps } from './tidy.js';
import { RunSpool, SPOOL_ABOVE, openSpooled, removeLeftoverSpools } from './spool.js';
import { checkDate, dayDir, imageRelativePath, utcDate } from './paths.js';
import { assertRealFolders } from './real-folders.js';

/** What a collector hands the archiver for one image (src/collect produces it): in memory, or large blobs spooled. */
export interface CollectedImage<R extends AnyRaw = Raw> {
  subject: Subject;
  tag?: string;
  /** The image's own manifest(s), index and config(s). */
  image: R[];
  evidence: R[];
  warnings: string[];
}

/** What the archive offers a collector for one image: a spool for blobs too large to hold in memory. */
export interface CollectContext {
  spool: BlobSpool;
}

/**
 * Collects one image. Given a context, it may stream large blobs into the
 * context's spool (SpooledRaw); without one, everything is in memory.
 */
export interface Collector {
  (ref: ImageReference): Promise<CollectedImage>;
  (ref: ImageReference, context: CollectContext): Promise<CollectedImage<AnyRaw>>;
}
export type { SignatureVerifier };

export interface ArchiveOptions {
  refs: readonly string[];
  /** Only the references of this shard (K of N) are archived. */
  shard?: Shard;
  /** Local evidence files for the (single) image. */
  evidenceFiles?: readonly string[];
  root: string;
  /** YYYY-MM-DD; defaults to the run's UTC date. */
  date?: string;
  /** Accept a date later than tomorrow (UTC). */
  allowFutureDate?: boolean;
  concurrency?: number;
  limits?: Partial<Limits>;
  /** `--strict`: known producer deviations count as problems (the evidence is invalid). */
  strict?: boolean;
  lock?: LockOptions;
  /** Absent means --no-discover: nothing is fetched and every reference must carry a digest. */
  collect?: Collector;
  /**
   * Blobs that declare at least this many bytes stream into temporary files
   * at the root (checked as they arrive) and are renamed into place, never
   * held in memory. Default 1 MiB; Infinity holds everything in memory.
   */
  spoolAbove?: number;
  /** Trust material for signature checks; its files are kept under the day's trust/. */
  trust?: ArchiveTrust;
  /** Overrides the signature check (default: every signed item against `trust`). */
  verify?: SignatureVerifier;
  now?: () => Date;
  /** Called as each image finishes (progress output). */
  onImage?: (result: ImageResult) => void;
  /** Called once the list of images is known (after sharding and skipping). */
  onStart?: (total: number) => void;
  /** Attempts per image beyond the first, for operational failures (network, registry). */
  retries?: number;
  retryDelayMs?: number;
  /**
   * Resolve a tag to a digest cheaply (HEAD), so that a rerun can skip a
   * tagged image already archived today. Without it, tagged images are
   * collected again (which writes nothing new when nothing changed).
   */
  resolve?: (ref: ImageReference) => Promise<string>;
}

export interface EvidenceResult {
  path: string;
  size: number;
  kind: EvidenceEntry['kind'];
  format: string;
  valid: boolean;
  problems: EvidenceEntry['problems'];
  /** Known producer deviations (not failing; `--strict` makes them problems instead). */
  deviations?: EvidenceEntry['deviations'];
  added: boolean;
  source: string;
  verification?: Verification;
}

export interface ImageResult {
  ref: string;
  /** Already archived today with status ok: not collected again. */
  skipped?: boolean;
  digest: string | null;
  path: string | null;
  status: ImageStatus;
  error: string | null;
  errorCode?: string;
  evidence: EvidenceResult[];
  warnings: string[];
}

export interface ArchiveReport {
  root: string;
  date: string;
  day: string;
  images: ImageResult[];
  /** Evidence archived but invalid (schema, subject mismatch, limits). */
  invalid: number;
  /** Signatures checked against trust material the user gave, and failed. */
  failedSignatures: number;
  failedImages: number;
}

function describeSource(raw: AnyRaw): string {
  if (raw.origin.method === 'local-file') return raw.origin.file ?? 'local file';
  return raw.origin.descriptor?.digest ? `${raw.origin.method} ${raw.origin.descriptor.digest}` : raw.origin.method;
}

function subjectWithoutDiscovery(ref: ImageReference): Subject {
  if (!ref.digest) {
    throw new CustodyError('USAGE', `--no-discover needs a digest in the reference, e.g. ${formatReference({ ...ref, digest: 'sha256:<64 hex>' })}`);
  }
  return { ref: formatReference(ref), digest: ref.digest, mediaType: null, platforms: [] };
}

/**
 * The archive job: parse every reference and read every local file first
 * (bad input stops the run before anything is written), then per image:
 * collect, normalise, verify signatures, and write the image folder and the
 * day manifest under the root's lock.
 */
export async function archive(options: ArchiveOptions): Promise<ArchiveReport> {
  const now = options.now ?? (() => new Date());
  const date = options.date !== undefined ? checkDate(options.date) : utcDate(now());
  refuseFutureDate(date, now(), options.allowFutureDate === true);
  checkRunNumbers(options);
  const limits = withLimits(options.limits);
  if (options.refs.length === 0) throw new CustodyError('USAGE', 'no image reference given (name one, or use --images FILE)');
  const all = options.refs.map((input) => ({ input, ref: parseReference(input) }));
  const shard = options.shard;
  const refs = shard ? all.filter(({ input }) => inShard(input, shard)) : all;
  const evidenceFiles = options.evidenceFiles ?? [];
  if (evidenceFiles.length > 0 && refs.length !== 1) {
    throw new CustodyError('USAGE', '--evidence files belong to one image: give exactly one reference with --evidence');
  }
  if (!options.collect) for (const { ref } of refs) subjectWithoutDiscovery(ref);
  await prepareDay(options, date, now);
  const localRaws = await readLocalEvidence(evidenceFiles, limits.maxBytes);
  await withLock(options.root, options.lock ?? {}, async () => {
    await removeLeftoverTemps(dayDir(options.root, date));
    await removeLeftoverSpools(options.root);
  });

  // A rerun the same day retries only what failed or is new.
  const done = evidenceFiles.length > 0 ? new Map<string, DayImage>() : await archivedToday(options.root, date);
  const spoolAbove = options.spoolAbove ?? SPOOL_ABOVE;
  const spool = options.collect && spoolAbove !== Infinity ? new RunSpool(options.root, spoolAbove) : undefined;
  const run: Run = { options, date, limits, now, localRaws, ...(spool ? { spool } : {}) };
  options.onStart?.(refs.length);
  const images = refs.map(({ ref }) => ref);
  let results: ImageResult[];
  try {
    results = await archiveImages(images, done, run);
  } finally {
    await spool?.remove();
  }
  return reportOf(options.root, date, results);
}

/** `concurrency` and `retries`, when given, are whole numbers in range (USAGE). */
function checkRunNumbers(options: ArchiveOptions): void {
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new CustodyError('USAGE', `concurrency must be a whole number from 1, not ${options.concurrency}`);
  }
  if (options.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0)) {
    throw new CustodyError('USAGE', `retries must be a whole number from 0, not ${options.retries}`);
  }
}

/** The root and the day may take this run: a usable root, a day neither sealed nor earlier than the last, real folders where the day's go. */
async function prepareDay(options: ArchiveOptions, date: string, now: () => Date): Promise<void> {
  await checkArchiveRoot(options.root);
  if (existsSync(join(dayDir(options.root, date), SEAL_FILE))) {
    throw new CustodyError('USAGE', `${dayDir(options.root, date)} is sealed; nothing more can be archived into it`);
  }
  refuseEarlierDay(options.root, date, await listDays(options.root), utcDate(now()));
  // A link planted where the day's folders belong would carry every write outside the root.
  for (const folder of ['images', 'trust']) await assertRealFolders(options.root, `${date}/${folder}`);
}

/**
 * Archive every reference, `concurrency` at a time, results in the order of
 * the references. An error that stops the run (a failure that cannot be
 * recorded) starts no new image; the ones in flight finish, then it is thrown.
 */
async function archiveImages(refs: readonly ImageReference[], done: Map<string, DayImage>, run: Run): Promise<ImageResult[]> {
  const { options } = run;
  const results: ImageResult[] = new Array(refs.length);
  let next = 0;
  let stopped: { error: unknown } | undefined;
  const worker = async () => {
    while (next < refs.length && !stopped) {
      const index = next++;
      const ref = refs[index]!;
      try {
        const previous = await findArchived(done, ref, options.resolve);
        results[index] = previous ?? (await archiveWithRetries(ref, run));
      } catch (error) {
        stopped ??= { error };
        return;
      }
      options.onImage?.(results[index]!);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? defaultConcurrency(), refs.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (stopped) throw stopped.error;
  return results;
}

function reportOf(root: string, date: string, results: ImageResult[]): ArchiveReport {
  let invalid = 0;
  let failedSignatures = 0;
  for (const result of results) {
    for (const evidence of result.evidence) if (!evidence.valid) invalid++;
    failedSignatures += failedSignatureEvidence(result).length;
  }
  return {
    root,
    date,
    day: dayDir(root, date),
    images: results,
    invalid,
    failedSignatures,
    failedImages: results.filter((r) => r.status === 'failed').length,
  };
}

/**
 * A day later than tomorrow (UTC: the day may already have begun somewhere)
 * is a typo until said otherwise: once it exists, every earlier day of the
 * root is closed (see refuseEarlierDay).
 */
function refuseFutureDate(date: string, now: Date, allowed: boolean): void {
  const tomorrow = utcDate(new Date(now.getTime() + 86_400_000));
  if (date > tomorrow && !allowed) {
    throw new CustodyError(
      'USAGE',
      `--date ${date} is later than tomorrow (${tomorrow}, UTC); once archived, no earlier day of the root can take evidence: pass --allow-future-date if that is meant`,
    );
  }
}

/**
 * Each day manifest names the sha256 of the newest earlier one (the hash
 * chain), so a day that later days chain to can no longer change: say which
 * days are later and where evidence can go instead.
 */
function refuseEarlierDay(root: string, date: string, days: readonly string[], today: string): void {
  const later = days.filter((day) => day > date);
  if (later.length === 0) return;
  const newest = later[later.length - 1]!;
  const listed = later.length > 3 ? `${later.slice(0, 2).join(', ')}, … ${newest} (${later.length} days)` : later.join(', ');
  const instead = newest <= today ? 'archive into today (omit --date)' : `archive into ${newest}`;
  throw new CustodyError(
    'USAGE',
    `${root} already has days after ${date}: ${listed}; an earlier day cannot take evidence once later days chain to it (it would break their hash chain): ${instead}, or into a new --root`,
  );
}

async function archivedToday(root: string, date: string): Promise<Map<string, DayImage>> {
  const day = await readDayManifest(dayDir(root, date));
  const map = new Map<string, DayImage>();
  for (const image of day?.manifest.images ?? []) {
    if (image.status === 'ok' && image.digest) map.set(`${image.ref}\u0000${image.digest}`, image);
  }
  return map;
}

async function findArchived(done: Map<string, DayImage>, ref: ImageReference, resolve: ArchiveOptions['resolve']): Promise<ImageResult | undefined> {
  if (done.size === 0) return undefined;
  let digest = ref.digest;
  if (!digest && resolve) {
    try {
      digest = await resolve(ref);
    } catch {
      return undefined; // let the full collection report the failure
    }
  }
  if (!digest) return undefined;
  const image = done.get(`${formatReference(ref)}\u0000${digest}`);
  if (!image) return undefined;
  return { ref: image.ref, digest: image.digest, path: image.path, status: 'ok', error: null, evidence: [], warnings: [], skipped: true };
}

const RETRYABLE = new Set(['NETWORK', 'TIMEOUT', 'REGISTRY']);
/** Verdicts that record a signature custody could not judge (nothing to check against, Notation): not failures of the run. */
/**
 * The signed evidence of one image whose verdict fails the run. Co-signing
 * follows cosign (src/trust/verdict.ts `failingSignatures`): per image and
 * per kind (signatures, attestations), another signer's signature
 * (`untrusted-key`, `identity-mismatch`) fails only when none verified.
 */
export function failedSignatureEvidence(image: Pick<ImageResult, 'evidence'>): EvidenceResult[] {
  const failing: EvidenceResult[] = [];
  for (const kind of new Set(image.evidence.map((e) => e.kind))) {
    const signed = image.evidence.filter((e) => e.kind === kind && e.verification);
    const bad = new Set(failingSignatures(signed.map((e) => e.verification!)));
    failing.push(...signed.filter((e) => bad.has(e.verification!)));
  }
  return failing;
}

/** What every image of one run shares. */
interface Run {
  options: ArchiveOptions;
  date: string;
  limits: Limits;
  now: () => Date;
  /** Local evidence files, read before anything was written. */
  localRaws: readonly Raw[];
  /** Where large blobs arrive (at the root), when collecting. */
  spool?: RunSpool;
}

/**
 * Archive one image, retrying operational failures; a failure is recorded in
 * the day manifest once, after the last attempt, whatever its kind: every
 * image named in a run ends in the day manifest.
 */
async function archiveWithRetries(ref: ImageReference, run: Run): Promise<ImageResult> {
  const attempts = 1 + Math.max(0, run.options.retries ?? 1);
  let result: ImageResult | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = await archiveOne(ref, run);
    if (result.status !== 'failed' || !RETRYABLE.has(result.errorCode ?? '') || attempt === attempts) break;
    await new Promise((r) => setTimeout(r, (run.options.retryDelayMs ?? 2_000) * 2 ** (attempt - 1)));
  }
  if (result!.status === 'failed') await recordFailure(result!, run);
  return result!;
}

async function archiveOne(ref: ImageReference, run: Run): Promise<ImageResult> {
  // Blobs of this attempt that end up not archived (a failure, a duplicate) leave the spool with it.
  const spool = run.spool?.forImage();
  try {
    return await collectAndWrite(ref, run, spool);
  } finally {
    await spool?.discard();
  }
}

async function collectAndWrite(ref: ImageReference, run: Run, spool: BlobSpool | undefined): Promise<ImageResult> {
  const { options, limits, localRaws } = run;
  let collected: CollectedImage<AnyRaw>;
  try {
    if (!options.collect) collected = { subject: subjectWithoutDiscovery(ref), image: [], evidence: [], warnings: [] };
    else collected = spool ? await options.collect(ref, { spool }) : await options.collect(ref);
  } catch (err) {
    if (!isCustodyError(err)) throw err;
    return failedImage(ref, ref.digest ?? null, err);
  }
  const raws: AnyRaw[] = [...collected.image, ...collected.evidence, ...localRaws];
  let items: PlannedItem[];
  try {
    const open = run.spool ? (file: RawFile) => run.spool!.openForJudging(file) : openSpooled;
    items = await normalizeAll(collected.subject, raws, limits, options.verify ?? signatureVerifier(options.trust), { strict: options.strict === true, open });
  } catch (err) {
    // A spooled blob that cannot be read back (a disk failure) fails this image.
    if (!isCustodyError(err, 'DISK')) throw err;
    return failedImage(ref, collected.subject.digest, err);
  }
  try {
    return await writeImage(ref, collected, raws, items, run);
  } catch (err) {
    // A damaged image folder or a full disk fails this image, not the whole run.
    if (!isCustodyError(err)) throw err;
    return failedImage(ref, collected.subject.digest, err);
  }
}

/** An image that could not be archived; the run goes on. */
function failedImage(ref: ImageReference, digest: string | null, err: CustodyError): ImageResult {
  return { ref: formatReference(ref), digest, path: null, status: 'failed', error: err.message, errorCode: err.code, evidence: [], warnings: [] };
}

/** List a failed image in the day manifest. Not being able to is itself an operational failure that stops the run. */
async function recordFailure(failure: ImageResult, run: Run): Promise<void> {
  const { options, date, now } = run;
  try {
    await withLock(options.root, options.lock ?? {}, () => recordDay(options.root, date, [toDayImage(failure, null)], now()));
  } catch (err) {
    const code = isCustodyError(err, 'LOCKED') ? 'LOCKED' : 'DISK';
    const reason = err instanceof Error ? err.message : String(err);
    throw new CustodyError(code, `cannot record the failure of ${failure.ref} in ${join(dayDir(options.root, date), MANIFEST)}: ${reason}`, { cause: err });
  }
}

/** Write one image's folder and its day-manifest entry in one journalled transaction, under the root lock. */
async function writeImage(
  ref: ImageReference,
  collected: CollectedImage<AnyRaw>,
  raws: readonly AnyRaw[],
  items: PlannedItem[],
  run: Run,
): Promise<ImageResult> {
  const { options, date, now } = run;
  const { subject } = collected;
  const relative = imageRelativePath(ref, subject.digest);
  const dir = join(dayDir(options.root, date), relative);
  const subjectRecord = { ...subject, ...(collected.tag !== undefined ? { tag: collected.tag } : {}) };
  const status: ImageStatus = collected.warnings.length > 0 ? 'incomplete' : 'ok';
  return withLock(options.root, options.lock ?? {}, async () => {
    const stamp = now();
    await assertRealFolders(options.root, `${date}/${relative}`);
    const plan = await planImageFolder(dir, subjectRecord, items, stamp);
    const addedPaths = new Set(plan.added.map((entry) => entry.path));
    const result: ImageResult = {
      ref: formatReference(ref),
      digest: subject.digest,
      path: relative,
      status,
      error: collected.warnings.length > 0 ? collected.warnings.join('; ') : null,
      evidence: plan.entries.map((entry, i) => ({
        path: entry.path,
        size: entry.size,
        kind: entry.kind,
        format: entry.format,
        valid: entry.valid,
        problems: entry.problems,
        ...(entry.deviations ? { deviations: entry.deviations } : {}),
        added: addedPaths.has(entry.path),
        source: describeSource(raws[i]!),
        ...(entry.verification ? { verification: entry.verification } : {}),
      })),
      warnings: collected.warnings,
    };
    const usedTrust = trustUsedBy(plan.added, options.trust);
    const day = await planDayManifest(
      options.root,
      date,
      [toDayImage(result, plan.manifestSha256)],
      stamp,
      usedTrust.map((c) => c.record),
    );
    const trustFiles = usedTrust.flatMap(({ record, bytes }) => [
      { path: record.path, bytes },
      { path: `${record.path}.sha256`, bytes: Buffer.from(checksumLine(record.sha256, record.path.split('/').pop()!)) },
    ]);
    await commitTransaction({ root: options.root, date, day, image: { relative, plan }, dayFiles: trustFiles, now: stamp });
    return result;
  });
}

/** Record image results (failures) in the day manifest, journalled like any other write. */
async function recordDay(root: string, date: string, images: DayImage[], now: Date): Promise<void> {
  const day = await planDayManifest(root, date, images, now);
  await commitTransaction({ root, date, day, now });
}

/** The trust copies the new verdicts name (a day keeps only trust material it relied on). */
function trustUsedBy(added: readonly EvidenceEntry[], trust: ArchiveTrust | undefined): ArchiveTrust['copies'] {
  if (!trust) return [];
  const used = new Set(added.flatMap((entry) => entry.verification?.trustMaterial ?? []));
  return trust.copies.filter((copy) => used.has(copy.record.sha256));
}

function toDayImage(result: ImageResult, manifestSha256: string | null): DayImage {
  return {
    ref: result.ref,
    digest: result.digest,
    path: result.path,
    manifestSha256,
    status: result.status,
    error: result.error,
  };
}
