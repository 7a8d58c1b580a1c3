import type { SignatureVerifier } from '../normalize/items.js';
import { parseReference } from '../oci/reference.js';
import { buildTrustMaterial, detectSignedFormat, readTrustInputs, verifyEvidence, type TrustMaterial, type TrustOptions } from '../trust/index.js';
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
 * Trust material rebuilt from the copies a day folder keeps, for repeating
 * archive-time checks offline: only the files a verdict names, with the
 * identity constraints it recorded.
 */
export function trustFromCopies(copies: { record: TrustRecord; bytes: Uint8Array }[], constraints: IdentityConstraints): TrustMaterial {
  return buildTrustMaterial(
    copies.map(({ record, bytes }) => ({ path: record.path, role: record.role, bytes })),
    constraints,
  );
}

/** Is this evidence signed material custody verifies (or records as unverifiable)? */
export function isSigned(kind: string, bytes: Uint8Array, mediaType: string, annotations?: Record<string, string>): boolean {
  if (kind !== 'signature' && kind !== 'attestation') return false;
  return detectSignedFormat({ bytes, mediaType, ...(annotations ? { annotations } : {}) }) !== 'unknown';
}

/** The digest a signature must be about: the artifact it hangs from (a referrer of a referrer), else the image. */
export function signedTarget(origin: { via?: string; attachedTo?: string }, imageDigest: string): string {
  return origin.via ?? origin.attachedTo ?? imageDigest;
}

/** registry/repository of an image reference (picks the Notation trust policy statement); none for an OCI layout. */
export function signedScope(ref: string): string | undefined {
  try {
    const parsed = parseReference(ref);
    return parsed.type === 'registry' ? `${parsed.registry}/${parsed.repository}` : undefined;
  } catch {
    return undefined;
  }
}

/** What the signature must be about: the digest, and the media type when it is the image or one of its platform manifests. */
export function signedTargetOf(
  origin: { via?: string; attachedTo?: string },
  subject: { digest: string; mediaType: string | null; platforms?: { digest: string; mediaType: string }[] },
): { digest: string; mediaType?: string } {
  const digest = signedTarget(origin, subject.digest);
  const mediaType = digest === subject.digest ? subject.mediaType : subject.platforms?.find((p) => p.digest === digest)?.mediaType;
  return mediaType ? { digest, mediaType } : { digest };
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
