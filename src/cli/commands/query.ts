// The query modules themselves, not the library's index: a short-lived process loads only what a query runs.
import { indexNotices } from '../../query/index-archive.js';
import type { MissingKind } from '../../query/queries/missing.js';
import { describeQuery, queryArchive, type Query } from '../../query/query.js';
import { writeQuery, type QueryFormat } from '../../query/render.js';
import { escapeText } from '../../query/text-escape.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { Io } from '../output.js';

export interface QueryArgs {
  _: (string | number)[];
  name?: string;
  version?: string;
  id?: string;
  what?: string;
  ref?: string;
  root: string;
  since?: string;
  until?: string;
  format?: QueryFormat;
  json: boolean;
}

/**
 * Like grep: exit 0 when the answer has rows, 1 when it has none (a line on
 * stderr says so), 2 on bad input, 3 when the index cannot be written. An
 * archive the index cannot vouch for exits 1 as everywhere
 * (VERIFICATION_FAILED), with its one line on stderr and nothing on stdout.
 */
export async function runQuery(args: QueryArgs, io: Io): Promise<ExitCode> {
  const result = await queryArchive(args.root, toQuery(args), {
    ...(args.since !== undefined ? { since: args.since } : {}),
    ...(args.until !== undefined ? { until: args.until } : {}),
  });
  for (const notice of indexNotices(result.index)) io.err(`custody: ${escapeText(notice)}\n`);
  // In pieces (CSV of a year is megabytes): each is checked by the output guard and written as it comes.
  writeQuery(result, args.format ?? (args.json ? 'json' : 'text'), io.out);
  if (result.cells.length > 0) return EXIT.ok;
  const span = result.days.count === 0 ? 'no indexed day in range' : `${result.days.count} day(s), ${result.days.first} to ${result.days.last}`;
  io.err(`custody: nothing found: ${escapeText(describeQuery(result.query))} (${span})\n`);
  return EXIT.finding;
}

function toQuery(args: QueryArgs): Query {
  const kind = String(args._[1]);
  if (kind === 'package') return { kind, name: args.name!, ...(args.version !== undefined ? { version: args.version } : {}) };
  if (kind === 'vuln') return { kind, id: args.id! };
  if (kind === 'missing') return { kind, what: args.what as MissingKind };
  return { kind: 'image', ref: args.ref! };
}
