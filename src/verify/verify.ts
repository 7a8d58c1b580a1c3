import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CHECKSUM_SUFFIX, DATE_PATTERN, EXPORT_SUMS, isTempName, JOURNAL, LOCK_NAME, MANIFEST, SEAL_FILE, SEAL_KEY_FILE } from '../lib/archive-format.js';
import { parseChecksumFile, sha256Hex } from '../lib/hash.js';
import { isRecord } from '../lib/is-record.js';
import { CustodyError, fromFsError } from '../errors.js';
import { readRegularFile } from '../lib/read-file.js';
import { validateAgainst } from '../schemas.js';
import type { TrustMaterial } from '../trust/index.js';
import type { DayManifest, ImageManifest, Problem, TrustRecord } from '../types.js';
import { isSafeRelativePath } from './safe-path.js';
import type { DayTrust, SignedItem } from './signatures.js';

// Temporary re-export for branches written before src/lib/archive-format.ts (h-report); remove after the merge.
export { SEAL_FILE, SEAL_KEY_FILE } from '../lib/archive-format.js';
import { checkChain } from './chain.js';
import { excusedMove, readJournals, type JournalExcuses } from './journal-check.js';
import { capProblems, capWarnings } from './problem-cap.js';
import type { FileDigest } from './hash-files.js';
import { diskTree, type ArchiveTree } from './tree-source.js';
import type { TreeEntry } from './tree.js';

export type VerifyTarget = 'root' | 'day' | 'image' | 'export';

export interface VerifyReport {
  ok: boolean;
  target: VerifyTarget;
  path: string;
  /** Files re-hashed. */
  checked: number;
  /** Signatures and seals checked again. */
  signatures: number;
  problems: Problem[];
  warnings: string[];
}

export interface VerifyOptions {
  /** Threads reading and hashing files (default: one per core). */
  concurrency?: number;
  /** The auditor's own trust material: every signature and seal is checked against it instead. */
  trust?: TrustMaterial;
  /** For an image folder verified alone: the trust copies of the day folder around it. */
  outerTrust?: DayTrust;
  /** Check the day-to-day hash chain (root only). */
  chain?: boolean;
  /** For a day folder verified alone: the days after it in its root (set by verifyArchive). */
  laterDays?: readonly string[];
}

/** Files a root may hold besides day folders. */
const ROOT_EXTRAS = new Set(['.gitkeep', LOCK_NAME]);

export const join2 = (prefix: string, path: string) => (prefix === '' ? path : `${prefix}/${path}`);

export { isSafeRelativePath };

/** A file of the archive, read without following a link and never waiting on a FIFO. */
const readArchiveFile = (path: string) => readRegularFile(path, { what: 'archive file', noFollow: true });

async function detectDiskTarget(path: string): Promise<Exclude<VerifyTarget, 'export'>> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    throw new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (info.isSymbolicLink()) throw new CustodyError('NOT_A_BUNDLE', `${path} is a symbolic link; verify the folder it points to, not the link`);
  if (!info.isDirectory()) throw new CustodyError('NOT_A_BUNDLE', `${path} is not a custody archive folder or export (.tar.gz)`);
  let names: string[];
  try {
    names = await readdir(path);
  } catch (err) {
    throw fromFsError(err, path, 'read folder');
  }
  if (names.includes(MANIFEST)) {
    try {
      const value = JSON.parse((await readArchiveFile(join(path, MANIFEST))).toString('utf8')) as Record<string, unknown>;
      if (value && typeof value === 'object' && 'subject' in value) return 'image';
      if (value && typeof value === 'object' && 'date' in value) return 'day';
    } catch {
      // a damaged manifest is judged below as part of its folder
    }
    return DATE_PATTERN.test(basename(path)) ? 'day' : 'image';
  }
  // A folder with no archive in it (empty, or only unrelated files) is refused, never "OK, 0 files".
  if (DATE_PATTERN.test(basename(path)) && names.some((name) => !ROOT_EXTRAS.has(name))) return 'day';
  if (names.some((name) => DATE_PATTERN.test(name))) return 'root';
  const what = names.length === 0 ? 'it is empty' : 'no manifest.json and no YYYY-MM-DD folders';
  throw new CustodyError('NOT_A_BUNDLE', `${path} is not a custody archive (${what}): give an archive root, a day or image folder, or an export .tar.gz`);
}

/**
 * Re-check an archive folder from its bytes alone: every file re-hashed
 * against its `.sha256`, every manifest against its schema and against the
 * files (missing, altered, unlisted), every day manifest against its image
 * manifests; with `chain`, every day's link to the day before. Reports every
 * problem at once.
 */
export async function verifyArchive(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  if (/\.(tar\.gz|tgz)$/i.test(path)) {
    const { tarTree } = await import('./tar-tree.js');
    return verifyTree(await tarTree(path), 'export', path, undefined, options);
  }
  const target = await detectDiskTarget(path);
  const tree = await diskTree(path, options.concurrency);
  if (target === 'day' && !options.laterDays) options = { ...options, laterDays: await laterSiblingDays(path) };
  if (target === 'image' && !options.outerTrust) {
    const outerTrust = await enclosingDayTrust(path);
    if (outerTrust) options = { ...options, outerTrust };
  }
  return verifyTree(tree, target, path, DATE_PATTERN.test(basename(path)) ? basename(path) : undefined, options);
}

/** The day folders beside a day folder that come after it (a journal cannot be legitimate in a day with later days). */
async function laterSiblingDays(dayDir: string): Promise<string[]> {
  const date = basename(resolve(dayDir));
  if (!DATE_PATTERN.test(date)) return [];
  const names = await readdir(dirname(resolve(dayDir))).catch(() => [] as string[]);
  return names.filter((name) => DATE_PATTERN.test(name) && name > date).sort();
}

/** For an image folder verified alone: the trust copies of the day folder that holds it, read from disk. */
async function enclosingDayTrust(imageDir: string): Promise<DayTrust | undefined> {
  let dir = resolve(imageDir);
  for (let depth = 0; depth < 32; depth++) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
    if (!DATE_PATTERN.test(basename(dir))) continue;
    try {
      const day = JSON.parse((await readArchiveFile(join(dir, MANIFEST))).toString('utf8')) as DayManifest;
      const records = (Array.isArray(day.trust) ? day.trust : []).filter((r) => isSafeRelativePath(r?.path) && r.path.startsWith('trust/'));
      const dayDir = dir;
      return {
        records,
        read: async (record) => {
          const bytes = await readArchiveFile(join(dayDir, record.path)).catch(() => undefined);
          return bytes && sha256Hex(bytes) === record.sha256 ? bytes : undefined;
        },
      };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

interface Context {
  signed: SignedItem[];
  seals: number;
  options: VerifyOptions;
  warnings: string[];
  tree: ArchiveTree;
  files: Map<string, TreeEntry & { type: 'file' }>;
  problems: Problem[];
  claimed: Set<string>;
  pending: JournalExcuses;
}

export async function verifyTree(
  tree: ArchiveTree,
  target: VerifyTarget,
  label: string,
  folderDate: string | undefined,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const problems: Problem[] = [...(tree.problems ?? [])];
  const warnings: string[] = [];
  const files = new Map<string, TreeEntry & { type: 'file' }>();
  const journals: string[] = [];

  for (const entry of tree.entries) {
    const name = basename(entry.path);
    if (entry.type === 'symlink') problems.push({ code: 'symlink', path: entry.path, message: `${entry.path} is a symbolic link; an archive holds only regular files` });
    else if (entry.type === 'special') problems.push({ code: 'special-file', path: entry.path, message: `${entry.path} is not a regular file` });
    else if (entry.type === 'unreadable') problems.push({ code: 'unreadable', path: entry.path, message: `${entry.path} cannot be read (${entry.reason}); nothing in it was checked` });
    else if (entry.type === 'file') {
      if (name === JOURNAL) journals.push(entry.path);
      else if (isTempName(name)) warnings.push(`${entry.path}: temporary file left by an interrupted run (never listed; rerun archive to tidy)`);
      else if (target === 'root' && !entry.path.includes('/') && ROOT_EXTRAS.has(name)) continue;
      else if (target === 'export' && entry.path === EXPORT_SUMS) continue;
      else files.set(entry.path, entry);
    }
  }
  for (const [file, digest] of tree.digests) {
    if (digest instanceof Error && files.has(file)) problems.push({ code: 'unreadable', path: file, message: `${file} cannot be read: ${digest.message}` });
  }
  const digestOf = (file: string): FileDigest | undefined => {
    const digest = tree.digests.get(file);
    return digest && !(digest instanceof Error) ? digest : undefined;
  };
  const dayDates = tree.entries.filter((e) => e.type === 'dir' && !e.path.includes('/') && DATE_PATTERN.test(e.path)).map((e) => e.path);
  const pending = await readJournals(journals, {
    tree,
    sha256Of: (file) => digestOf(file)?.sha256,
    has: (file) => files.has(file),
    dayOf: (journal) => {
      if (target === 'day') return journal === JOURNAL ? '' : undefined;
      if (target === 'image') return undefined;
      const date = journal.slice(0, journal.indexOf('/'));
      return journal === `${date}/${JOURNAL}` && DATE_PATTERN.test(date) ? date : undefined;
    },
    refusal: (prefix) => {
      if (target === 'export') return 'an export is a finished copy of a day';
      if (files.has(join2(prefix, SEAL_FILE))) return 'the day is sealed';
      const later = target === 'day' ? (options.laterDays ?? []) : dayDates.filter((date) => date > prefix);
      return later.length > 0 ? `later days (${later[0]}${later.length > 1 ? ', …' : ''}) follow this one` : undefined;
    },
  });
  problems.push(...pending.problems);
  warnings.push(...pending.warnings);
  /** A file the interrupted run created, not committed yet: present with the bytes the journal names. */
  const uncommitted = (file: string): boolean => {
    const sha = digestOf(file)?.sha256;
    if (sha === undefined) return false;
    if (pending.files.get(file) === sha) return true;
    const move = pending.moves.get(file);
    if (move?.before === null && move.after === sha) return true;
    // The checksum file of such a manifest, once the checksum loop has found it right.
    return file.endsWith(CHECKSUM_SUFFIX) && pending.moves.get(file.slice(0, -CHECKSUM_SUFFIX.length))?.before === null && uncommitted(file.slice(0, -CHECKSUM_SUFFIX.length));
  };

  // DESIGN.md: every file has `<name>.sha256` beside it, in sha256sum format, and it matches.
  for (const file of files.keys()) {
    if (file.endsWith(CHECKSUM_SUFFIX)) {
      const targetFile = file.slice(0, -CHECKSUM_SUFFIX.length);
      if (!files.has(targetFile)) {
        problems.push({ code: 'missing', path: targetFile, message: `${targetFile} is missing (its checksum file ${basename(file)} is there)` });
        continue;
      }
      const parsed = parseChecksumFile((await tree.readText(file)) ?? '');
      if (!parsed || parsed.name !== basename(targetFile)) {
        problems.push({ code: 'checksum-format', path: file, message: `${file} is not one line "<64 hex>  ${basename(targetFile)}" as sha256sum writes it` });
        continue;
      }
      const actual = digestOf(targetFile);
      if (actual && actual.sha256 !== parsed.sha256 && !excusedMove(pending, targetFile, actual.sha256, parsed.sha256)) {
        problems.push({ code: 'altered', path: targetFile, message: `${targetFile} has sha256 ${actual.sha256}, its checksum file says ${parsed.sha256}` });
      }
    } else if (!files.has(file + CHECKSUM_SUFFIX) && !pending.files.has(file + CHECKSUM_SUFFIX) && !pending.moves.has(file)) {
      problems.push({ code: 'checksum-missing', path: file, message: `${file} has no ${basename(file)}${CHECKSUM_SUFFIX} beside it` });
    }
  }

  const context: Context = { tree, files, problems, claimed: new Set(), pending, signed: [], seals: 0, options, warnings };
  const days: { date: string; manifest: DayManifest | undefined }[] = [];
  if (target === 'image') await checkImageFolder(context, '', options.outerTrust);
  else if (target === 'day') await checkDayFolder(context, '', folderDate);
  else {
    for (const entry of tree.entries) {
      if (entry.type === 'dir' && !entry.path.includes('/') && DATE_PATTERN.test(entry.path)) {
        days.push({ date: entry.path, manifest: await checkDayFolder(context, entry.path, entry.path) });
      }
    }
  }
  if (target === 'export') await checkExportSums(context);
  const signatures =
    context.signed.length > 0
      ? await (await import('./signatures.js')).checkSignatures(context.signed, (file) => tree.readBytes(file), options.trust)
      : { problems: [], checked: 0 };
  problems.push(...signatures.problems);
  if (options.chain && target === 'root') {
    const committed = days.filter((d) => !pending.newDays.has(d.date));
    problems.push(...checkChain(committed.map((d) => ({ ...d, sha256: digestOf(join2(d.date, MANIFEST))?.sha256 }))));
  }

  for (const file of files.keys()) {
    if (context.claimed.has(file) || uncommitted(file)) continue;
    problems.push({ code: 'unlisted', path: file, message: `${file} is not listed in any manifest` });
  }
  const checked = [...files.keys()].filter((p) => !p.endsWith(CHECKSUM_SUFFIX)).length;
  const reported = withoutMissingUnderUnreadable(problems, tree.entries);
  return { ok: reported.length === 0, target, path: label, checked, signatures: signatures.checked + context.seals, problems: capProblems(sortProblems(reported)), warnings: capWarnings(warnings) };
}

/** A file inside a folder that could not be read is not "missing": the folder's `unreadable` problem says so once. */
function withoutMissingUnderUnreadable(problems: Problem[], entries: readonly TreeEntry[]): Problem[] {
  const folders = entries.filter((e) => e.type === 'unreadable').map((e) => `${e.path}/`);
  if (folders.length === 0) return problems;
  return problems.filter((p) => p.code !== 'missing' || !folders.some((folder) => p.path.startsWith(folder)));
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Read a manifest and check it against its schema; problems name the file and the JSON Pointer. */
async function readManifest<T>(context: Context, prefix: string, schema: string): Promise<T | undefined> {
  const file = join2(prefix, MANIFEST);
  context.claimed.add(file);
  context.claimed.add(file + CHECKSUM_SUFFIX);
  const text = context.files.has(file) ? await context.tree.readText(file) : undefined;
  if (text === undefined) {
    context.problems.push({ code: 'missing', path: file, message: `${file} is missing` });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    context.problems.push({ code: 'manifest-invalid', path: file, message: `${file} is not JSON: ${(err as Error).message}` });
    return undefined;
  }
  for (const problem of validateAgainst(schema, value)) {
    context.problems.push({ code: 'manifest-schema', path: `${file}#${problem.path}`, message: `${file}: ${problem.message}` });
  }
  return value as T;
}

function sha256Of(context: Context, file: string): string | undefined {
  const digest = context.tree.digests.get(file);
  return digest && !(digest instanceof Error) ? digest.sha256 : undefined;
}

async function checkImageFolder(context: Context, prefix: string, dayTrust: DayTrust | undefined): Promise<{ sha256: string | undefined; digest: unknown }> {
  const manifest = await readManifest<ImageManifest>(context, prefix, 'image-manifest.schema.json');
  const evidence = Array.isArray(manifest?.evidence) ? manifest.evidence : [];
  const imageDigest = typeof manifest?.subject?.digest === 'string' ? manifest.subject.digest : '';
  const listed = new Set<string>();
  evidence.forEach((entry, index) => {
    const where = `${join2(prefix, MANIFEST)}#/evidence/${index}/path`;
    if (!entry || typeof entry !== 'object') return;
    if (listed.has(String(entry.path))) {
      context.problems.push({ code: 'duplicate-entry', path: where, message: `${where}: ${String(entry.path)} is listed twice` });
    }
    listed.add(String(entry.path));
    if (!isSafeRelativePath(entry.path)) {
      context.problems.push({ code: 'unsafe-path', path: where, message: `${where}: "${String(entry.path)}" leaves its folder` });
      return;
    }
    const file = join2(prefix, entry.path);
    context.claimed.add(file);
    context.claimed.add(file + CHECKSUM_SUFFIX);
    if (entry.verification && typeof entry.verification === 'object') context.signed.push({ file, entry, imageDigest, ...(isRecord(manifest?.subject) ? { subject: manifest.subject } : {}), trust: dayTrust });
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
  return { sha256: sha256Of(context, join2(prefix, MANIFEST)), digest: manifest?.subject?.digest };
}

async function checkDayFolder(context: Context, prefix: string, folderDate: string | undefined): Promise<DayManifest | undefined> {
  if (context.pending.newDays.has(prefix)) {
    context.warnings.push(`${join2(prefix, MANIFEST)}: not written yet; the interrupted run was creating this day`);
    return undefined;
  }
  const manifest = await readManifest<DayManifest>(context, prefix, 'day-manifest.schema.json');
  if (!manifest) return undefined;
  const manifestFile = join2(prefix, MANIFEST);
  if (folderDate !== undefined && manifest.date !== folderDate) {
    context.problems.push({ code: 'manifest-mismatch', path: `${manifestFile}#/date`, message: `${manifestFile} says date ${String(manifest.date)} but lives in ${folderDate}/` });
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
function checkTrustCopies(context: Context, prefix: string, manifest: DayManifest): DayTrust {
  const records = Array.isArray(manifest.trust) ? manifest.trust.filter((r) => r && typeof r === 'object') : [];
  const usable: TrustRecord[] = [];
  records.forEach((record, index) => {
    const where = `${join2(prefix, MANIFEST)}#/trust/${index}/path`;
    if (!isSafeRelativePath(record.path) || !record.path.startsWith('trust/')) {
      context.problems.push({ code: 'unsafe-path', path: where, message: `${where}: "${String(record.path)}" is not a file under trust/` });
      return;
    }
    const file = join2(prefix, record.path);
    context.claimed.add(file);
    context.claimed.add(file + CHECKSUM_SUFFIX);
    const actual = context.tree.digests.get(file);
    if (!context.files.has(file) || actual === undefined) {
      context.problems.push({ code: 'missing', path: file, message: `${file} is listed in ${join2(prefix, MANIFEST)} but missing` });
    } else if (!(actual instanceof Error) && actual.sha256 !== record.sha256) {
      context.problems.push({ code: 'altered', path: file, message: `${file} has sha256 ${actual.sha256}; the day manifest says ${String(record.sha256)}` });
    } else usable.push(record);
  });
  return { records: usable, read: (record) => context.tree.readBytes(join2(prefix, record.path)) };
}

/** A sealed day: the seal must verify over the manifest's exact bytes (the auditor's key, else the key kept beside it). */
async function checkDaySeal(context: Context, prefix: string): Promise<void> {
  const sealFile = join2(prefix, SEAL_FILE);
  const keyFile = join2(prefix, SEAL_KEY_FILE);
  if (!context.files.has(sealFile)) {
    if (context.files.has(keyFile)) context.problems.push({ code: 'seal-invalid', path: keyFile, message: `${keyFile} is there but the seal ${SEAL_FILE} is missing` });
    return;
  }
  for (const file of [sealFile, keyFile]) {
    context.claimed.add(file);
    context.claimed.add(file + CHECKSUM_SUFFIX);
  }
  const seal = await context.tree.readBytes(sealFile);
  const manifest = await context.tree.readBytes(join2(prefix, MANIFEST));
  if (!seal || !manifest) return;
  let trust = context.options.trust;
  if (!trust) {
    const key = context.files.has(keyFile) ? await context.tree.readBytes(keyFile) : undefined;
    if (!key) {
      context.warnings.push(`${sealFile}: no key beside the seal and none given (--key, --trusted-root): the seal was not checked`);
      return;
    }
    const { buildTrustMaterial } = await import('../trust/index.js');
    trust = buildTrustMaterial([{ path: keyFile, role: 'key', bytes: key }], {});
    context.warnings.push(`${sealFile}: checked against the key kept beside it; pass --key to pin the signer`);
  }
  context.seals++;
  const { checkSeal } = await import('./signatures.js');
  const problem = checkSeal(sealFile, seal, manifest, trust);
  if (problem) context.problems.push(problem);
}

/** An export's top-level SHA256SUMS lists every file once, with the right hash. */
async function checkExportSums(context: Context): Promise<void> {
  const text = await context.tree.readText(EXPORT_SUMS);
  if (text === undefined) {
    context.problems.push({ code: 'missing', path: EXPORT_SUMS, message: `${EXPORT_SUMS} is missing from the export` });
    return;
  }
  const listed = new Set<string>();
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    const match = /^([a-f0-9]{64}) {2}(\S[^\n]*)$/.exec(line);
    if (!match || !isSafeRelativePath(match[2])) {
      context.problems.push({ code: 'checksum-format', path: `${EXPORT_SUMS}:${index + 1}`, message: `${EXPORT_SUMS} line ${index + 1} is not "<64 hex>  relative/path"` });
      return;
    }
    const [, sha, file] = match as unknown as [string, string, string];
    listed.add(file);
    const actual = sha256Of(context, file);
    if (!context.files.has(file)) context.problems.push({ code: 'missing', path: file, message: `${file} is listed in ${EXPORT_SUMS} but missing` });
    else if (actual !== sha) context.problems.push({ code: 'altered', path: file, message: `${file} has sha256 ${actual}; ${EXPORT_SUMS} says ${sha}` });
  });
  for (const file of context.files.keys()) {
    if (!listed.has(file)) context.problems.push({ code: 'unlisted', path: file, message: `${file} is not in ${EXPORT_SUMS}` });
  }
}
