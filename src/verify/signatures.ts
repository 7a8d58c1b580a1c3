import { isCustodyError } from '../errors.js';
import { signedScope, signedTargetOf, trustFromCopies, verifyEvidence, verifySigstoreBundle, type TrustMaterial } from '../trust/index.js';
import { sha256Hex } from '../lib/hash.js';
import type { EvidenceEntry, IdentityConstraints, Verification } from '../types.js';
import type { DayTrust, VerifyProblem } from './types.js';

/** A signed piece of evidence found in an image manifest, with where to find its bytes. */
export interface SignedItem {
  file: string;
  entry: EvidenceEntry;
  imageDigest: string;
  /** The image manifest's subject (ref, media types), for the Notation target and trust policy scope. */
  subject?: { ref?: unknown; mediaType?: unknown; platforms?: unknown };
  /** Trust copies of the day the image belongs to, with a reader for their bytes. */
  trust: DayTrust | undefined;
}

/**
 * Repeat signature checks from the archive alone. With the auditor's own
 * trust material, every signed item is checked against it; without, every
 * verdict recorded as verified is repeated with the trust copies it names
 * and the identity constraints it recorded. A check that passed at archive
 * time and fails now is a problem.
 */
/** Verdicts already reached, by everything a check depends on: kept across the days of a root. */
export type Verdicts = Map<string, Verification>;

export async function checkSignatures(
  items: readonly SignedItem[],
  readBytes: (file: string) => Promise<Uint8Array | undefined>,
  auditor: TrustMaterial | undefined,
  sha256Of: (file: string) => string | undefined = () => undefined,
  verdicts: Verdicts = new Map(),
): Promise<{ problems: VerifyProblem[]; checked: number }> {
  const problems: VerifyProblem[] = [];
  let checked = 0;
  // A nightly archive holds the same signature day after day. A check is a pure
  // function of the signed bytes (as re-hashed by verify), their media type and
  // annotations, the digest they must name and the trust material (named by its
  // sha256, the day's copies being hash-checked) with its constraints: identical
  // inputs are checked once.
  for (const item of items) {
    const recorded = item.entry.verification;
    if (!recorded) continue;
    if (!auditor && !recorded.verified) continue;
    const wanted = recorded.trustMaterial ?? [];
    const sha256 = sha256Of(item.file);
    if (!auditor) {
      const absent = wanted.find((sha) => !item.trust?.records.some((r) => r.sha256 === sha));
      if (absent !== undefined) {
        if (sha256 === undefined && !(await readBytes(item.file))) continue; // reported as missing by the file checks
        problems.push(trustMissing(item.file, absent));
        continue;
      }
    }
    const { annotations, scope, target } = signedContext(item);
    const key =
      sha256 === undefined
        ? undefined
        : JSON.stringify([
            sha256,
            item.entry.mediaType,
            annotations ?? null,
            target,
            scope ?? null,
            auditor ? null : wanted,
            auditor ? null : (recorded.constraints ?? {}),
          ]);
    let verdict = key === undefined ? undefined : verdicts.get(key);
    if (!verdict) {
      const bytes = await readBytes(item.file);
      if (!bytes) continue; // reported as missing by the file checks
      const trust = auditor ?? (await recordedTrust(item, wanted, recorded.constraints ?? {}, problems));
      if (!trust) continue;
      verdict = await verifyEvidence(
        { bytes, mediaType: item.entry.mediaType, ...(annotations ? { annotations } : {}) },
        target,
        trust,
        scope !== undefined ? { scope } : {},
      );
      // Only bytes that still hash to what verify saw may share a verdict.
      if (key !== undefined && sha256Hex(bytes) === sha256) verdicts.set(key, verdict);
    }
    checked++;
    if (!verdict.verified) {
      problems.push({
        code: auditor ? 'signature-unverified' : 'signature-failed',
        path: item.file,
        message: auditor
          ? `${item.file} does not verify with the trust material given: ${verdict.code ?? ''} ${verdict.reason}`
          : `${item.file} was verified at archive time but fails now: ${verdict.code ?? ''} ${verdict.reason}`,
      });
    }
  }
  return { problems, checked };
}

function trustMissing(file: string, sha256: string): VerifyProblem {
  return { code: 'trust-missing', path: file, message: `${file} was verified with trust material ${sha256}, which the day folder no longer holds` };
}

/** What a signed item must speak of: its annotations, the trust policy scope of its image, and the digest it must name. */
function signedContext(item: SignedItem): {
  annotations: Record<string, string> | undefined;
  scope: string | undefined;
  target: ReturnType<typeof signedTargetOf>;
} {
  const annotations = item.entry.origin.descriptor?.annotations;
  const subject = item.subject ?? {};
  const platforms = Array.isArray(subject.platforms)
    ? subject.platforms.filter((p): p is { digest: string; mediaType: string } => typeof p?.digest === 'string' && typeof p?.mediaType === 'string')
    : [];
  const scope = typeof subject.ref === 'string' ? signedScope(subject.ref) : undefined;
  const target = signedTargetOf(item.entry.origin, {
    digest: item.imageDigest,
    mediaType: typeof subject.mediaType === 'string' ? subject.mediaType : null,
    platforms,
  });
  return { annotations, scope, target };
}

/**
 * The trust material an item was verified with at archive time, rebuilt from
 * the day's copies (`wanted`, by sha256) and the recorded constraints; or
 * undefined, the problem pushed, when a copy is gone or a constraint cannot
 * be applied again.
 */
async function recordedTrust(
  item: SignedItem,
  wanted: readonly string[],
  constraints: IdentityConstraints,
  problems: VerifyProblem[],
): Promise<TrustMaterial | undefined> {
  const copies = [];
  for (const sha of wanted) {
    const record = item.trust!.records.find((r) => r.sha256 === sha)!;
    const copy = await item.trust!.read(record);
    if (!copy) {
      problems.push(trustMissing(item.file, sha));
      return undefined;
    }
    copies.push({ record, bytes: copy });
  }
  try {
    return trustFromCopies(copies, constraints);
  } catch (err) {
    // A recorded constraint custody cannot apply (a pattern RE2 refuses): the check cannot be repeated.
    if (!isCustodyError(err, 'USAGE')) throw err;
    problems.push({
      code: 'signature-failed',
      path: item.file,
      message: `${item.file} was verified at archive time but cannot be checked again: ${err.message}`,
    });
    return undefined;
  }
}

/** A day's seal: a Sigstore bundle over the day manifest's exact bytes. */
export function checkSeal(sealFile: string, seal: Uint8Array, manifest: Uint8Array, trust: TrustMaterial): VerifyProblem | undefined {
  let verdict;
  try {
    verdict = verifySigstoreBundle(seal, { artifact: manifest }, trust);
  } catch (err) {
    return { code: 'seal-invalid', path: sealFile, message: `${sealFile} cannot be checked: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (verdict.verified) return undefined;
  return { code: 'seal-invalid', path: sealFile, message: `${sealFile} does not seal this day manifest: ${verdict.code ?? ''} ${verdict.reason}` };
}
