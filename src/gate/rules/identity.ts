import type { Identity, Verification } from '../../types.js';

/** `https://github.com/acme/… (issuer https://token.actions…)` or `key 0123456789abcdef…`. */
export function describeIdentity(identity: Identity | undefined): string {
  if (!identity) return 'an unknown signer';
  if (identity.san) return identity.issuer ? `${identity.san} (issuer ${identity.issuer})` : identity.san;
  if (identity.keyHint) return `key ${identity.keyHint.slice(0, 16)}…`;
  if (identity.subject) return `"${identity.subject}"`;
  return 'an unknown signer';
}

/** `identity-mismatch: certificate identity … does not match …` */
export function describeFailure(verdict: Verification): string {
  return `${verdict.code ?? 'not-verified'}: ${verdict.reason}`;
}
