import type { AuditReport } from './model.js';

/** Problems listed in the text summary; the page and --json list them all. */
const LISTED = 5;

/** What `custody report` prints: the verdict first, coverage in two lines, the report file and its sha256. */
export function renderAuditText(report: AuditReport, written?: { path: string; sha256: string }): string {
  const v = report.verdict;
  const range = report.range.firstDay
    ? report.range.firstDay === report.range.lastDay
      ? report.range.firstDay
      : `${report.range.firstDay} … ${report.range.lastDay}`
    : 'no day in the range';
  const lines = [`custody report: ${report.source.target} ${report.source.path}, ${report.range.days} day(s): ${range}`];
  lines.push(
    `verify    ${v.ok ? 'OK' : 'FAILED'}  ${v.checked} files re-hashed, ${v.signatures} signature(s) re-verified, chain ${v.chain.status}, ${v.sealedDays} of ${v.days} day(s) sealed, ${v.problems.length} problem(s)`,
  );
  for (const problem of v.problems.slice(0, LISTED)) lines.push(`  ${problem.code.padEnd(16)} ${problem.path}  ${problem.message}`);
  if (v.problems.length > LISTED) lines.push(`  … ${v.problems.length - LISTED} more in the report`);
  const last = report.days.at(-1);
  if (last) {
    lines.push(
      `images    ${report.images.length} reference(s); on ${last.date}: ${last.images} archived (${last.failed} failed), ${last.signed} signed (verified), ${last.withSbom} with SBOM, ${last.withProvenance} with provenance, ${last.scanned} scanned; critical ${last.critical}, high ${last.high}`,
    );
  }
  if (report.policy) {
    lines.push(
      v.ok
        ? `policy    ${report.policy.pass} pass, ${report.policy.fail} fail (${report.policy.path})`
        : `policy    not evaluated: the archive does not verify`,
    );
  }
  if (written) lines.push(`report    ${written.path}  sha256 ${written.sha256}`);
  return `${lines.join('\n')}\n`;
}
