import type { Argv } from 'yargs';
import { exportDay } from '../../export/export.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, type Io } from '../output.js';

export interface ExportArgs {
  day: string;
  out: string;
  json: boolean;
}

export const exportCommand = {
  command: 'export <day>',
  describe: 'write a verified day folder as one deterministic .tar.gz for an auditor',
  builder: (y: Argv) =>
    y
      .positional('day', { type: 'string', demandOption: true, describe: 'day folder, e.g. artifacts/2026-11-29' })
      .option('out', { type: 'string', demandOption: true, describe: 'output file (.tar.gz)' }),
};

export async function runExport(args: ExportArgs, io: Io): Promise<ExitCode> {
  const result = await exportDay(args.day, args.out);
  if (args.json) printJson(io, result);
  else io.out(`exported ${result.date}: ${result.files} files, ${result.bytes} bytes -> ${result.out}\n`);
  return EXIT.ok;
}
