// `custody query …`, read against the query command's table alone: a
// short-lived query process then loads no other command's table. Anything
// else it could be (--help, --version, a command line refused) is left to
// command-line.ts, which reads it against every table as always.
import type { Io } from './output.js';
import { parseArgs } from './parse-args.js';
import { queryCommand } from './query-spec.js';

/** The query's exit code, or undefined when this command line is not a query that runs (command-line.ts reads it then). */
export async function runQueryLine(argv: readonly string[], io: Io): Promise<number | undefined> {
  if (argv[0] !== 'query') return undefined;
  let parsed;
  try {
    // The words before the command name its path: with `query` first, one table reads a valid line as all of them do.
    parsed = parseArgs(argv, [queryCommand]);
  } catch {
    return undefined;
  }
  if (parsed.kind !== 'run') return undefined;
  return (await import('./commands/query.js')).runQuery(parsed.args as never, io);
}
