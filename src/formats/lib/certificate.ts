import { X509Certificate } from '@sigstore/core';

/**
 * What a signing certificate says about its signer: the SAN (email, URI or
 * Fulcio's username otherName) and the OIDC issuer from Fulcio's extensions
 * (1.3.6.1.4.1.57264.1.8, DER UTF8String; legacy 1.3.6.1.4.1.57264.1.1, raw).
 * Recorded for auditors; trust decisions are src/trust's, not ours.
 */
export interface CertificateFacts {
  san?: string;
  issuer?: string;
  notBefore?: string;
  notAfter?: string;
}

/** Fulcio OIDC issuer: v1 holds the raw string, v2 a DER UTF8String (fulcio docs/oid-info.md). */
export const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
export const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
/** Fulcio's otherName SAN for usernames. */
export const OID_OTHERNAME_USERNAME = '1.3.6.1.4.1.57264.1.7';

/** DER bytes or a PEM string; undefined when it cannot be parsed (never throws). */
export function describeCertificate(cert: Buffer | string | undefined): CertificateFacts | undefined {
  if (cert === undefined) return undefined;
  let parsed: X509Certificate;
  try {
    parsed = X509Certificate.parse(cert as Buffer<ArrayBuffer> | string);
  } catch {
    return undefined;
  }
  const facts: CertificateFacts = {};
  attempt(() => {
    const ext = parsed.extSubjectAltName;
    const san = ext?.uri ?? ext?.rfc822Name ?? ext?.otherName(OID_OTHERNAME_USERNAME);
    if (san) facts.san = san;
  });
  attempt(() => {
    const issuer = issuerFrom(parsed);
    if (issuer) facts.issuer = issuer;
  });
  attempt(() => {
    facts.notBefore = parsed.notBefore.toISOString();
    facts.notAfter = parsed.notAfter.toISOString();
  });
  return facts;
}

function issuerFrom(cert: X509Certificate): string | undefined {
  const v2 = cert.extension(OID_ISSUER_V2);
  if (v2) {
    const text = utf8StringContent(v2.value);
    if (text) return text;
  }
  const v1 = cert.extension(OID_ISSUER_V1);
  return v1 ? v1.value.toString('utf8') : undefined;
}

/** Content of a DER UTF8String (tag 0x0c), short or long length form. */
function utf8StringContent(der: Buffer): string | undefined {
  if (der.length < 2 || der[0] !== 0x0c) return undefined;
  let length = der[1]!;
  let offset = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || der.length < 2 + bytes) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[2 + i]!;
    offset = 2 + bytes;
  }
  if (offset + length > der.length) return undefined;
  return der.subarray(offset, offset + length).toString('utf8');
}

function attempt(fn: () => void): void {
  try {
    fn();
  } catch {
    // A malformed extension leaves that fact out; the rest is still reported.
  }
}

/** Summary fields for a signer certificate: `certificateIdentity`, `certificateIssuer`, validity. */
export function certificateSummary(facts: CertificateFacts | undefined): Record<string, unknown> {
  if (!facts) return {};
  const out: Record<string, unknown> = {};
  if (facts.san !== undefined) out.certificateIdentity = facts.san;
  if (facts.issuer !== undefined) out.certificateIssuer = facts.issuer;
  if (facts.notBefore !== undefined) out.certificateNotBefore = facts.notBefore;
  if (facts.notAfter !== undefined) out.certificateNotAfter = facts.notAfter;
  return out;
}
