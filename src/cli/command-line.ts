// The command line: the command tables (specs.ts, gate-spec.ts), each
// command's handler loaded only when it runs, custody's own parser
// (parse-args.ts) and, for --help only, its help (help.ts). main.ts loads
// this module on its first call, so that the entry point can turn Node's
// compile cache on before it and the flag tables are compiled.
import { TOOL } from '../version.js';
import type { CommandContext } from './context.js';
import { gateCommand } from './commands/gate-spec.js';
import {
  archiveCommand,
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
  type Args,
  type CommandSpec,
} from './specs.js';
import { EXIT } from './exit-codes.js';
import { parseArgs } from './parse-args.js';
import type { Io } from './output.js';

/** Every command, in the order --help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
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
  queryCommand,
];

type Handler = (args: Args, io: Io, context: CommandContext | undefined) => Promise<number>;

/** The context given, else the default one (loaded only when a command needs it). */
async function contextOf(context: CommandContext | undefined): Promise<CommandContext> {
  return context ?? (await import('./context.js')).defaultContext;
}

/** Each command's code, imported when it runs: a command line loads only its own. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  discover: async (args, io) => (await import('./commands/discover.js')).runDiscover(args as never, io),
  archive: async (args, io, context) => (await import('./commands/archive.js')).runArchive(args as never, io, await contextOf(context)),
  verify: async (args, io) => (await import('./commands/verify.js')).runVerify(args as never, io),
  'verify-evidence': async (args, io) => (await import('./commands/verify-evidence.js')).runVerifyEvidence(args as never, io),
  gate: async (args, io, context) => (await import('./commands/gate.js')).runGate(args as never, io, await contextOf(context)),
  'fetch-trusted-root': async (args, io) => (await import('./commands/fetch-trusted-root.js')).runFetchTrustedRoot(args as never, io),
  seal: async (args, io) => (await import('./commands/seal.js')).runSeal(args as never, io),
  export: async (args, io) => (await import('./commands/export.js')).runExport(args as never, io),
  report: async (args, io) => (await import('./commands/report.js')).runReport(args as never, io),
  diff: async (args, io) => (await import('./commands/diff.js')).runDiff(args as never, io),
  index: async (args, io) => (await import('./commands/index-archive.js')).runIndex(args as never, io),
  query: async (args, io) => (await import('./commands/query.js')).runQuery(args as never, io),
};

/** Help is as wide as the terminal, at most 110 columns. */
function helpWidth(): number {
  return Math.min(110, process.stdout.columns ?? 110);
}

/** Read the command line and run what it asks for: a command, --help or --version. Returns the exit code; a usage error is thrown (exit 2). */
export async function runCommandLine(argv: readonly string[], io: Io, context: CommandContext | undefined): Promise<number> {
  const parsed = parseArgs(argv, COMMANDS);
  if (parsed.kind === 'version') {
    io.out(`${TOOL.version}\n`);
    return EXIT.ok;
  }
  if (parsed.kind === 'help') {
    io.out((await import('./help.js')).renderHelp(parsed.path, COMMANDS, helpWidth()));
    return EXIT.ok;
  }
  return HANDLERS[parsed.path[0]!.name]!(parsed.args, io, context);
}
