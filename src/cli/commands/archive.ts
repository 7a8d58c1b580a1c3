import type { Argv } from 'yargs';
import { archive, type ArchiveReport } from '../../archive/archive.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, table, type Io } from '../output.js';
import type { CommandContext } from '../context.js';

export interface ArchiveArgs {
  refs: string[];
  evidence: string[];
  discover: boolean;
  root: string;
  date?: string;
  concurrency: number;
  maxBytes?: number;
  json: boolean;
}

export const archiveCommand = {
  command: 'archive [refs..]',
  describe: 'collect, validate and archive the evidence of images into ROOT/YYYY-MM-DD/',
  builder: (y: Argv) =>
    y
      .positional('refs', { type: 'string', array: true, describe: 'image references (registry/repo[:tag][@sha256:…] or oci:PATH[:tag|@sha256:…])' })
      .option('evidence', { type: 'string', array: true, default: [], describe: 'local evidence file for the image (repeatable)' })
      .option('discover', { type: 'boolean', default: true, describe: 'contact the registry/layout; --no-discover archives only --evidence files and needs REF@digest' })
      .option('root', { type: 'string', default: 'artifacts', describe: 'archive root folder' })
      .option('date', { type: 'string', describe: 'day folder YYYY-MM-DD (default: today, UTC)' })
      .option('concurrency', { type: 'number', default: 4, describe: 'images archived in parallel' })
      .option('max-bytes', { type: 'number', describe: 'largest evidence file or body in bytes (default 536870912)' }),
};

export async function runArchive(args: ArchiveArgs, io: Io, context: CommandContext): Promise<ExitCode> {
  const report = await archive({
    refs: args.refs,
    evidenceFiles: args.evidence,
    root: args.root,
    ...(args.date !== undefined ? { date: args.date } : {}),
    concurrency: args.concurrency,
    ...(args.maxBytes !== undefined ? { limits: { maxBytes: args.maxBytes } } : {}),
    ...(args.discover ? { collect: await context.collector() } : {}),
  });
  if (args.json) printJson(io, report);
  else io.out(formatArchiveReport(report));
  return archiveExit(report, io);
}

export function archiveExit(report: ArchiveReport, io: Io): ExitCode {
  const failed = report.images.filter((image) => image.status === 'failed');
  if (failed.length > 0 && failed.length === report.images.length && failed.every((f) => isOperational(f.errorCode))) {
    io.err(`custody: nothing archived: ${failed[0]!.ref}: ${failed[0]!.error}\n`);
    return EXIT.operational;
  }
  if (failed.length > 0) {
    io.err(`custody: ${failed.length} of ${report.images.length} images failed; first: ${failed[0]!.ref}: ${failed[0]!.error}\n`);
    return EXIT.finding;
  }
  if (report.invalid > 0 || report.failedSignatures > 0) {
    const first = report.images.flatMap((image) => image.evidence.map((e) => ({ image, e }))).find(({ e }) => !e.valid || (e.verification && !e.verification.verified && e.verification.code !== 'no-trust-material'));
    const detail = first
      ? `${first.e.source} -> ${first.image.path}/${first.e.path}: ${first.e.problems[0]?.message ?? first.e.verification?.reason ?? 'invalid'}`
      : '';
    io.err(`custody: archived, but ${report.invalid} evidence file(s) invalid and ${report.failedSignatures} signature(s) failed; first: ${detail}\n`);
    return EXIT.finding;
  }
  return EXIT.ok;
}

function isOperational(code: string | undefined): boolean {
  return code === 'NETWORK' || code === 'TIMEOUT' || code === 'AUTH' || code === 'NOT_FOUND' || code === 'REGISTRY' || code === 'DISK' || code === 'LOCKED';
}

export function formatArchiveReport(report: ArchiveReport): string {
  const lines: string[] = [`day ${report.date} in ${report.day}`];
  for (const image of report.images) {
    const added = image.evidence.filter((e) => e.added).length;
    lines.push(`${image.status.toUpperCase().padEnd(10)} ${image.ref}${image.digest && !image.ref.includes('@') ? `@${image.digest}` : ''}`);
    if (image.path) lines.push(`           ${image.path}  (${image.evidence.length} files, ${added} new)`);
    if (image.error) lines.push(`           error: ${image.error}`);
    const rows = image.evidence.map((e) => [
      '          ',
      `${e.kind}/${e.format}`,
      e.valid ? 'valid' : 'INVALID',
      e.verification ? (e.verification.verified ? 'verified' : `unverified:${e.verification.code ?? '?'}`) : '-',
      e.path,
      e.added ? 'new' : 'kept',
      e.valid ? '' : (e.problems[0]?.message ?? ''),
    ]);
    if (rows.length > 0) lines.push(table(rows));
  }
  return `${lines.join('\n')}\n`;
}
