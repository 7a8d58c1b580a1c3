import { archive, failedSignatureEvidence, type ArchiveReport, type EvidenceResult } from '../../archive/archive.js';
import { readImagesFile } from '../../archive/batch.js';
import type { Shard } from '../../archive/shard.js';
import { createProgress, lockNotice } from '../progress.js';
import { refuseLayoutLookalike } from '../layout-hint.js';
import { loadArchiveTrust } from '../../archive/trust-kept.js';
import { hasTrust, toTrustOptions, type TrustArgs } from '../trust-flags.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { shown } from '../../lib/escape.js';
import { printError, printJson, printWarning, table, type Io } from '../output.js';
import type { CommandContext } from '../context.js';
import { sourceOptions, type RegistryArgs } from '../flags.js';

export interface ArchiveArgs extends RegistryArgs, TrustArgs {
  refs?: string[];
  images?: string;
  shard?: Shard;
  quiet: boolean;
  retries: number;
  evidence?: string[];
  discover: boolean;
  root: string;
  date?: string;
  allowFutureDate?: boolean;
  concurrency?: number;
  maxBytes?: number;
  /** Seconds to wait for another run's lock on the root. */
  lockTimeout: number;
  strict?: boolean;
  json: boolean;
}

export async function runArchive(args: ArchiveArgs, io: Io, context: CommandContext): Promise<ExitCode> {
  for (const ref of args.refs ?? []) refuseLayoutLookalike(ref);
  const listed = args.images !== undefined ? await readImagesFile(args.images, refuseLayoutLookalike, args.maxBytes) : [];
  const refs = [...(args.refs ?? []), ...listed];
  const batch = args.images !== undefined || refs.length > 1;
  const mode = args.quiet || !batch ? 'quiet' : context.isTerminal() ? 'tty' : 'lines';
  const progress = createProgress(io, mode);
  const started = Date.now();
  const trustOptions = toTrustOptions(args);
  const trust = hasTrust(trustOptions) ? await loadArchiveTrust(trustOptions) : undefined;
  for (const warning of trust?.material.warnings ?? []) printWarning(io, warning);
  const collecting = args.discover ? await context.collecting(sourceOptions(args)) : undefined;
  const report = await archive({
    refs,
    evidenceFiles: args.evidence ?? [],
    root: args.root,
    ...(args.date !== undefined ? { date: args.date } : {}),
    ...(args.allowFutureDate ? { allowFutureDate: true } : {}),
    ...(args.shard !== undefined ? { shard: args.shard } : {}),
    ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
    retries: args.retries,
    lock: { waitMs: args.lockTimeout * 1000, onWait: lockNotice(io, args.quiet ? 'quiet' : mode === 'quiet' ? 'text' : mode, args.root) },
    ...(trust ? { trust } : {}),
    ...(args.maxBytes !== undefined ? { limits: { maxBytes: args.maxBytes } } : {}),
    ...(args.strict ? { strict: true } : {}),
    ...(collecting ? { collect: collecting.collect, resolve: collecting.resolve } : {}),
    onStart: (total) => progress.start(total),
    onImage: (result) => progress.image(result),
  }).finally(() => collecting?.close());
  progress.finish();
  if (args.json) printJson(io, report);
  else if (!args.quiet) {
    // Each image's evidence for a few images; for a batch, the end-of-run summary table too.
    if (report.images.length <= 5) io.out(formatArchiveReport(report));
    if (batch) io.out(formatSummary(report, Date.now() - started));
  }
  return archiveExit(report, io);
}

/** The end-of-run table for batches: images by status, evidence by kind, bytes, time. */
export function formatSummary(report: ArchiveReport, ms: number): string {
  const count = (status: string) => report.images.filter((i) => (status === 'skipped' ? i.skipped : !i.skipped && i.status === status)).length;
  const byKind = new Map<string, number>();
  let bytes = 0;
  let added = 0;
  for (const image of report.images) {
    for (const e of image.evidence) {
      byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
      if (e.added) {
        bytes += e.size;
        added++;
      }
    }
  }
  const rows = [
    [
      'images',
      `${report.images.length} (ok ${count('ok')}, incomplete ${count('incomplete')}, failed ${count('failed')}, already archived ${count('skipped')})`,
    ],
    [
      'evidence',
      [...byKind]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none',
    ],
    ['written', `${added} new files, ${bytes} bytes`],
    ['invalid', `${report.invalid} evidence, ${report.failedSignatures} failed signatures`],
    [
      'deviations',
      `${report.images.reduce((n, i) => n + i.evidence.filter((e) => e.deviations).length, 0)} evidence with known producer deviations (not failing; --strict makes them problems)`,
    ],
    ['time', `${(ms / 1000).toFixed(1)} s`],
    ['day', report.day],
  ];
  const failures = report.images.filter((i) => i.status === 'failed').map((i) => ['FAILED', `${i.ref}: ${i.error ?? ''}`]);
  return `${table([...rows, ...failures])}\n`;
}

export function archiveExit(report: ArchiveReport, io: Io): ExitCode {
  const failed = report.images.filter((image) => image.status === 'failed');
  if (failed.length > 0 && failed.length === report.images.length && failed.every((f) => isOperational(f.errorCode))) {
    printError(io, `nothing archived: ${failed[0]!.ref}: ${failed[0]!.error}`);
    return EXIT.operational;
  }
  if (failed.length > 0) {
    printError(io, `${failed.length} of ${report.images.length} images failed; first: ${failed[0]!.ref}: ${failed[0]!.error}`);
    return EXIT.finding;
  }
  // An incomplete image is evidence known to exist but not collected (a listing cut short, an attachment that
  // vanished): the archive is missing something, so the run does not pass.
  const incomplete = report.images.filter((image) => image.status === 'incomplete');
  if (incomplete.length > 0) {
    io.err(
      `custody: archived, but ${incomplete.length} of ${report.images.length} images incomplete; first: ${incomplete[0]!.ref}: ${incomplete[0]!.error ?? ''}\n`,
    );
    return EXIT.finding;
  }
  if (report.invalid > 0 || report.failedSignatures > 0) {
    const first = report.images
      .flatMap((image) => {
        const failing = new Set(failedSignatureEvidence(image));
        return image.evidence.map((e) => ({ image, e, failing: failing.has(e) }));
      })
      .find(({ e, failing }) => !e.valid || failing);
    const detail = first
      ? `${first.e.source} -> ${first.image.path}/${first.e.path}: ${first.e.problems[0]?.message ?? first.e.verification?.reason ?? 'invalid'}`
      : '';
    printError(io, `archived, but ${report.invalid} evidence file(s) invalid and ${report.failedSignatures} signature(s) failed; first: ${detail}`);
    return EXIT.finding;
  }
  return EXIT.ok;
}

function isOperational(code: string | undefined): boolean {
  return code === 'NETWORK' || code === 'TIMEOUT' || code === 'AUTH' || code === 'NOT_FOUND' || code === 'REGISTRY' || code === 'DISK' || code === 'LOCKED';
}

export function formatArchiveReport(report: ArchiveReport): string {
  const lines: string[] = [shown`day ${report.date} in ${report.day}`];
  for (const image of report.images) {
    const added = image.evidence.filter((e) => e.added).length;
    lines.push(`${image.status.toUpperCase().padEnd(10)} ${shown`${image.ref}${image.digest && !image.ref.includes('@') ? `@${image.digest}` : ''}`}`);
    if (image.skipped) lines.push(shown`           ${image.path ?? ''}  (already archived today: not collected again)`);
    else if (image.path) lines.push(shown`           ${image.path}  (${image.evidence.length} files, ${added} new)`);
    if (image.error) lines.push(shown`           error: ${image.error}`);
    const signed = image.evidence.some((e) => e.verification);
    const rows = image.evidence.map((e) => [
      '          ',
      `${e.kind}/${e.format}`,
      e.valid ? (e.deviations ? 'valid*' : 'valid') : 'INVALID',
      ...(signed ? [e.verification ? (e.verification.verified ? 'verified' : `unverified (${e.verification.code ?? '?'})`) : ''] : []),
      e.path,
      e.added ? 'new' : 'kept',
      e.valid ? deviationText(e.deviations) : (e.problems[0]?.message ?? ''),
    ]);
    if (rows.length > 0) lines.push(table(rows));
  }
  return `${lines.join('\n')}\n`;
}

/** `valid*`: valid with known producer deviations, named with their producer (README "Deviations"). */
function deviationText(deviations: EvidenceResult['deviations']): string {
  if (!deviations || deviations.length === 0) return '';
  return `deviation: ${deviations.map((d) => `${d.code} (${d.producer})`).join(', ')}`;
}
