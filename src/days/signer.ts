import type { VerificationView } from './views.js';

/**
 * Who signed, in a few words: the verdict's identity, else what the summary
 * says. `key 98a2d3560b254454…` for a key, `SAN (issuer)` for a certificate.
 */
export function signerText(verification: VerificationView | undefined, summary: Record<string, unknown>): string {
  const san = verification?.san ?? (typeof summary.certificateIdentity === 'string' ? summary.certificateIdentity : undefined);
  const issuer = verification?.issuer ?? (typeof summary.certificateIssuer === 'string' ? summary.certificateIssuer : undefined);
  if (san) return issuer ? `${san} (${issuer})` : san;
  const hint = verification?.keyHint ?? (typeof summary.keyHint === 'string' ? summary.keyHint : undefined);
  if (hint) return `key ${hint.slice(0, 16)}…`;
  return summary.signer === 'key' ? 'a key (not identified: no trust material given)' : 'unknown signer';
}
