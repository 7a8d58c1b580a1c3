import { verifyArchive, type VerifyReport } from '../../verify/verify.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { shown } from '../../lib/escape.js';
import { printError, printJson, type Io } from '../output.js';
import { loadTrustArgs, type TrustArgs } from '../trust-flags.js';

export interface VerifyArgs extends TrustArgs {
  path: string;
  chain: boolean;
  json: boolean;
}

export async function runVerify(args: VerifyArgs, io: Io): Promise<ExitCode> {
  const trust = await loadTrustArgs(args);
  const report = await verifyArchive(args.path, { chain: args.chain, ...(trust ? { trust } : {}) });
  if (args.json)
    printJson(io, {
      ok: report.ok,
      target: report.target,
      checked: report.checked,
      signatures: report.signatures,
      problems: report.problems,
      warnings: report.warnings,
    });
  else io.out(formatVerifyReport(report));
  if (report.ok) return EXIT.ok;
  const first = report.problems[0]!;
  printError(io, `${report.problems.length} problem(s) in ${args.path}; first: ${first.code} ${first.path}: ${first.message}`);
  return EXIT.finding;
}

export function formatVerifyReport(report: VerifyReport): string {
  const lines = [
    `${report.ok ? 'OK' : 'FAILED'}  ${report.target} ${shown`${report.path}`}: ${report.checked} files re-hashed, ${report.signatures} signature(s) re-verified, ${report.problems.length} problem(s)`,
  ];
  for (const problem of report.problems) lines.push(`  ${problem.code.padEnd(16)} ${shown`${problem.path}  ${problem.message}`}`);
  for (const warning of report.warnings) lines.push(shown`  warning          ${warning}`);
  return `${lines.join('\n')}\n`;
}
