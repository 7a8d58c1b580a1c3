import type { SignatureVerifier } from '../normalize/items.js';
import {
  buildTrustMaterial,
  isSigned,
  readTrustInputs,
  signedScope,
  signedTargetOf,
  verifyEvidence,
  type TrustMaterial,
  type TrustOptions,
} from '../trust/index.js';
import type { IdentityConstraints, TrustRecord, Verification } from '../types.js';
import { sha256Hex } from '../lib/hash.js';

/** Trust material for a run: what verification uses, and the copies the day folder keeps. */
export interface ArchiveTrust {
  material: TrustMaterial;
  constraints: IdentityConstraints;
  copies: { record: TrustRecord; bytes: Buffer }[];
}

export function constraintsOf(options: TrustOptions): IdentityConstraints {
  const constraints: IdentityConstraints = {};
  if (options.certificateIdentity !== undefined) constraints.certificateIdentity = options.certificateIdentity;
  if (options.certificateIdentityRegexp !== undefined) constraints.certificateIdentityRegexp = options.certificateIdentityRegexp;
  if (options.certificateOidcIssuer !== undefined) constraints.certificateOidcIssuer = options.certificateOidcIssuer;
  if (options.certificateOidcIssuerRegexp !== undefined) constraints.certificateOidcIssuerRegexp = options.certificateOidcIssuerRegexp;
  return constraints;
}

/** Read the trust files once (their bytes are kept in the archive), then build the trust material. */
export async function loadArchiveTrust(options: TrustOptions): Promise<ArchiveTrust> {
  const inputs = await readTrustInputs(options);
  const copies = inputs.map(({ role, bytes }) => {
    const sha256 = sha256Hex(bytes);
    const ext = role === 'trusted-root' || role === 'notation-trust-store' || role === 'notation-trust-policy' ? 'json' : 'pem';
    return { record: { path: `trust/${sha256}.${ext}`, sha256, size: bytes.length, role }, bytes: Buffer.from(bytes) };
  });
  return { material: buildTrustMaterial(inputs, options), constraints: constraintsOf(options), copies };
}

/**
 * Verify every signature and attestation as it is archived. Without trust
 * material each verdict is `no-trust-material`, never a pass.
 */
export function signatureVerifier(trust: ArchiveTrust | undefined): SignatureVerifier {
  const material = trust?.material ?? buildTrustMaterial([], {});
  const constraints = trust?.constraints ?? {};
  return async (raw, normalized, subject): Promise<Verification | undefined> => {
    const annotations = raw.origin.descriptor?.annotations;
    if (!isSigned(normalized.kind, raw.bytes, raw.mediaType, annotations)) return undefined;
    const scope = signedScope(subject.ref);
    const verdict = await verifyEvidence(
      { bytes: raw.bytes, mediaType: raw.mediaType, ...(annotations ? { annotations } : {}) },
      signedTargetOf(raw.origin, subject),
      material,
      scope !== undefined ? { scope } : {},
    );
    return Object.keys(constraints).length > 0 ? { ...verdict, constraints } : verdict;
  };
}
