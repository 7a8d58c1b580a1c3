import type { ASN1Obj, X509Certificate } from '@sigstore/core';
import { OID_ISSUER_V1, OID_ISSUER_V2, OID_OTHERNAME_USERNAME } from '../formats/lib/certificate.js';
import { clip, type Pattern } from '../lib/pattern.js';
import type { Identity } from '../types.js';
import { finding, type Finding } from './verdict.js';

const OID_SAN = '2.5.29.17';

export interface CertificateIdentity {
  /** Every SAN value as cosign lists them: DNS, email, IP, URI, then the Fulcio otherName. */
  sans: string[];
  issuer?: string;
}

/** The identity constraints of cosign's `--certificate-identity[-regexp]` and `--certificate-oidc-issuer[-regexp]`. */
export interface IdentityPolicy {
  identity?: string;
  /** RE2 (src/lib/pattern.ts), searched. */
  identityRegexp?: Pattern;
  issuer?: string;
  issuerRegexp?: Pattern;
}

export function hasIdentityConstraint(policy: IdentityPolicy): boolean {
  return policy.identity !== undefined || policy.identityRegexp !== undefined;
}

export function hasIssuerConstraint(policy: IdentityPolicy): boolean {
  return policy.issuer !== undefined || policy.issuerRegexp !== undefined;
}

export function certificateIdentity(cert: X509Certificate): CertificateIdentity {
  const sans = subjectAltNames(cert);
  const issuer = oidcIssuer(cert);
  return issuer === undefined ? { sans } : { sans, issuer };
}

export function toIdentity(id: CertificateIdentity): Identity {
  const out: Identity = {};
  if (id.sans[0] !== undefined) out.san = id.sans.join(', ');
  if (id.issuer !== undefined) out.issuer = id.issuer;
  return out;
}

function oidcIssuer(cert: X509Certificate): string | undefined {
  try {
    const v2 = cert.extension(OID_ISSUER_V2);
    if (v2) return v2.valueObj.subs[0]?.value.toString('utf8');
    return cert.extension(OID_ISSUER_V1)?.value.toString('utf8');
  } catch {
    return undefined;
  }
}

function subjectAltNames(cert: X509Certificate): string[] {
  let names: ASN1Obj[];
  try {
    const ext = cert.extension(OID_SAN);
    names = ext?.valueObj.subs[0]?.subs ?? [];
  } catch {
    return [];
  }
  const byTag = (n: number) => names.filter((g) => g.tag.isContextSpecific(n));
  const text = (g: ASN1Obj) => g.value.toString('utf8');
  const out = [...byTag(2).map(text), ...byTag(1).map(text), ...byTag(7).map(ipText), ...byTag(6).map(text)];
  for (const other of byTag(0)) {
    try {
      if (other.subs[0]?.toOID() === OID_OTHERNAME_USERNAME) {
        const value = other.subs[1]?.subs[0]?.value;
        if (value) out.push(value.toString('utf8'));
      }
    } catch {
      // An otherName custody cannot read is not an identity it can match.
    }
  }
  return out;
}

function ipText(g: ASN1Obj): string {
  const b = g.value;
  if (b.length === 4) return [...b].join('.');
  const parts: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(':');
}

/**
 * cosign's CheckCertificatePolicy: the exact identity must equal one SAN; a
 * regexp (RE2, as Go's) must match one SAN somewhere (Go's MatchString is a
 * search, not anchored: write `^…$` to pin it). Same for the issuer. A
 * certificate is never accepted without an identity constraint (cosign
 * refuses keyless verification without one), and a Fulcio certificate also
 * needs an issuer constraint.
 */
export function checkIdentity(id: CertificateIdentity, policy: IdentityPolicy, requireIssuer: boolean): Finding {
  if (!hasIdentityConstraint(policy)) {
    return finding('no-trust-material', `certificate for ${describe(id)} cannot be accepted without --certificate-identity or --certificate-identity-regexp`);
  }
  if (requireIssuer && !hasIssuerConstraint(policy)) {
    return finding(
      'no-trust-material',
      `Fulcio certificate for ${describe(id)} cannot be accepted without --certificate-oidc-issuer or --certificate-oidc-issuer-regexp`,
    );
  }
  const sanOk = policy.identity !== undefined ? id.sans.includes(policy.identity) : id.sans.some((san) => policy.identityRegexp!.test(san));
  if (!sanOk) {
    const wanted = policy.identity ?? `/${policy.identityRegexp!.source}/`;
    return finding('identity-mismatch', `certificate identity ${id.sans.map(clip).join(', ') || '(none)'} does not match ${wanted}`);
  }
  if (hasIssuerConstraint(policy)) {
    const issuer = id.issuer;
    const issuerOk = issuer !== undefined && (policy.issuer !== undefined ? issuer === policy.issuer : policy.issuerRegexp!.test(issuer));
    if (!issuerOk) {
      const wanted = policy.issuer ?? `/${policy.issuerRegexp!.source}/`;
      return finding('identity-mismatch', `certificate OIDC issuer ${issuer !== undefined ? clip(issuer) : '(none)'} does not match ${wanted}`);
    }
  }
  return undefined;
}

function describe(id: CertificateIdentity): string {
  return `${id.sans.join(', ') || '(no SAN)'}${id.issuer ? ` (issuer ${id.issuer})` : ''}`;
}
