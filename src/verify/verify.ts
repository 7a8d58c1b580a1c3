import { basename } from 'node:path';
import { CHECKSUM_SUFFIX, DATE_PATTERN, INDEX_DIR, JOURNAL, MANIFEST, SEAL_FILE } from '../lib/archive-format.js';
import type { DayManifest } from '../types.js';
import { checkChain, type ChainDay } from './chain.js';
import { checkChecksumFiles, uncommitted } from './checksums.js';
import { digestOf, isClaimed, join2, type VerifyContext } from './context.js';
import { checkDayFolder } from './day.js';
import { detectDiskTarget, enclosingDayTrust, laterSiblingDays } from './disk-target.js';
import { sortEntries, type SortedEntries } from './entries.js';
import { checkExportSums } from './export.js';
import { checkImageFolder } from './image.js';
import { readJournals, type JournalContext } from './journal-check.js';
import { capProblems, capWarnings } from './problem-cap.js';
import { folderTrees } from './folder-trees.js';
import type { Verdicts } from './signatures.js';
import { combineTrees, dayFoldersOf, diskTree, type ArchiveTree } from './tree-source.js';
import type { TreeEntry } from './walk-steps.js';
import type { VerifyOptions, VerifyReport, VerifyTarget } from './types.js';
import type { VerifyProblem } from './types.js';

export type { CheckedDay, VerifyOptions, VerifyReport, VerifyTarget } from './types.js';
export { isSafeRelativePath } from './safe-path.js';

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
    const tree = await tarTree(path);
    options.onTree?.(tree);
    return verifyTree(tree, 'export', path, undefined, options);
  }
  const target = await detectDiskTarget(path);
  if (target === 'root') return verifyRoot(path, options);
  const tree = await diskTree(path, options.concurrency);
  options.onTree?.(tree);
  if (target === 'day' && !options.laterDays) options = { ...options, laterDays: await laterSiblingDays(path) };
  if (target === 'image' && !options.outerTrust) {
    const outerTrust = await enclosingDayTrust(path);
    if (outerTrust) options = { ...options, outerTrust };
  }
  return verifyTree(tree, target, path, DATE_PATTERN.test(basename(path)) ? basename(path) : undefined, options);
}

/**
 * An archive root, day by day: what lies outside the day folders first (a
 * root's index is derived, never part of the archive: not even read), then
 * each day as its own tree, read and hashed by worker threads ahead of the
 * checks (folder-trees.ts), then the chain across the days. Only a few days
 * are held at once, unless `onTree` wants the whole root.
 */
async function verifyRoot(root: string, options: VerifyOptions): Promise<VerifyReport> {
  const rest = await diskTree(root, options.concurrency, { notEntered: (name) => name === INDEX_DIR || DATE_PATTERN.test(name) });
  const dayDates = dayFoldersOf(rest);
  const days = new Set(dayDates);
  rest.entries = rest.entries.filter((e) => !(e.type === 'dir' && days.has(e.path)));
  const verdicts: Verdicts = new Map();
  const parts = [await checkPart(rest, 'root', undefined, options, dayDates, verdicts)];
  const trees = options.onTree ? [rest] : undefined;
  const source = folderTrees(root, dayDates, options.concurrency);
  try {
    for (let tree = await source.next(); tree; tree = await source.next()) {
      parts.push(await checkPart(tree, 'root', undefined, options, dayDates, verdicts));
      trees?.push(tree);
    }
  } finally {
    await source.close();
  }
  if (trees) options.onTree!(combineTrees(trees));
  return report('root', root, parts, options.chain ? checkChain(parts.flatMap((p) => p.days)) : []);
}

/**
 * Verify a tree already read (a folder on disk, an export's tar): the checks
 * of each target are in day.ts, image.ts, seal.ts and export.ts; this runs
 * them in order and reports what no manifest accounts for.
 */
export async function verifyTree(
  tree: ArchiveTree,
  target: VerifyTarget,
  label: string,
  folderDate: string | undefined,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const part = await checkPart(tree, target, folderDate, options, dayFoldersOf(tree), new Map());
  return report(target, label, [part], options.chain && target === 'root' ? checkChain(part.days) : []);
}

/** What the checks of one tree found, before the problems of every tree are sorted and capped together. */
interface PartResult {
  problems: VerifyProblem[];
  warnings: string[];
  checked: number;
  signatures: number;
  /** The committed days checked, for the chain. */
  days: ChainDay[];
}

/** The checks of one tree: a whole target, or one day of a root (`dayDates` then names every day of the root). */
async function checkPart(
  tree: ArchiveTree,
  target: VerifyTarget,
  folderDate: string | undefined,
  options: VerifyOptions,
  dayDates: readonly string[],
  verdicts: Verdicts,
): Promise<PartResult> {
  const { files, journals, problems, warnings } = sortEntries(tree, target);
  const pending = await readJournals(journals, journalContext(tree, target, files, options, dayDates));
  problems.push(...pending.problems);
  warnings.push(...pending.warnings);

  const context: VerifyContext = { tree, files, problems, claimed: new Set(), pending, signed: [], seals: 0, options, warnings };
  if (options.onDay) context.parsed = new Map();
  await checkChecksumFiles(context);
  const days = await checkTarget(context, target, folderDate);
  const signatures =
    context.signed.length > 0
      ? await (
          await import('./signatures.js')
        ).checkSignatures(
          context.signed,
          (file) => tree.readBytes(file),
          options.trust,
          (file) => digestOf(tree, file)?.sha256,
          verdicts,
        )
      : { problems: [], checked: 0 };
  problems.push(...signatures.problems);
  for (const file of files.keys()) {
    if (isClaimed(context, file) || uncommitted(context, file)) continue;
    problems.push({ code: 'unlisted', path: file, message: `${file} is not listed in any manifest` });
  }
  let checked = 0;
  for (const file of files.keys()) if (!file.endsWith(CHECKSUM_SUFFIX)) checked++;
  const reported = withoutMissingUnderUnreadable(problems, tree.entries);
  if (options.onDay) {
    const prefixes = target === 'day' ? [''] : days.map((d) => d.date);
    for (const prefix of prefixes) await options.onDay({ target, prefix, tree, manifests: context.parsed!, problems: reported, warnings });
  }
  return {
    problems: reported,
    warnings,
    checked,
    signatures: signatures.checked + context.seals,
    // Only the link is kept of each day manifest: a root's days are held until the chain is checked.
    days: days
      .filter((d) => !pending.newDays.has(d.date))
      .map((d) => ({ date: d.date, manifest: d.manifest && { previous: d.manifest.previous }, sha256: digestOf(tree, join2(d.date, MANIFEST))?.sha256 })),
  };
}

/** One report from the checks of every tree read. */
function report(target: VerifyTarget, label: string, parts: readonly PartResult[], chain: VerifyProblem[]): VerifyReport {
  const problems = [...parts.flatMap((p) => p.problems), ...chain];
  return {
    ok: problems.length === 0,
    target,
    path: label,
    checked: parts.reduce((n, p) => n + p.checked, 0),
    signatures: parts.reduce((n, p) => n + p.signatures, 0),
    problems: capProblems(sortProblems(problems)),
    warnings: capWarnings(parts.flatMap((p) => p.warnings)),
  };
}

/** The checks of the target: one image folder, one day folder, or every day folder of a root or an export. */
async function checkTarget(
  context: VerifyContext,
  target: VerifyTarget,
  folderDate: string | undefined,
): Promise<{ date: string; manifest: DayManifest | undefined }[]> {
  const days: { date: string; manifest: DayManifest | undefined }[] = [];
  if (target === 'image') await checkImageFolder(context, '', context.options.outerTrust);
  else if (target === 'day') await checkDayFolder(context, '', folderDate);
  else {
    for (const date of dayFoldersOf(context.tree)) days.push({ date, manifest: await checkDayFolder(context, date, date) });
  }
  if (target === 'export') await checkExportSums(context);
  return days;
}

/** Where the journals found belong, and when none can be legitimate (sealed, later days, an export). */
function journalContext(
  tree: ArchiveTree,
  target: VerifyTarget,
  files: SortedEntries['files'],
  options: VerifyOptions,
  dayDates: readonly string[],
): JournalContext {
  return {
    tree,
    sha256Of: (file) => digestOf(tree, file)?.sha256,
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
  };
}

/** A file inside a folder that could not be read is not "missing": the folder's `unreadable` problem says so once. */
function withoutMissingUnderUnreadable(problems: VerifyProblem[], entries: readonly TreeEntry[]): VerifyProblem[] {
  const folders = entries.filter((e) => e.type === 'unreadable').map((e) => `${e.path}/`);
  if (folders.length === 0) return problems;
  return problems.filter((p) => p.code !== 'missing' || !folders.some((folder) => p.path.startsWith(folder)));
}

function sortProblems(problems: VerifyProblem[]): VerifyProblem[] {
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
