import { indexArchive, renderIndexReport } from '../../query/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, type Io } from '../output.js';

export interface IndexArgs {
  root: string;
  rebuild: boolean;
  json: boolean;
}

export async function runIndex(args: IndexArgs, io: Io): Promise<ExitCode> {
  const report = await indexArchive(args.root, { rebuild: args.rebuild });
  if (args.json) printJson(io, report);
  else io.out(renderIndexReport(report));
  return EXIT.ok;
}
