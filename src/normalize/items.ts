import { FORMATS } from '../formats/index.js';
import type { ArchiveItem, Normalized, Raw, Subject, Verification } from '../types.js';
import type { Limits } from './limits.js';
import { normalize } from './normalize.js';

export type SignatureVerifier = (raw: Raw, normalized: Normalized, subject: Subject) => Promise<Verification | undefined>;

/**
 * Normalise every raw piece of evidence of one image against the image's
 * digests (index and platform manifests), then verify signatures where a
 * verifier is given. The bytes are passed through untouched.
 */
export async function normalizeAll(
  subject: Subject,
  raws: readonly Raw[],
  limits: Partial<Limits> | undefined,
  verify?: SignatureVerifier,
  options: { strict?: boolean } = {},
): Promise<ArchiveItem[]> {
  const imageDigests = [subject.digest, ...subject.platforms.map((p) => p.digest)];
  const items: ArchiveItem[] = [];
  for (const raw of raws) {
    const annotations = raw.origin.descriptor?.annotations;
    // A referrer of a referrer (a signature on an SBOM artifact) speaks of that artifact.
    const about = raw.origin.via ? [...imageDigests, raw.origin.via] : imageDigests;
    const normalized = normalize(
      { bytes: raw.bytes, mediaType: raw.mediaType, ...(annotations ? { annotations } : {}) },
      { imageDigests: about, ...(limits ? { limits } : {}), ...(options.strict ? { strict: true } : {}) },
    );
    const mediaType = raw.mediaType || normalized.defaultMediaType || FORMATS.find((f) => f.id === normalized.format)?.defaultMediaType || 'application/octet-stream';
    const verification = verify ? await verify({ ...raw, mediaType }, normalized, subject) : undefined;
    items.push({ bytes: raw.bytes, mediaType, origin: raw.origin, normalized, ...(verification ? { verification } : {}) });
  }
  return items;
}
