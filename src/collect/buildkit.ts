import { isDigest } from '../oci/reference.js';
import type { ParsedIndex } from '../oci/manifest.js';
import { ATTESTATION_MANIFEST, DOCKER_REFERENCE_DIGEST, DOCKER_REFERENCE_TYPE } from '../oci/media-types.js';
import type { Descriptor } from '../types.js';
import type { Found, StrategyResult } from './found.js';

/** BuildKit attestation storage: an index entry annotated `vnd.docker.reference.type: attestation-manifest`. */
export function isAttestationManifest(descriptor: Descriptor): boolean {
  return descriptor.annotations?.[DOCKER_REFERENCE_TYPE] === ATTESTATION_MANIFEST;
}

/**
 * Attestation manifests inside an index, each bound to the platform
 * manifest named by `vnd.docker.reference.digest`; their in-toto layers are
 * the evidence. One that names no platform manifest of this index is kept,
 * attached to the index, with a warning.
 */
export function findBuildkitAttestations(index: ParsedIndex, indexDigest: string, platformDigests: ReadonlySet<string>, location: string): StrategyResult {
  const found: Found[] = [];
  const warnings: string[] = [];
  for (const descriptor of index.manifests) {
    if (!isAttestationManifest(descriptor)) continue;
    const target = descriptor.annotations?.[DOCKER_REFERENCE_DIGEST];
    let attachedTo = indexDigest;
    if (target !== undefined && isDigest(target) && platformDigests.has(target)) attachedTo = target;
    else
      warnings.push(
        `${location}: attestation manifest ${descriptor.digest} names no platform manifest of the index (${DOCKER_REFERENCE_DIGEST}); attached to the index`,
      );
    found.push({ descriptor, method: 'buildkit', attachedTo });
  }
  return { found, warnings };
}
