import { parseManifest } from '../oci/manifest.js';
import type { Source } from '../oci/source.js';
import { referrersTag } from '../oci/tag-schemas.js';
import type { Found, StrategyResult } from './found.js';

/**
 * distribution-spec 1.1: "a client querying the referrers API and receiving
 * a 404 MUST fall back to the referrers tag schema". The tag names an image
 * index listing the referrers. A tag that is not an index, or that points at
 * the subject itself, yields no referrers and a warning. The tag is a
 * truncation of the digest, so each listed referrer must still name the
 * subject (checked when its manifest is read).
 */
export async function findByReferrersTag(source: Source, digest: string): Promise<StrategyResult> {
  const tag = referrersTag(digest);
  const descriptor = await source.resolveTag(tag);
  if (!descriptor) return { found: [], warnings: [] };
  if (descriptor.digest === digest) {
    return { found: [], warnings: [`${source.location}: referrers tag ${tag} points at ${digest} itself, not at a referrers index; ignored`] };
  }
  const bytes = await source.fetchManifest(descriptor);
  const parsed = parseManifest(bytes, descriptor.mediaType);
  if (!parsed.ok || parsed.value.kind !== 'index') {
    const what = parsed.ok ? parsed.value.mediaType : parsed.reason;
    return { found: [], warnings: [`${source.location}: referrers tag ${tag} is not an image index (${what}); no referrers taken from it`] };
  }
  const found = parsed.value.manifests.map((d): Found => ({ descriptor: d, method: 'referrers-tag', attachedTo: digest, tag, requireSubject: digest }));
  return { found, warnings: [] };
}
