import { createPublicKey, type KeyObject } from 'node:crypto';
import { X509Certificate } from '@sigstore/core';
import { PublicKeyDetails, TrustedRoot, type CertificateAuthority, type TransparencyLogInstance } from '@sigstore/protobuf-specs';
import { spkiDer } from './keys.js';
import { createHash } from 'node:crypto';

export interface ValidityWindow {
  start: Date;
  end: Date;
}

/** A CA custody trusts: a Fulcio instance from a trusted root, or a private PKI root given with --ca-roots. */
export interface CertAuthority {
  kind: 'fulcio' | 'pki' | 'tsa';
  certChain: X509Certificate[];
  validFor: ValidityWindow;
  /** sha256 of the trust file it came from. */
  source: string;
}

/** A transparency log (Rekor) or certificate transparency log key. */
export interface LogAuthority {
  logID: Buffer;
  baseURL: string;
  publicKey: KeyObject;
  validFor: ValidityWindow;
  source: string;
}

export interface RootAnchors {
  certificateAuthorities: CertAuthority[];
  timestampAuthorities: CertAuthority[];
  tlogs: LogAuthority[];
  ctlogs: LogAuthority[];
  warnings: string[];
}

export const ALL_TIME: ValidityWindow = { start: new Date(0), end: new Date(8640000000000000) };

const RSA_PKCS1 = new Set([
  PublicKeyDetails.PKCS1_RSA_PKCS1V5,
  PublicKeyDetails.PKIX_RSA_PKCS1V5,
  PublicKeyDetails.PKIX_RSA_PKCS1V15_2048_SHA256,
  PublicKeyDetails.PKIX_RSA_PKCS1V15_3072_SHA256,
  PublicKeyDetails.PKIX_RSA_PKCS1V15_4096_SHA256,
]);

/**
 * Authorities of a Sigstore trusted_root.json. protobuf-specs TimeRange:
 * `start` is required; an authority without one is left out with a warning
 * (the library would trust it from the epoch on, which the conformance case
 * trust-root-tlog-missing-validity-start says a client must not).
 */
export function anchorsFromTrustedRoot(json: unknown, name: string, source: string): RootAnchors {
  const root = TrustedRoot.fromJSON(json);
  const warnings: string[] = [];
  const out: RootAnchors = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [], warnings };
  const addLogs = (list: TransparencyLogInstance[], into: LogAuthority[], what: string) =>
    list.forEach((log, i) => {
      const where = `${name}: ${what}[${i}] (${log.baseUrl || 'no baseUrl'})`;
      const start = log.publicKey?.validFor?.start;
      if (!start) return warnings.push(`${where} has no validFor.start and is not trusted`);
      const raw = log.publicKey?.rawBytes;
      if (!raw || raw.length === 0) return warnings.push(`${where} has no public key and is not trusted`);
      try {
        const type = RSA_PKCS1.has(log.publicKey!.keyDetails) ? 'pkcs1' : 'spki';
        into.push({
          logID: Buffer.from(log.checkpointKeyId?.keyId ?? log.logId?.keyId ?? Buffer.alloc(0)),
          baseURL: log.baseUrl,
          publicKey: createPublicKey({ key: Buffer.from(raw), format: 'der', type }),
          validFor: { start, end: log.publicKey?.validFor?.end ?? ALL_TIME.end },
          source,
        });
      } catch (err) {
        warnings.push(`${where} has an unreadable public key (${(err as Error).message}) and is not trusted`);
      }
    });
  const addCAs = (list: CertificateAuthority[], into: CertAuthority[], kind: 'fulcio' | 'tsa', what: string) =>
    list.forEach((ca, i) => {
      const where = `${name}: ${what}[${i}] (${ca.uri || 'no uri'})`;
      const start = ca.validFor?.start;
      if (!start) return warnings.push(`${where} has no validFor.start and is not trusted`);
      try {
        const certChain = (ca.certChain?.certificates ?? []).map((c) => X509Certificate.parse(Buffer.from(c.rawBytes)));
        if (certChain.length === 0) return warnings.push(`${where} has no certificates and is not trusted`);
        into.push({ kind, certChain, validFor: { start, end: ca.validFor?.end ?? ALL_TIME.end }, source });
      } catch (err) {
        warnings.push(`${where} has an unreadable certificate (${(err as Error).message}) and is not trusted`);
      }
    });
  addLogs(root.tlogs ?? [], out.tlogs, 'tlogs');
  addLogs(root.ctlogs ?? [], out.ctlogs, 'ctlogs');
  addCAs(root.certificateAuthorities ?? [], out.certificateAuthorities, 'fulcio', 'certificateAuthorities');
  addCAs(root.timestampAuthorities ?? [], out.timestampAuthorities, 'tsa', 'timestampAuthorities');
  return out;
}

/** A Rekor public key given on its own: its log ID is the sha256 of its SPKI DER (RFC 6962 §3.2). */
export function logAuthorityFromKey(key: KeyObject, source: string): LogAuthority {
  return {
    logID: createHash('sha256').update(spkiDer(key)).digest(),
    baseURL: '',
    publicKey: key,
    validFor: ALL_TIME,
    source,
  };
}

export function contains(window: ValidityWindow, at: Date): boolean {
  return window.start.getTime() <= at.getTime() && at.getTime() <= window.end.getTime();
}
