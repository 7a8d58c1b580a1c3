import { exportDay } from '../../export/export.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { escapeText, shown } from '../../lib/escape.js';
import { printJson, type Io } from '../output.js';

export interface ExportArgs {
  day: string;
  out: string;
  json: boolean;
}

export async function runExport(args: ExportArgs, io: Io): Promise<ExitCode> {
  const result = await exportDay(args.day, args.out);
  if (args.json) printJson(io, result);
  else io.out(`${shown`exported ${result.date}: ${result.files} files, ${result.bytes} bytes -> ${result.out}`}\n`);
  for (const warning of result.warnings) io.err(`custody: warning from verify: ${escapeText(warning)}\n`);
  return EXIT.ok;
}
