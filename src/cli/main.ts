#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { CustodyError } from '../errors.js';
import { TOOL } from '../version.js';
import type { CommandContext } from './context.js';
import { gateCommand } from './commands/gate-spec.js';
import { archiveCommand, discoverCommand, exportCommand, fetchTrustedRootCommand, indexCommand, queryCommand, sealCommand, verifyCommand, verifyEvidenceCommand } from './specs.js';
import { EXIT } from './exit-codes.js';
import { processIo, reportError, type Io } from './output.js';

type Handler = (args: Record<string, unknown>) => Promise<number>;

/** Parse argv, run one command, return its exit code. Never calls process.exit. */
/** The context given, else the default one (loaded only when a command needs it). */
async function contextOf(context: CommandContext | undefined): Promise<CommandContext> {
  return context ?? (await import('./context.js')).defaultContext;
}

export async function main(argv: readonly string[], io: Io = processIo, context?: CommandContext): Promise<number> {
  let exitCode: number = EXIT.ok;
  let ran: Promise<number> | undefined;
  const run = (handler: Handler) => (args: Record<string, unknown>) => {
    ran = handler(args);
  };
  const parser: Argv = yargs([...argv])
    .scriptName('custody')
    .usage('$0 <command> [options]\n\nChain of custody for container-image supply-chain evidence.')
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
    .command({ ...discoverCommand, handler: run(async (args) => (await import('./commands/discover.js')).runDiscover(args as never, io)) })
    .command({ ...archiveCommand, handler: run(async (args) => (await import('./commands/archive.js')).runArchive(args as never, io, await contextOf(context))) })
    .command({ ...verifyCommand, handler: run(async (args) => (await import('./commands/verify.js')).runVerify(args as never, io)) })
    .command({ ...verifyEvidenceCommand, handler: run(async (args) => (await import('./commands/verify-evidence.js')).runVerifyEvidence(args as never, io)) })
    .command({ ...gateCommand, handler: run(async (args) => (await import('./commands/gate.js')).runGate(args as never, io, await contextOf(context))) })
    .command({ ...fetchTrustedRootCommand, handler: run(async (args) => (await import('./commands/fetch-trusted-root.js')).runFetchTrustedRoot(args as never, io)) })
    .command({ ...sealCommand, handler: run(async (args) => (await import('./commands/seal.js')).runSeal(args as never, io)) })
    .command({ ...exportCommand, handler: run(async (args) => (await import('./commands/export.js')).runExport(args as never, io)) })
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
      throw new CustodyError('USAGE', `${error?.message ?? message ?? 'bad usage'} (custody --help)`);
    });

  try {
    let helpText = '';
    await parser.parseAsync([...argv], {}, (_err: unknown, _argv: unknown, output: string) => {
      helpText = output;
    });
    if (ran) exitCode = await ran;
    else if (helpText) io.out(`${helpText}\n`);
  } catch (err) {
    exitCode = reportError(io, err);
  }
  return exitCode;
}

function invokedDirectly(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportError(processIo, err);
    },
  );
}
