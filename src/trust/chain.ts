import type { X509Certificate } from '@sigstore/core';
import { contains, type CertAuthority } from './anchors.js';
import { MAX_CHAIN_LENGTH } from './bytes.js';
import type { VerdictCode } from './verdict.js';

export type ChainResult =
  | { ok: true; ca: CertAuthority; path: X509Certificate[] }
  | { ok: false; code: VerdictCode; reason: string };

const OID_EKU = '2.5.29.37';
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const OID_ANY_EKU = '2.5.29.37.0';

/**
 * RFC 5280 §6 path validation, reduced to what Sigstore needs: from `leaf`
 * through `untrusted` intermediates (a cosign chain annotation, --ca-intermediates)
 * up to a certificate of a trusted CA, every link signed by a CA certificate,
 * path length constraints honoured, every certificate valid at `at` (the
 * verified log or timestamp time, else now), the CA's own validity window
 * containing `at`, and the leaf allowed to sign code when it says what it may do.
 */
export function verifyCertificateChain(
  leaf: X509Certificate,
  untrusted: X509Certificate[],
  cas: CertAuthority[],
  at: Date,
): ChainResult {
  if (cas.length === 0) return { ok: false, code: 'no-trust-material', reason: 'no certificate authority in the trust material' };
  const eku = checkCodeSigning(leaf);
  if (eku) return { ok: false, code: 'untrusted-key', reason: eku };
  let outsideWindow: CertAuthority | undefined;
  for (const ca of cas) {
    const path = findPath(leaf, untrusted, ca.certChain);
    if (!path) continue;
    if (!contains(ca.validFor, at)) {
      outsideWindow = ca;
      continue;
    }
    const constraint = checkPathLength(path);
    if (constraint) return { ok: false, code: 'untrusted-key', reason: constraint };
    const expired = path.find((cert) => !cert.validForDate(at));
    if (expired) {
      const which = expired === leaf ? 'signing certificate' : 'CA certificate in the chain';
      return {
        ok: false,
        code: 'certificate-expired',
        reason: `${which} is valid ${expired.notBefore.toISOString()} to ${expired.notAfter.toISOString()}, not at ${at.toISOString()}`,
      };
    }
    return { ok: true, ca, path };
  }
  if (outsideWindow) {
    return {
      ok: false,
      code: 'untrusted-key',
      reason: `certificate chains to a CA trusted only from ${outsideWindow.validFor.start.toISOString()} to ${outsideWindow.validFor.end.toISOString()}, not at ${at.toISOString()}`,
    };
  }
  return { ok: false, code: 'untrusted-key', reason: 'certificate does not chain to a trusted certificate authority' };
}

/** Depth-first search for leaf → … → a certificate of `trusted`. */
function findPath(leaf: X509Certificate, untrusted: X509Certificate[], trusted: X509Certificate[]): X509Certificate[] | undefined {
  const search = (cert: X509Certificate, path: X509Certificate[]): X509Certificate[] | undefined => {
    if (path.length > MAX_CHAIN_LENGTH) return undefined;
    for (const anchor of trusted) {
      if (signedBy(cert, anchor)) return [...path, anchor];
    }
    for (const next of untrusted) {
      if (path.some((p) => p.equals(next)) || !signedBy(cert, next)) continue;
      const found = search(next, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return search(leaf, [leaf]);
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    if (!cert.issuer.equals(issuer.subject)) return false;
    if (!issuer.isCA) return false;
    return cert.verify(issuer);
  } catch {
    return false;
  }
}

/** RFC 5280 §4.2.1.9: a CA's pathLenConstraint caps the intermediates below it. */
function checkPathLength(path: X509Certificate[]): string | undefined {
  for (let i = 1; i < path.length; i++) {
    const limit = path[i]!.extBasicConstraints?.pathLenConstraint;
    if (limit !== undefined && BigInt(i - 1) > limit) return 'certificate chain exceeds a CA path length constraint';
  }
  return undefined;
}

/** cosign requires the code-signing extended key usage where the certificate restricts its usage. */
function checkCodeSigning(leaf: X509Certificate): string | undefined {
  try {
    const ext = leaf.extension(OID_EKU);
    if (!ext) return undefined;
    const oids = (ext.valueObj.subs[0]?.subs ?? []).map((o) => o.toOID());
    if (oids.includes(OID_CODE_SIGNING) || oids.includes(OID_ANY_EKU)) return undefined;
    return 'signing certificate is not allowed to sign code (extended key usage lacks codeSigning)';
  } catch {
    return 'signing certificate has an unreadable extended key usage';
  }
}
