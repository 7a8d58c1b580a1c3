#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { CustodyError } from '../errors.js';
import { TOOL } from '../version.js';
import { archiveCommand, runArchive, type ArchiveArgs } from './commands/archive.js';
import { discoverCommand, runDiscover, type DiscoverArgs } from './commands/discover.js';
import { exportCommand, runExport, type ExportArgs } from './commands/export.js';
import { runSeal, sealCommand, type SealArgs } from './commands/seal.js';
import { runVerifyEvidence, verifyEvidenceCommand, type VerifyEvidenceArgs } from './commands/verify-evidence.js';
import { runVerify, verifyCommand, type VerifyArgs } from './commands/verify.js';
import { defaultContext, type CommandContext } from './context.js';
import { EXIT } from './exit-codes.js';
import { processIo, reportError, type Io } from './output.js';

type Handler = (args: Record<string, unknown>) => Promise<number>;

/** Parse argv, run one command, return its exit code. Never calls process.exit. */
export async function main(argv: readonly string[], io: Io = processIo, context: CommandContext = defaultContext): Promise<number> {
  let exitCode: number = EXIT.ok;
  let ran: Promise<number> | undefined;
  const run = (handler: Handler) => (args: Record<string, unknown>) => {
    ran = handler(args);
  };
  const parser: Argv = yargs([...argv])
    .scriptName('custody')
    .usage('$0 <command> [options]\n\nChain of custody for container-image supply-chain evidence.')
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
    .command({ ...discoverCommand, handler: run((args) => runDiscover(args as unknown as DiscoverArgs, io)) })
    .command({ ...archiveCommand, handler: run((args) => runArchive(args as unknown as ArchiveArgs, io, context)) })
    .command({ ...verifyCommand, handler: run((args) => runVerify(args as unknown as VerifyArgs, io)) })
    .command({ ...verifyEvidenceCommand, handler: run((args) => runVerifyEvidence(args as unknown as VerifyEvidenceArgs, io)) })
    .command({ ...sealCommand, handler: run((args) => runSeal(args as unknown as SealArgs, io)) })
    .command({ ...exportCommand, handler: run((args) => runExport(args as unknown as ExportArgs, io)) })
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
