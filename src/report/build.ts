import { checkDate } from '../archive/paths.js';
import { CustodyError } from '../errors.js';
import { FactsCache } from '../days/facts.js';
import { dayPath, verifyDays, type VerifiedDay, type VerifiedFiles, type VerifiedRun } from '../days/open.js';
import { readDay, type LoadedDay } from '../days/read-day.js';
import { referenceKey } from '../days/reference-key.js';
import type { EvidenceView } from '../days/views.js';
import type { Policy } from '../gate/policy/types.js';
import type { TrustMaterial } from '../trust/index.js';
import { TOOL } from '../version.js';
import { coverageOf, emptyCoverage, needsFacts, type ProblemAt } from './coverage.js';
import { VersionLog } from './inventory.js';
import { REPORT_FORMAT, type AuditReport, type DayRow, type ImageCoverage, type ImageRow } from './model.js';
import { gateImages, type FilesOf, type GateTarget } from './policy.js';
import { sealOf, verdictOf } from './verdict.js';
import { SEAL_FILE } from '../lib/archive-format.js';

export interface AuditReportOptions {
  /** First day to report on (YYYY-MM-DD); verification still covers the whole PATH. */
  from?: string;
  /** Last day to report on (YYYY-MM-DD). */
  to?: string;
  /** A loaded policy (loadPolicy): the gate's decision per image, on its newest day in the range. */
  policy?: Policy;
  /** The time the policy judges at, and the report's date. Default: now. */
  now?: Date;
  /** Threads hashing files during verification. */
  concurrency?: number;
  /** The auditor's trust material (verify's trust flags): every signature and seal is checked against it instead of the archive's own. */
  trust?: TrustMaterial;
}

interface ImageState {
  ref: string;
  latest: ImageCoverage;
  latestFolder?: string;
  days: number;
  failedDays: number;
  firstDay: string;
  lastDay: string;
  log: VersionLog;
  /** The letter of each day in range the image was archived on (grade), by date. */
  grades: Map<string, string>;
}

/**
 * custody report: verify PATH (a root, with its chain; a day folder; an
 * export), then read what the days in the range hold, from the bytes
 * verification hashed: coverage per image and per day, evidence inventory,
 * day-manifest and seal digests, and with a policy the gate's decisions.
 * A report is made even when verification fails: the failure is its verdict.
 */
export async function makeAuditReport(path: string, options: AuditReportOptions = {}): Promise<AuditReport> {
  const from = options.from === undefined ? undefined : checkFlagDate('--from', options.from);
  const to = options.to === undefined ? undefined : checkFlagDate('--to', options.to);
  if (from && to && from > to) throw new CustodyError('USAGE', `--from ${from} is after --to ${to}`);
  const now = options.now ?? new Date();
  const facts = new FactsCache();
  const images = new Map<string, ImageState>();
  const dayRows: DayRow[] = [];
  let sealedDays = 0;
  const filesOf = new Map<string, VerifiedFiles>();
  // Each day's rows are made as soon as verification has checked it, from the manifests as it parsed them.
  const onDay = async (verified: VerifiedDay) => {
    const { day, files } = verified;
    if (files.sha256(dayPath(day, SEAL_FILE))) sealedDays++;
    if ((from && day.date < from) || (to && day.date > to)) return;
    // The gate decides on each image's newest day: a policy needs the files of the days in range afterwards.
    if (options.policy) filesOf.set(day.date, files);
    const loaded = await readDay(files, day);
    await loadFacts(files, loaded, facts);
    dayRows.push(await dayRowOf(verified, loaded, { images, facts, problemAt: problemsIn(verified) }));
  };
  const archive = await verifyDays(
    path,
    {
      chain: true,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.trust ? { trust: options.trust } : {}),
    },
    onDay,
  );
  const inRange = dayRows.map((row) => row.date);

  const rows: ImageRow[] = [...images.values()]
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
    .map((s) => ({
      ref: s.ref,
      latest: s.latest,
      days: s.days,
      failedDays: s.failedDays,
      firstDay: s.firstDay,
      lastDay: s.lastDay,
      versions: s.log.versions(),
      timeline: inRange.map((date) => s.grades.get(date) ?? '-').join(''),
    }));

  const report: AuditReport = {
    format: REPORT_FORMAT,
    tool: TOOL,
    generatedAt: now.toISOString(),
    source: { path, target: archive.target },
    range: { from: from ?? null, to: to ?? null, firstDay: inRange[0] ?? null, lastDay: inRange.at(-1) ?? null, days: inRange.length },
    verdict: verdictOf(archive, sealedDays),
    days: dayRows,
    images: rows,
  };
  if (options.policy) await addDecisions(report, archive, (date) => filesOf.get(date), images, options.policy, now);
  return report;
}

function checkFlagDate(flag: string, value: string): string {
  try {
    return checkDate(value);
  } catch {
    throw new CustodyError('USAGE', `${flag} "${value}" is not a calendar date in the form YYYY-MM-DD`);
  }
}

/** Read, once per document however many days hold it, the evidence whose summary does not say enough. */
async function loadFacts(files: VerifiedFiles, day: LoadedDay, facts: FactsCache): Promise<void> {
  const wanted = new Map<string, EvidenceView>();
  for (const image of day.images) {
    if (!image.manifest || !image.folder) continue;
    for (const entry of image.manifest.evidence) {
      if (!needsFacts(image.manifest, entry) || facts.has(entry)) continue;
      wanted.set(`${image.folder}/${entry.path}`, entry);
    }
  }
  if (wanted.size === 0) return;
  // Files with the same content (the same document in several images) are read once.
  const byKey = new Map<string, string>();
  for (const [file, entry] of wanted) if (!byKey.has(FactsCache.key(entry))) byKey.set(FactsCache.key(entry), file);
  const bytes = await files.load(byKey.values());
  for (const file of byKey.values()) {
    const content = bytes.get(file);
    if (content) facts.read(wanted.get(file)!, content);
  }
}

/** Verification's problems in the tree that holds a day, by the file they are about (a path's `#/pointer` dropped): the first code of each. */
function problemsIn(verified: VerifiedDay): ProblemAt {
  const byPath = new Map<string, string>();
  for (const problem of verified.problems) {
    const path = problem.path.split('#')[0]!;
    if (!byPath.has(path)) byPath.set(path, problem.code);
  }
  return (path) => byPath.get(path);
}

/** The letter of an image's day in its timeline (ImageRow.timeline). */
function grade(coverage: ImageCoverage): string {
  if (coverage.status === 'incomplete') return 'I';
  if (coverage.status !== 'ok') return 'F';
  const have = [coverage.signed.verified > 0, coverage.sbom.documents > 0, coverage.provenance.attestations > 0, coverage.scan.reports > 0].filter(
    Boolean,
  ).length;
  return have === 4 ? 'A' : have === 0 ? 'N' : 'P';
}

async function dayRowOf(
  verified: VerifiedDay,
  loaded: LoadedDay,
  { images, facts, problemAt }: { images: Map<string, ImageState>; facts: FactsCache; problemAt: ProblemAt },
): Promise<DayRow> {
  const date = loaded.day.date;
  const row: DayRow = {
    date,
    manifestSha256: loaded.manifestSha256 ?? null,
    previous: loaded.manifest?.previous ?? null,
    seal: await sealOf(verified, loaded),
    images: loaded.images.length,
    ok: 0,
    incomplete: 0,
    failed: 0,
    signed: 0,
    withSbom: 0,
    withProvenance: 0,
    scanned: 0,
    critical: 0,
    high: 0,
    ...(loaded.error ? { error: loaded.error } : {}),
  };
  for (const image of loaded.images) {
    const coverage = image.manifest ? coverageOf(date, image, (entry) => facts.get(entry), problemAt) : emptyCoverage(date, image);
    if (image.entry.status === 'ok') row.ok++;
    else if (image.entry.status === 'incomplete') row.incomplete++;
    else row.failed++;
    if (coverage.signed.verified > 0) row.signed++;
    if (coverage.sbom.documents > 0) row.withSbom++;
    if (coverage.provenance.attestations > 0) row.withProvenance++;
    if (coverage.scan.reports > 0) row.scanned++;
    row.critical += coverage.scan.counts?.CRITICAL ?? 0;
    row.high += coverage.scan.counts?.HIGH ?? 0;

    const ref = referenceKey(image.entry.ref);
    let state = images.get(ref);
    if (!state) {
      state = {
        ref,
        latest: coverage,
        days: 0,
        failedDays: 0,
        firstDay: date,
        lastDay: date,
        log: new VersionLog(),
        grades: new Map(),
      };
      images.set(ref, state);
    }
    state.latest = coverage;
    state.grades.set(date, grade(coverage));
    if (image.folder && image.manifest) state.latestFolder = image.folder;
    else delete state.latestFolder;
    state.days++;
    if (image.entry.status === 'failed') state.failedDays++;
    state.lastDay = date;
    if (image.manifest && image.entry.path) state.log.add(date, image.manifest.digest || (image.entry.digest ?? ''), image.entry.path, image.manifest.evidence);
  }
  return row;
}

async function addDecisions(
  report: AuditReport,
  archive: VerifiedRun,
  filesOf: FilesOf,
  images: Map<string, ImageState>,
  policy: Policy,
  now: Date,
): Promise<void> {
  report.policy = { path: policy.path, ...(policy.name ? { name: policy.name } : {}), pass: 0, fail: 0 };
  if (!archive.verify.ok) return; // the gate never decides on an archive that does not verify; the verdict says why
  const targets: GateTarget[] = [...images.values()].map((s) => ({
    ref: s.ref,
    date: s.latest.date,
    digest: s.latest.digest,
    ...(s.latestFolder ? { folder: s.latestFolder } : {}),
  }));
  const decisions = await gateImages(archive, filesOf, targets, policy, now);
  for (const row of report.images) {
    const gate = decisions.get(row.ref);
    if (!gate) continue;
    row.gate = gate;
    if (gate.outcome === 'pass') report.policy.pass++;
    else report.policy.fail++;
  }
}
