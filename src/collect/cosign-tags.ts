import type { Source } from '../oci/source.js';
import { cosignTags } from '../oci/tag-schemas.js';
import type { Found, StrategyResult } from './found.js';

/**
 * cosign's attachments by tag: `sha256-<hex>.sig` (signatures), `.att`
 * (attestations), `.sbom` (`cosign attach sbom`). Signature layers keep
 * their descriptor annotations (`dev.cosignproject.cosign/signature`,
 * `dev.sigstore.cosign/certificate`, `…/chain`, `…/bundle`,
 * `…/rfc3161timestamp`), whatever the prefix, because descriptors are kept whole.
 */
export async function findByCosignTags(source: Source, digest: string): Promise<StrategyResult> {
  const warnings: string[] = [];
  const resolved = await Promise.all(cosignTags(digest).map(async ({ tag }) => ({ tag, descriptor: await source.resolveTag(tag) })));
  const found: Found[] = [];
  for (const { tag, descriptor } of resolved) {
    if (!descriptor) continue;
    if (descriptor.digest === digest) {
      warnings.push(`${source.location}: cosign tag ${tag} points at ${digest} itself; ignored`);
      continue;
    }
    found.push({ descriptor, method: 'cosign-tag', attachedTo: digest, tag });
  }
  return { found, warnings };
}
