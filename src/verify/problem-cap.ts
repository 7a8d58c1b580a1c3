import type { Problem, ProblemCode } from '../types.js';

/**
 * How many problems of one code a report lists before it summarises the
 * rest: a hostile archive with a million bad entries must give a report an
 * auditor can read and a JSON document that stays small.
 */
export const PROBLEMS_PER_CODE = 100;
/** How many warnings a report lists before it summarises the rest. */
export const WARNINGS_KEPT = 100;

/** Summary problems made here, with the number of problems each stands for. */
const SUMMARIES = new WeakMap<Problem, number>();

function summary<C extends ProblemCode>(code: C, more: number): Problem<C> {
  const problem = { code, path: '', message: `…and ${more} more ${code} problem${more === 1 ? '' : 's'}` };
  SUMMARIES.set(problem, more);
  return problem;
}

/**
 * Collects problems as they are found, keeping the first `perCode` of each
 * code and counting the rest, so that memory stays bounded however many
 * problems an input holds.
 */
export class ProblemCollector<C extends ProblemCode = ProblemCode> {
  private readonly kept: Problem<C>[] = [];
  private readonly counts = new Map<C, number>();

  constructor(private readonly perCode = PROBLEMS_PER_CODE) {}

  add(problem: Problem<C>): void {
    const count = (this.counts.get(problem.code) ?? 0) + 1;
    this.counts.set(problem.code, count);
    if (count <= this.perCode) this.kept.push(problem);
  }

  /** The kept problems, then one summary problem for each code that had more. */
  list(): Problem<C>[] {
    const summaries: Problem<C>[] = [];
    for (const [code, count] of this.counts) if (count > this.perCode) summaries.push(summary(code, count - this.perCode));
    return [...this.kept, ...summaries];
  }
}

/**
 * The first `perCode` problems of each code, in the order given, then
 * "…and N more <code> problems" for each code that had more. A summary
 * problem already in the input (from a source that capped its own) is
 * folded into the new count.
 */
export function capProblems<C extends ProblemCode>(problems: Problem<C>[], perCode = PROBLEMS_PER_CODE): Problem<C>[] {
  const kept: Problem<C>[] = [];
  const more = new Map<C, number>();
  const seen = new Map<C, number>();
  for (const problem of problems) {
    const earlier = SUMMARIES.get(problem);
    if (earlier !== undefined) {
      more.set(problem.code, (more.get(problem.code) ?? 0) + earlier);
      continue;
    }
    const count = (seen.get(problem.code) ?? 0) + 1;
    seen.set(problem.code, count);
    if (count <= perCode) kept.push(problem);
    else more.set(problem.code, (more.get(problem.code) ?? 0) + 1);
  }
  for (const [code, count] of more) kept.push(summary(code, count));
  return kept;
}

/** The first `limit` warnings, then one line saying how many more there were. */
export function capWarnings(warnings: string[], limit = WARNINGS_KEPT): string[] {
  if (warnings.length <= limit) return warnings;
  const more = warnings.length - limit;
  return [...warnings.slice(0, limit), `…and ${more} more warning${more === 1 ? '' : 's'}`];
}
