import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isTempName } from '../archive/atomic.js';
import { parseChecksumFile, sha256Hex } from '../archive/hash.js';
import { JOURNAL, readJournal } from '../archive/journal.js';
import { LOCK_NAME } from '../archive/lock.js';
import { CHECKSUM_SUFFIX, DATE_PATTERN, MANIFEST } from '../archive/paths.js';
import { CustodyError } from '../errors.js';
import { validateAgainst } from '../schemas.js';
import type { DayManifest, ImageManifest, Problem } from '../types.js';
import { hashFiles, type FileDigest } from './hash-files.js';
import { walkTree, type TreeEntry } from './tree.js';

export type VerifyTarget = 'root' | 'day' | 'image';

export interface VerifyReport {
  ok: boolean;
  target: VerifyTarget;
  path: string;
  /** Files re-hashed. */
  checked: number;
  problems: Problem[];
  warnings: string[];
}

export interface VerifyOptions {
  /** Parallel file reads while hashing. */
  concurrency?: number;
}

/** Files a root may hold besides day folders. */
const ROOT_EXTRAS = new Set(['.gitkeep', LOCK_NAME]);

const join2 = (prefix: string, path: string) => (prefix === '' ? path : `${prefix}/${path}`);

/** A manifest path is safe when it stays inside its folder: relative, no `.`/`..` segment, no backslash or NUL. */
export function isSafeRelativePath(path: unknown): path is string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024) return false;
  if (path.startsWith('/') || path.includes('\\') || path.includes('\u0000')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

async function detectTarget(path: string): Promise<VerifyTarget> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    throw new CustodyError('FILE_UNREADABLE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (info.isSymbolicLink()) throw new CustodyError('NOT_A_BUNDLE', `${path} is a symbolic link; verify the folder it points to, not the link`);
  if (!info.isDirectory()) throw new CustodyError('NOT_A_BUNDLE', `${path} is not a custody archive folder`);
  let text: string | undefined;
  try {
    text = await readFile(join(path, MANIFEST), 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      if (value && typeof value === 'object' && 'subject' in value) return 'image';
      if (value && typeof value === 'object' && 'date' in value) return 'day';
    } catch {
      // fall through: a damaged manifest is judged below as part of its folder
    }
    return basename(path).match(DATE_PATTERN) ? 'day' : 'image';
  }
  if (DATE_PATTERN.test(basename(path))) return 'day';
  const names = await readdir(path);
  if (names.some((name) => DATE_PATTERN.test(name)) || names.every((name) => ROOT_EXTRAS.has(name))) return 'root';
  throw new CustodyError('NOT_A_BUNDLE', `${path} is not a custody archive: no manifest.json and no YYYY-MM-DD folders`);
}

/**
 * Re-check an archive folder from its bytes alone: every file re-hashed
 * against its `.sha256`, every manifest against its schema and against the
 * files (missing, altered, unlisted), every day manifest against its image
 * manifests. Reports every problem at once.
 */
export async function verifyArchive(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const target = await detectTarget(path);
  const entries = await walkTree(path);
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const files = new Map<string, TreeEntry & { type: 'file' }>();
  const pending: Pending = { files: new Map(), manifests: new Map() };

  for (const entry of entries) {
    const name = basename(entry.path);
    if (entry.type === 'symlink') problems.push({ code: 'symlink', path: entry.path, message: `${entry.path} is a symbolic link; an archive holds only regular files` });
    else if (entry.type === 'special') problems.push({ code: 'special-file', path: entry.path, message: `${entry.path} is not a regular file` });
    else if (entry.type === 'file') {
      if (name === JOURNAL) {
        const prefix = entry.path.includes('/') ? entry.path.slice(0, entry.path.lastIndexOf('/')) : '';
        const journal = await readJournal(join(path, prefix));
        if (journal) {
          for (const file of journal.files) pending.files.set(join2(prefix, file.path), file.sha256);
          for (const manifest of journal.manifests) pending.manifests.set(join2(prefix, manifest.path), new Set([manifest.before ?? '', manifest.after]));
          warnings.push(`${entry.path}: an archive run started ${journal.startedAt} (pid ${journal.pid}) was interrupted; ${journal.files.length} file(s) pending; rerun custody archive to complete it`);
        } else {
          problems.push({ code: 'journal-invalid', path: entry.path, message: `${entry.path} is not a well-formed custody journal` });
        }
      } else if (isTempName(name)) warnings.push(`${entry.path}: temporary file left by an interrupted run (never listed; rerun archive to tidy)`);
      else if (target === 'root' && !entry.path.includes('/') && ROOT_EXTRAS.has(name)) continue;
      else files.set(entry.path, entry);
    }
  }

  // Every file has a `<name>.sha256` beside it, in sha256sum format, that matches.
  const toHash = [...files.keys()].filter((p) => !p.endsWith(CHECKSUM_SUFFIX));
  const hashes = await hashFiles(path, toHash, options.concurrency ?? 8);
  for (const [file, digest] of hashes) {
    if (digest instanceof Error) problems.push({ code: 'unreadable', path: file, message: `${file} cannot be read: ${digest.message}` });
  }
  for (const file of files.keys()) {
    if (file.endsWith(CHECKSUM_SUFFIX)) {
      const targetFile = file.slice(0, -CHECKSUM_SUFFIX.length);
      if (!files.has(targetFile)) {
        problems.push({ code: 'missing', path: targetFile, message: `${targetFile} is missing (its checksum file ${basename(file)} is there)` });
        continue;
      }
      const parsed = parseChecksumFile(await readFile(join(path, file), 'utf8').catch(() => ''));
      if (!parsed || parsed.name !== basename(targetFile)) {
        problems.push({ code: 'checksum-format', path: file, message: `${file} is not one line "<64 hex>  ${basename(targetFile)}" as sha256sum writes it` });
        continue;
      }
      const actual = hashes.get(targetFile);
      if (actual && !(actual instanceof Error) && actual.sha256 !== parsed.sha256 && !excusedByJournal(pending, targetFile, actual.sha256, parsed.sha256)) {
        problems.push({ code: 'altered', path: targetFile, message: `${targetFile} has sha256 ${actual.sha256}, its checksum file says ${parsed.sha256}` });
      }
    } else if (!files.has(file + CHECKSUM_SUFFIX) && !pending.files.has(file + CHECKSUM_SUFFIX)) {
      problems.push({ code: 'checksum-missing', path: file, message: `${file} has no ${basename(file)}${CHECKSUM_SUFFIX} beside it` });
    }
  }

  const context: Context = { root: path, files, hashes, problems, claimed: new Set(), pending };
  if (target === 'image') await checkImageFolder(context, '');
  else if (target === 'day') await checkDayFolder(context, '', DATE_PATTERN.test(basename(path)) ? basename(path) : undefined);
  else {
    for (const entry of entries) {
      if (entry.type === 'dir' && !entry.path.includes('/') && DATE_PATTERN.test(entry.path)) {
        await checkDayFolder(context, entry.path, entry.path);
      }
    }
  }

  for (const file of files.keys()) {
    if (context.claimed.has(file)) continue;
    const pendingSha = pending.files.get(file);
    if (pendingSha !== undefined) {
      const digest = file.endsWith(CHECKSUM_SUFFIX) ? sha256Hex(await readFile(join(path, file))) : sha256Of(context, file);
      if (digest === pendingSha) continue;
    }
    problems.push({ code: 'unlisted', path: file, message: `${file} is not listed in any manifest` });
  }
  return { ok: problems.length === 0, target, path, checked: toHash.length, problems: sortProblems(problems), warnings };
}

/** What an interrupted run's journal says is in flight (paths relative to the verified folder). */
interface Pending {
  files: Map<string, string>;
  manifests: Map<string, Set<string>>;
}

/** A manifest caught between its old and new content by an interrupted, journalled write. */
function excusedByJournal(pending: Pending, file: string, actual: string, recorded: string): boolean {
  const states = pending.manifests.get(file);
  return states !== undefined && states.has(actual) && states.has(recorded);
}

interface Context {
  pending: Pending;
  root: string;
  files: Map<string, TreeEntry & { type: 'file' }>;
  hashes: Map<string, FileDigest | Error>;
  problems: Problem[];
  claimed: Set<string>;
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Read a manifest and check it against its schema; problems name the file and the JSON Pointer. */
async function readManifest<T>(context: Context, prefix: string, schema: string): Promise<T | undefined> {
  const file = join2(prefix, MANIFEST);
  context.claimed.add(file);
  context.claimed.add(file + CHECKSUM_SUFFIX);
  if (!context.files.has(file)) {
    context.problems.push({ code: 'missing', path: file, message: `${file} is missing` });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(join(context.root, file), 'utf8'));
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
  const digest = context.hashes.get(file);
  return digest && !(digest instanceof Error) ? digest.sha256 : undefined;
}

async function checkImageFolder(context: Context, prefix: string): Promise<string | undefined> {
  const manifest = await readManifest<ImageManifest>(context, prefix, 'image-manifest.schema.json');
  const evidence = Array.isArray(manifest?.evidence) ? manifest.evidence : [];
  evidence.forEach((entry, index) => {
    const where = `${join2(prefix, MANIFEST)}#/evidence/${index}/path`;
    if (!entry || typeof entry !== 'object') return;
    if (!isSafeRelativePath(entry.path)) {
      context.problems.push({ code: 'unsafe-path', path: where, message: `${where}: "${String(entry.path)}" leaves its folder` });
      return;
    }
    const file = join2(prefix, entry.path);
    context.claimed.add(file);
    context.claimed.add(file + CHECKSUM_SUFFIX);
    const actual = context.hashes.get(file);
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
  return sha256Of(context, join2(prefix, MANIFEST));
}

async function checkDayFolder(context: Context, prefix: string, folderDate: string | undefined): Promise<void> {
  const manifest = await readManifest<DayManifest>(context, prefix, 'day-manifest.schema.json');
  if (!manifest) return;
  const manifestFile = join2(prefix, MANIFEST);
  if (folderDate !== undefined && manifest.date !== folderDate) {
    context.problems.push({ code: 'manifest-mismatch', path: `${manifestFile}#/date`, message: `${manifestFile} says date ${String(manifest.date)} but lives in ${folderDate}/` });
  }
  const images = Array.isArray(manifest.images) ? manifest.images : [];
  for (const [index, image] of images.entries()) {
    if (!image || typeof image !== 'object' || image.path === null || image.path === undefined) continue;
    const where = `${manifestFile}#/images/${index}/path`;
    if (!isSafeRelativePath(image.path) || !image.path.startsWith('images/')) {
      context.problems.push({ code: 'unsafe-path', path: where, message: `${where}: "${String(image.path)}" is not a folder under images/` });
      continue;
    }
    const actual = await checkImageFolder(context, join2(prefix, image.path));
    const imageManifest = join2(join2(prefix, image.path), MANIFEST);
    if (actual !== undefined && image.manifestSha256 !== actual && !excusedByJournal(context.pending, imageManifest, actual, String(image.manifestSha256))) {
      context.problems.push({
        code: 'manifest-mismatch',
        path: `${manifestFile}#/images/${index}/manifestSha256`,
        message: `${join2(prefix, image.path)}/manifest.json has sha256 ${actual}; ${manifestFile} records ${String(image.manifestSha256)}`,
      });
    }
  }
}
