import { COSIGN_KIND, COSIGN_KIND_ATTS, COSIGN_KIND_IMAGE, COSIGN_KIND_IMAGE_INDEX, COSIGN_KIND_SIGS } from '../oci/media-types.js';
import type { Descriptor } from '../types.js';
import type { Found, StrategyResult } from './found.js';

/**
 * The layout `cosign save` writes: `index.json` entries annotated
 * `kind: dev.cosignproject.cosign/{imageIndex,image,sigs,atts}`. The sigs
 * and atts manifests are what cosign keeps under `.sig` and `.att` tags, so
 * they are reported as found by cosign tag, attached to the saved image.
 */
export function findCosignSaveEntries(entries: Descriptor[], imageDigest: string, location: string): StrategyResult {
  const images = entries.filter((e) => {
    const kind = e.annotations?.[COSIGN_KIND];
    return kind === COSIGN_KIND_IMAGE_INDEX || kind === COSIGN_KIND_IMAGE;
  });
  const attachments = entries.filter((e) => {
    const kind = e.annotations?.[COSIGN_KIND];
    return kind === COSIGN_KIND_SIGS || kind === COSIGN_KIND_ATTS;
  });
  if (attachments.length === 0) return { found: [], warnings: [] };
  const imageDigests = new Set(images.map((i) => i.digest));
  if (!imageDigests.has(imageDigest)) return { found: [], warnings: [] };
  if (imageDigests.size > 1) {
    return {
      found: [],
      warnings: [`${location}: the cosign save layout holds ${imageDigests.size} images; its sigs/atts entries cannot be bound to one and were skipped`],
    };
  }
  const found = attachments.map((descriptor): Found => ({ descriptor, method: 'cosign-tag', attachedTo: imageDigest }));
  return { found, warnings: [] };
}
