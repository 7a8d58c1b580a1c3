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
