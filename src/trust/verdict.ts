import type { Identity, Verification } from '../types.js';

/**
 * Stable failure codes of a signature verdict. The archive records them and
 * the gate matches on them, so a code is never renamed, only added.
 */
export const VERDICT_CODES = [
  'signature-invalid',
  'untrusted-key',
  'identity-mismatch',
  'certificate-expired',
  'tlog-invalid',
  'timestamp-invalid',
  'subject-mismatch',
  'no-trust-material',
  'unsupported',
  'malformed',
  'plugin-required',
] as const;
export type VerdictCode = (typeof VERDICT_CODES)[number];

export interface VerdictDetails {
  identity?: Identity;
  trustMaterial?: string[];
}

export function verified(reason: string, details: VerdictDetails = {}): Verification {
  return { verified: true, ...clean(details), reason };
}

export function failed(code: VerdictCode, reason: string, details: VerdictDetails = {}): Verification {
  return { verified: false, code, ...clean(details), reason };
}

/** A check that either passes (undefined) or says why not. */
export type Finding = { code: VerdictCode; reason: string } | undefined;

export function finding(code: VerdictCode, reason: string): Finding {
  return { code, reason };
}

function clean(details: VerdictDetails): VerdictDetails {
  const out: VerdictDetails = {};
  if (details.identity && Object.keys(details.identity).length > 0) out.identity = details.identity;
  if (details.trustMaterial && details.trustMaterial.length > 0) out.trustMaterial = [...new Set(details.trustMaterial)].sort();
  return out;
}

/** Verdicts that judged nothing: no trust material for it, or a kind of signature custody cannot check. */
export const UNJUDGED_CODES: readonly string[] = ['no-trust-material', 'unsupported'];

/**
 * Verdicts that say "this signature is someone else's": it verifies with none
 * of the given keys, or its certificate names another identity. As with
 * cosign, they do not fail an image another signature of which verifies.
 */
export const OTHER_SIGNER_CODES: readonly string[] = ['untrusted-key', 'identity-mismatch'];

/**
 * Co-signing as cosign does it (`cosign verify` passes when at least one
 * signature verifies with the trust given): over the signatures of one
 * image, the ones that fail the image. A signature by someone else fails it
 * only when nothing verified; an altered signature that names a trusted
 * signer, a bad log entry or certificate, or a subject mismatch always fails
 * it; verdicts that judged nothing never do. `archive` and `gate` both
 * decide with this.
 */
export function failingSignatures<T extends { verified: boolean; code?: string }>(verdicts: readonly T[]): T[] {
  const anyVerified = verdicts.some((v) => v.verified);
  return verdicts.filter((v) => {
    if (v.verified || UNJUDGED_CODES.includes(v.code ?? '')) return false;
    return !(anyVerified && OTHER_SIGNER_CODES.includes(v.code ?? ''));
  });
}
