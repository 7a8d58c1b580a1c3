// The command line: yargs with every command's flags and help. main.ts
// loads it on its first call, so that the entry point can turn Node's
// compile cache on before yargs and the flag tables are compiled.
import yargs, { type Argv } from 'yargs';
import { CustodyError } from '../errors.js';
import { TOOL } from '../version.js';
import type { CommandContext } from './context.js';
import { gateCommand } from './commands/gate-spec.js';
import {
  archiveCommand,
  commandName,
  diffCommand,
  discoverCommand,
  exportCommand,
  fetchTrustedRootCommand,
  indexCommand,
  queryCommand,
  reportCommand,
  sealCommand,
  verifyCommand,
  verifyEvidenceCommand,
} from './specs.js';
import { checkArgv } from './argv-check.js';
import { oneLine, type Io } from './output.js';

export type Handler = (args: Record<string, unknown>) => Promise<number>;

/** What yargs calls for a command: hands the command's promise to main, which awaits it. */
export type Run = (handler: Handler) => (args: Record<string, unknown>) => void;

/** Each command's flags, for the check of the command line before yargs reads it. */
const COMMAND_FLAGS = Object.fromEntries(
  [
    discoverCommand,
    archiveCommand,
    verifyCommand,
    verifyEvidenceCommand,
    gateCommand,
    fetchTrustedRootCommand,
    sealCommand,
    exportCommand,
    reportCommand,
    diffCommand,
    indexCommand,
    queryCommand(() => undefined),
  ].map((spec) => [commandName(spec), spec.flags]),
);

/** The context given, else the default one (loaded only when a command needs it). */
async function contextOf(context: CommandContext | undefined): Promise<CommandContext> {
  return context ?? (await import('./context.js')).defaultContext;
}

/**
 * Check the command line against the flag tables (argv-check.ts), then
 * parse it and run the command through `run`. Returns what yargs printed
 * instead of running one (--help, --version), empty when a command ran.
 */
export async function parseCommandLine(argv: readonly string[], io: Io, context: CommandContext | undefined, run: Run): Promise<string> {
  const parser: Argv = yargs([...argv])
    .scriptName('custody')
    .locale('en')
    // One value per flag occurrence: `--evidence a.json REF` leaves REF a reference.
    .parserConfiguration({ 'greedy-arrays': false })
    .usage('$0 <command> [options]\n\nChain of custody for container-image supply-chain evidence.')
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
    .command({ ...discoverCommand, handler: run(async (args) => (await import('./commands/discover.js')).runDiscover(args as never, io)) })
    .command({
      ...archiveCommand,
      handler: run(async (args) => (await import('./commands/archive.js')).runArchive(args as never, io, await contextOf(context))),
    })
    .command({ ...verifyCommand, handler: run(async (args) => (await import('./commands/verify.js')).runVerify(args as never, io)) })
    .command({ ...verifyEvidenceCommand, handler: run(async (args) => (await import('./commands/verify-evidence.js')).runVerifyEvidence(args as never, io)) })
    .command({ ...gateCommand, handler: run(async (args) => (await import('./commands/gate.js')).runGate(args as never, io, await contextOf(context))) })
    .command({
      ...fetchTrustedRootCommand,
      handler: run(async (args) => (await import('./commands/fetch-trusted-root.js')).runFetchTrustedRoot(args as never, io)),
    })
    .command({ ...sealCommand, handler: run(async (args) => (await import('./commands/seal.js')).runSeal(args as never, io)) })
    .command({ ...exportCommand, handler: run(async (args) => (await import('./commands/export.js')).runExport(args as never, io)) })
    .command({ ...reportCommand, handler: run(async (args) => (await import('./commands/report.js')).runReport(args as never, io)) })
    .command({ ...diffCommand, handler: run(async (args) => (await import('./commands/diff.js')).runDiff(args as never, io)) })
    .command({ ...indexCommand, handler: run(async (args) => (await import('./commands/index-archive.js')).runIndex(args as never, io)) })
    .command(queryCommand(run(async (args) => (await import('./commands/query.js')).runQuery(args as never, io))))
    .demandCommand(1, 'name a command: custody --help lists them')
    .strict()
    .version(TOOL.version)
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      // Errors from flag checks are usage errors; anything else is thrown by our own code.
      if (error instanceof CustodyError) throw error;
      const text = oneLine(error?.message ?? message ?? 'bad usage');
      // A flag's own message (flag-types.ts) already says what it takes; yargs' own messages are made one line.
      throw new CustodyError('USAGE', text.startsWith('--') || text.includes('custody --help') ? text : `${text} (custody --help)`);
    });

  checkArgv(argv, COMMAND_FLAGS);
  let helpText = '';
  await parser.parseAsync([...argv], {}, (_err: unknown, _argv: unknown, output: string) => {
    helpText = output;
  });
  return helpText;
}
