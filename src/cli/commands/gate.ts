import { CustodyError } from '../../errors.js';
import {
  gateFromBundle,
  gateLive,
  loadPolicy,
  renderReport,
  renderText,
  writeReport,
  firstBlocking,
  subjectText,
  type GateReport,
  type Policy,
  type ReportFormat,
} from '../../gate/index.js';
import { blocks } from '../../gate/rules/result.js';
import type { CommandContext } from '../context.js';
import { sourceOptions, type RegistryArgs } from '../flags.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printError, reportError, type Io } from '../output.js';
import { refuseLayoutLookalike } from '../layout-hint.js';

export interface GateArgs extends RegistryArgs {
  ref?: string;
  bundle?: string;
  policy: string;
  format?: ReportFormat;
  output?: string;
  json?: boolean;
  strict?: boolean;
}

export { gateCommand } from './gate-spec.js';

/**
 * Parse → one library call → format. Exit 0 when no enforced rule failed
 * (warnings allowed), 1 when one did, 2 for bad usage or policy, 3 when the
 * evidence could not be obtained. Never 0 when something could not be
 * checked; every non-zero exit prints one line naming the first failing rule.
 */
export async function runGate(args: GateArgs, io: Io, context: CommandContext): Promise<ExitCode> {
  try {
    if (args.ref !== undefined && args.bundle !== undefined) throw new CustodyError('USAGE', 'gate takes an image reference or --bundle DIR, not both');
    if (args.ref === undefined && args.bundle === undefined)
      throw new CustodyError('USAGE', 'gate needs an image reference or --bundle DIR (custody gate --help)');
    if (args.ref !== undefined) refuseLayoutLookalike(args.ref);
    const format: ReportFormat = args.format ?? (args.json ? 'json' : 'text');
    const policy = await loadPolicy(args.policy);
    const report =
      args.bundle !== undefined ? await gateFromBundle(args.bundle, policy, gateOptions(args)) : await collectAndGate(args.ref!, args, policy, context);
    const text = renderReport(report, format);
    if (args.output !== undefined) {
      await writeReport(args.output, text);
      io.out(renderText(report));
    } else {
      io.out(text);
    }
    return exitFor(report, io);
  } catch (err) {
    return reportError(io, err);
  }
}

async function collectAndGate(ref: string, args: GateArgs, policy: Policy, context: CommandContext): Promise<GateReport> {
  const collecting = await context.collecting(sourceOptions(args));
  try {
    return await gateLive(ref, policy, collecting.collect, gateOptions(args));
  } finally {
    collecting.close();
  }
}

function gateOptions(args: GateArgs): { strict?: boolean } {
  return args.strict ? { strict: true } : {};
}

function exitFor(report: GateReport, io: Io): ExitCode {
  if (report.outcome === 'pass') return EXIT.ok;
  const first = firstBlocking(report) ?? report.results[0];
  const count = report.results.filter(blocks).length;
  const name = first ? `${first.rule}${first.platform ? ` [${first.platform}]` : ''}` : 'gate';
  const reason = first ? first.reason : 'no rule passed';
  if (report.outcome === 'unobtainable') {
    printError(io, `gate could not decide ${subjectText(report)}: ${reason}`);
    return EXIT.operational;
  }
  printError(io, `gate failed for ${subjectText(report)}: ${name}: ${reason}${count > 1 ? ` (${count} enforced checks failed)` : ''}`);
  return EXIT.finding;
}
