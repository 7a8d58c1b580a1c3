import { isDeepStrictEqual } from 'node:util';
import { sha256Hex } from '../lib/hash.js';
import { JOURNAL, MANIFEST, type Journal } from '../lib/archive-format.js';
import type { DayImage, DayManifest, ImageManifest } from '../types.js';
import { isJournalShape } from './journal-shape.js';
import type { ArchiveTree } from './tree-source.js';
import type { VerifyProblem } from './types.js';

/**
 * What a day's write-ahead journal may excuse, and only that.
 *
 * `archive` writes a journal before a change to a day and removes it after,
 * so a run killed in between leaves files it created but no manifest lists
 * yet, and manifests caught between their old and new content. Those are
 * reported as an interrupted run (a warning), not as tampering. But a journal
 * is a file like any other and can be forged, so it is believed only where
 * archive could have left it, and only for what archive does:
 *
 * - only in the newest day of the archive, and never in a sealed day or an
 *   export (archive refuses to write there);
 * - a file it lists is excused only with the bytes it names, and only from
 *   being unlisted: a file a manifest lists is checked as always;
 * - a manifest between `before` and `after` is excused only when the journal
 *   holds the previous text, that text hashes to `before`, and the manifest
 *   now on disk keeps every entry of it unchanged: archives only add, so a
 *   replaced manifest that drops or changes an entry is tampering.
 */
export interface JournalExcuses {
  /** The journal's own files (day prefix → journal path), believed or not. */
  journals: Set<string>;
  /** Files the interrupted run created, with their sha256. */
  files: Map<string, string>;
  /** Manifests whose move from `before` to `after` is proven to only add. */
  moves: Map<string, { before: string | null; after: string }>;
  /** Day prefixes whose manifest the interrupted run was creating. */
  newDays: Set<string>;
  problems: VerifyProblem[];
  warnings: string[];
}

export interface JournalContext {
  tree: ArchiveTree;
  /** sha256 of a file as it is now, if it could be read. */
  sha256Of: (path: string) => string | undefined;
  /** Whether a file is in the tree. */
  has: (path: string) => boolean;
  /** Day prefix of each journal ('' for a day verified alone). */
  dayOf: (journalPath: string) => string | undefined;
  /** Why no journal can be legitimate in this day (sealed, later days, an export), if so. */
  refusal: (dayPrefix: string) => string | undefined;
}

const join2 = (prefix: string, path: string) => (prefix === '' ? path : `${prefix}/${path}`);

export async function readJournals(journalPaths: readonly string[], context: JournalContext): Promise<JournalExcuses> {
  const excuses: JournalExcuses = { journals: new Set(journalPaths), files: new Map(), moves: new Map(), newDays: new Set(), problems: [], warnings: [] };
  for (const path of journalPaths) {
    const prefix = context.dayOf(path);
    if (prefix === undefined) {
      excuses.problems.push({ code: 'journal-unexpected', path, message: `${path}: a journal belongs in a day folder, not here; it excuses nothing` });
      continue;
    }
    const journal = parseJournal(await context.tree.readText(path));
    if (!journal) {
      excuses.problems.push({ code: 'journal-invalid', path, message: `${path} is not a well-formed custody journal` });
      continue;
    }
    const refusal = context.refusal(prefix);
    if (refusal) {
      excuses.problems.push({ code: 'journal-unexpected', path, message: `${path}: ${refusal}, so no run can be pending there; the journal excuses nothing` });
      continue;
    }
    for (const file of journal.files) excuses.files.set(join2(prefix, file.path), file.sha256);
    const unproven = await admitMoves(journal, prefix, context, excuses);
    excuses.problems.push(...unproven);
    excuses.warnings.push(
      `${path}: an archive run started ${journal.startedAt} (pid ${journal.pid}) was interrupted; ${journal.files.length} file(s) it added are not committed yet; rerun custody archive to complete it`,
    );
  }
  return excuses;
}

/** Admit each manifest move the journal proves only adds; a problem for each it cannot. */
async function admitMoves(journal: Journal, prefix: string, context: JournalContext, excuses: JournalExcuses): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  const journalPath = join2(prefix, JOURNAL);
  const dayManifest = join2(prefix, MANIFEST);
  // Image manifests first: the day manifest's move may rely on theirs.
  const ordered = [...journal.manifests].sort((a, b) => Number(a.path === MANIFEST) - Number(b.path === MANIFEST));
  for (const move of ordered) {
    const path = join2(prefix, move.path);
    if (move.before === null) {
      // A manifest being created: nothing was committed there before.
      if (path === dayManifest && !context.has(path)) excuses.newDays.add(prefix);
      excuses.moves.set(path, { before: null, after: move.after });
      continue;
    }
    if (context.sha256Of(path) !== move.after) continue; // not moved yet: nothing to excuse
    const why = await whyNotOnlyAdded(move, path, context, excuses);
    if (why)
      problems.push({
        code: 'journal-mismatch',
        path: journalPath,
        message: `${journalPath}: ${path} ${why}; an interrupted run only adds, so this is not excused`,
      });
    else excuses.moves.set(path, { before: move.before, after: move.after });
  }
  return problems;
}

async function whyNotOnlyAdded(
  move: Journal['manifests'][number],
  path: string,
  context: JournalContext,
  excuses: JournalExcuses,
): Promise<string | undefined> {
  const previous = move.previous ?? null;
  if (typeof previous !== 'string') return 'changed, and the journal does not keep the manifest it replaced';
  if (sha256Hex(previous) !== move.before) return `changed, and the manifest the journal keeps for it does not hash to ${move.before}`;
  const before = parseObject(previous);
  const after = parseObject(await context.tree.readText(path));
  if (!before || !after) return 'changed, and the old or new manifest is not a JSON object';
  return move.path === MANIFEST
    ? dayDropped(before as unknown as DayManifest, after as unknown as DayManifest, path, excuses)
    : imageDropped(before as unknown as ImageManifest, after as unknown as ImageManifest);
}

function imageDropped(before: ImageManifest, after: ImageManifest): string | undefined {
  if (!isDeepStrictEqual(before.subject?.digest, after.subject?.digest)) return 'names another subject than the manifest it replaced';
  const kept = Array.isArray(after.evidence) ? after.evidence : [];
  for (const entry of Array.isArray(before.evidence) ? before.evidence : []) {
    if (!kept.some((k) => isDeepStrictEqual(k, entry))) return `drops or changes the entry for ${String(entry?.path)} of the manifest it replaced`;
  }
  return undefined;
}

function dayDropped(before: DayManifest, after: DayManifest, path: string, excuses: JournalExcuses): string | undefined {
  if (before.date !== after.date || !isDeepStrictEqual(before.previous, after.previous)) return 'changes the date or the link to the day before';
  const dayPrefix = path.slice(0, -MANIFEST.length);
  const images = Array.isArray(after.images) ? after.images : [];
  for (const old of Array.isArray(before.images) ? before.images : []) {
    if (!old || old.status === 'failed') continue; // a success may replace a failure
    const now = images.find((image) => image?.ref === old.ref && image.digest === old.digest && image.path === old.path);
    if (!now || !sameOrMoved(old, now, dayPrefix, excuses)) return `drops or changes the entry for ${String(old.ref)} of the manifest it replaced`;
  }
  for (const record of Array.isArray(before.trust) ? before.trust : []) {
    if (!(after.trust ?? []).some((r) => isDeepStrictEqual(r, record))) return `drops or changes the trust record ${String(record?.path)}`;
  }
  return undefined;
}

/** An image entry is kept when unchanged, or when its manifest moved by a move this journal proved. */
function sameOrMoved(old: DayImage, now: DayImage, dayPrefix: string, excuses: JournalExcuses): boolean {
  if (old.manifestSha256 === now.manifestSha256) return true;
  const move = excuses.moves.get(`${dayPrefix}${old.path}/${MANIFEST}`);
  return move !== undefined && move.before === old.manifestSha256 && move.after === now.manifestSha256;
}

function parseJournal(text: string | undefined): Journal | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isJournalShape(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A manifest between `recorded` and `actual` because of a move the journal proved. */
export function excusedMove(excuses: JournalExcuses, path: string, actual: string, recorded: string | null): boolean {
  const move = excuses.moves.get(path);
  return move !== undefined && move.after === actual && move.before === recorded;
}
