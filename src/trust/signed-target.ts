import { parseReference } from '../oci/reference.js';
import { detectSignedFormat } from './dispatch.js';

/**
 * What a signature archived with an image must be about, from the records
 * custody keeps (origin, subject, reference): the same answer at archive
 * time, in verify and in gate.
 */

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
