import type { KeyObject } from 'node:crypto';
import { Verifier, type SignedEntity, type TrustMaterial as LibraryTrust } from '@sigstore/verify';
// Not re-exported by the package index: the library's own check that a log entry's body is this signature's.
import { verifyTLogBody } from '@sigstore/verify/dist/tlog/index.js';
import { isRecord, str } from './bytes.js';
import type { TrustMaterial } from './material.js';
import type { VerdictCode } from './verdict.js';

/** Adapter to @sigstore/verify: custody's trust material in, custody's verdict codes out. */
export function toLibraryTrust(trust: TrustMaterial, key?: KeyObject): LibraryTrust {
  const intermediates = trust.intermediates.map((i) => i.cert);
  return {
    certificateAuthorities: trust.certificateAuthorities.map((ca) => ({
      certChain: ca.kind === 'pki' ? [...ca.certChain, ...intermediates] : ca.certChain,
      validFor: ca.validFor,
    })),
    timestampAuthorities: trust.timestampAuthorities.map((ca) => ({ certChain: ca.certChain, validFor: ca.validFor })),
    tlogs: trust.tlogs.map(({ logID, baseURL, publicKey, validFor }) => ({ logID, baseURL, publicKey, validFor })),
    ctlogs: trust.ctlogs.map(({ logID, baseURL, publicKey, validFor }) => ({ logID, baseURL, publicKey, validFor })),
    publicKey: () => {
      if (!key) throw Object.assign(new Error('no key'), { code: 'PUBLIC_KEY_ERROR' });
      return { publicKey: key, validFor: () => true };
    },
  };
}

export type RunResult = { ok: true } | { ok: false; error: unknown };

export function runVerifier(entity: SignedEntity, trust: LibraryTrust, options: ConstructorParameters<typeof Verifier>[1]): RunResult {
  try {
    new Verifier(trust, options).verify(entity);
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

type Mapped = { code: VerdictCode; reason: string };

/**
 * @sigstore/verify error codes (verify/src/error.ts) → custody verdict codes,
 * one table for every path that runs the library's checks. What a
 * certificate error means, and how a log error is worded, is the caller's.
 */
export function libraryErrorVerdict(err: unknown, certificate: (reason: string) => Mapped, tlogReason: (reason: string) => string = (r) => r): Mapped {
  const code = isRecord(err) ? str(err.code) : undefined;
  const reason = describeError(err);
  switch (code) {
    case 'SIGNATURE_ERROR':
      return { code: 'signature-invalid', reason };
    case 'TLOG_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
    case 'TLOG_BODY_ERROR':
      return { code: 'tlog-invalid', reason: tlogReason(reason) };
    case 'TIMESTAMP_ERROR':
      return { code: 'timestamp-invalid', reason };
    case 'PUBLIC_KEY_ERROR':
      return { code: 'untrusted-key', reason };
    case 'CERTIFICATE_ERROR':
      return certificate(reason);
    case 'UNTRUSTED_SIGNER_ERROR':
      return { code: 'identity-mismatch', reason };
    default:
      return { code: 'malformed', reason };
  }
}

/** A bundle's verdict from a library error. */
export function mapError(err: unknown, entity: SignedEntity): Mapped {
  return libraryErrorVerdict(err, (reason) => {
    // The library checks the certificate at the log's time before it checks that the log entry is this
    // signature's: an entry logged for another signature, at another time, would read as an expired
    // certificate. The first real cause is the entry.
    const entry = foreignTlogEntry(entity);
    if (entry) return { code: 'tlog-invalid', reason: `the transparency-log entry is not this signature's: ${entry}` };
    return { code: leafExpired(entity) ? 'certificate-expired' : 'untrusted-key', reason };
  });
}

/** When every log entry of the bundle is for another signature: why (the library's words for the first). */
function foreignTlogEntry(entity: SignedEntity): string | undefined {
  if (entity.tlogEntries.length === 0) return undefined;
  const reasons: string[] = [];
  for (const entry of entity.tlogEntries) {
    try {
      verifyTLogBody(entry, entity.signature);
      return undefined;
    } catch (err) {
      reasons.push(describeError(err));
    }
  }
  return reasons[0];
}

/** Was the leaf outside its validity at one of the (already verified) signing times? */
function leafExpired(entity: SignedEntity): boolean {
  if (entity.key.$case !== 'certificate') return false;
  const cert = entity.key.certificate;
  try {
    const times = entity.timestamps.map((t) =>
      t.$case === 'transparency-log' ? new Date(Number(t.tlogEntry.integratedTime) * 1000) : t.timestamp.signingTime,
    );
    return times.some((t) => !cert.validForDate(t));
  } catch {
    return false;
  }
}

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
