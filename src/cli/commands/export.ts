import { exportDay } from '../../export/export.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { shown } from '../../lib/escape.js';
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
  return EXIT.ok;
}
