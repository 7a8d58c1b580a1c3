/**
 * The top of the report: what verification found, and for each day its
 * seal (the file's sha256, who signed it, whether verify accepted it).
 */
import { bundleSigner } from '../formats/sigstore-bundle-model.js';
import { dayPath, type VerifiedDay, type VerifiedRun } from '../days/open.js';
import type { LoadedDay } from '../days/read-day.js';
import { parseJsonText } from '../days/views.js';
import { signerText } from '../days/signer.js';
import type { ChainVerdict, SealInfo, Verdict } from './model.js';
import { SEAL_FILE, SEAL_KEY_FILE } from '../lib/archive-format.js';

export function verdictOf(archive: VerifiedRun, sealedDays: number): Verdict {
  const report = archive.verify;
  return {
    ok: report.ok,
    checked: report.checked,
    signatures: report.signatures,
    chain: chainOf(archive),
    days: archive.days.length,
    sealedDays,
    problems: report.problems,
    warnings: report.warnings,
  };
}

function chainOf(archive: VerifiedRun): ChainVerdict {
  const broken = archive.verify.problems.filter((p) => p.code === 'chain-broken');
  if (archive.target === 'root') {
    if (broken.length > 0) return { status: 'fail', detail: `${broken.length} broken link(s); first: ${broken[0]!.message}` };
    return {
      status: 'pass',
      detail:
        archive.days.length > 1
          ? `${archive.days.length} days, each linked to the one before by its manifest's sha256`
          : `${archive.days.length} day(s): no link to check`,
    };
  }
  return {
    status: 'not-checked',
    detail: `a ${archive.target === 'export' ? 'single exported day' : 'day folder given alone'}: its link to the day before is checked when the whole root is verified`,
  };
}

/** The seal of a loaded day, judged from verification's problems and warnings about it. */
export async function sealOf(verified: VerifiedDay, day: LoadedDay): Promise<SealInfo | null> {
  if (!day.seal) return null;
  const sealPath = dayPath(day.day, SEAL_FILE);
  const keyPath = dayPath(day.day, SEAL_KEY_FILE);
  const info: SealInfo = { sha256: day.seal.sha256, ...(day.seal.keySha256 ? { keySha256: day.seal.keySha256 } : {}), status: 'pass' };
  const bytes = (await verified.files.load([sealPath])).get(sealPath);
  const bundle = bytes ? parseJsonText(Buffer.from(bytes).toString('utf8')) : undefined;
  if (bundle !== undefined) {
    const signer = bundleSigner(bundle);
    info.signer = signerText(undefined, signer);
  }
  const problem = verified.problems.find((p) => p.path === sealPath || p.path === keyPath);
  const unchecked = verified.warnings.find((w) => w.startsWith(`${sealPath}:`) && w.includes('not checked'));
  if (problem) {
    info.status = 'fail';
    info.reason = `${problem.code}: ${problem.message}`;
  } else if (unchecked) {
    info.status = 'unchecked';
    info.reason = unchecked;
  } else if (verified.warnings.some((w) => w.startsWith(`${sealPath}:`) && w.includes('kept beside it'))) {
    info.reason = 'checked against the public key kept beside the seal; pin the signer with custody verify --key';
  }
  return info;
}
