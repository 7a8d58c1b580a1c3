import { loadPolicy } from '../../gate/policy/load.js';
import { makeAuditReport, renderAuditText, writeAuditHtml, type AuditReport } from '../../report/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { oneLine, printJson, type Io } from '../output.js';
import { loadTrustArgs, type TrustArgs } from '../trust-flags.js';

export interface ReportArgs extends TrustArgs {
  path: string;
  out?: string;
  from?: string;
  to?: string;
  policy?: string;
  json: boolean;
}

/**
 * Verify (with the trust flags as verify takes them), report, print the
 * verdict and the report's sha256. Exit 1 when the
 * archive does not verify (the report is written all the same, the failure
 * at its top) or an image fails the policy.
 */
export async function runReport(args: ReportArgs, io: Io): Promise<ExitCode> {
  const policy = args.policy !== undefined ? await loadPolicy(args.policy) : undefined;
  const trust = await loadTrustArgs(args);
  const report = await makeAuditReport(args.path, {
    ...(trust ? { trust } : {}),
    ...(args.from !== undefined ? { from: args.from } : {}),
    ...(args.to !== undefined ? { to: args.to } : {}),
    ...(policy ? { policy } : {}),
  });
  const written = args.out !== undefined ? await writeAuditHtml(report, args.out) : undefined;
  if (args.json) printJson(io, written ? { ...report, html: { path: written.path, sha256: written.sha256 } } : report);
  else io.out(renderAuditText(report, written));
  return exitFor(report, args, io);
}

function exitFor(report: AuditReport, args: ReportArgs, io: Io): ExitCode {
  const where = args.out !== undefined ? `; ${args.out} shows it at the top` : '';
  if (!report.verdict.ok) {
    const first = report.verdict.problems[0]!;
    io.err(
      `custody: ${args.path} does not verify: ${report.verdict.problems.length} problem(s); first: ${first.code} ${first.path}: ${oneLine(first.message)}${where}\n`,
    );
    return EXIT.finding;
  }
  const failing = report.images.filter((image) => image.gate && image.gate.outcome !== 'pass');
  if (failing.length > 0) {
    const image = failing[0]!;
    const rule = image.gate!.results.find((r) => r.mode === 'enforce' && (r.status === 'fail' || r.status === 'error')) ?? image.gate!.results[0];
    const reason = rule ? `${rule.rule}${rule.platform ? ` [${rule.platform}]` : ''}: ${oneLine(rule.reason)}` : 'no rule passed';
    io.err(`custody: ${failing.length} of ${report.images.length} image(s) fail the policy ${args.policy}; first: ${image.ref}: ${reason}\n`);
    return EXIT.finding;
  }
  return EXIT.ok;
}
