import { diffCounts, diffDays, renderDiff, type DiffFormat } from '../../diff/index.js';
import { escapeText as singleLine } from '../../lib/escape.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Io } from '../output.js';

export interface DiffArgs {
  a: string;
  b: string;
  root?: string;
  format?: DiffFormat;
  json: boolean;
}

/** Like diff(1): exit 0 when the days are the same, 1 when they differ, 2 on bad input. */
export async function runDiff(args: DiffArgs, io: Io): Promise<ExitCode> {
  const diff = await diffDays(args.a, args.b, args.root !== undefined ? { root: args.root } : {});
  io.out(renderDiff(diff, args.format ?? (args.json ? 'json' : 'text')));
  if (diff.same) return EXIT.ok;
  io.err(`custody: ${singleLine(args.a)} (${diff.a.date}) and ${singleLine(args.b)} (${diff.b.date}) differ: ${diffCounts(diff)}\n`);
  return EXIT.finding;
}
