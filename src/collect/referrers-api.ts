import type { Source } from '../oci/source.js';
import type { Found } from './found.js';

/**
 * distribution-spec 1.1 referrers API (in a layout: the manifests whose
 * `subject` is the digest). `supported: false` sends the caller to the
 * referrers tag schema.
 */
export async function findByReferrersApi(source: Source, digest: string): Promise<{ supported: boolean; found: Found[]; warnings: string[] }> {
  const listing = await source.listReferrers(digest);
  if (!listing.supported) return { supported: false, found: [], warnings: [] };
  const found = listing.manifests.map((descriptor): Found => ({ descriptor, method: 'referrers-api', attachedTo: digest, requireSubject: digest }));
  return { supported: true, found, warnings: listing.warnings };
}
