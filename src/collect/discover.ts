import type { ImageReference } from '../oci/reference.js';
import type { Source } from '../oci/source.js';
import type { DiscoverOptions, DiscoveryResult } from './types.js';
import { walkImage } from './walk.js';

/**
 * What is attached to an image, as a tree: per image digest (the index and
 * each platform manifest), the artifacts found by the referrers API or its
 * tag fallback, cosign tags, BuildKit attestation manifests and `cosign save`
 * entries, and their own referrers one level down. Only manifests are read;
 * no evidence body is downloaded.
 */
export async function discover(source: Source, ref: ImageReference, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  return (await walkImage(source, ref, options)).result;
}
