/** Media types and annotation keys from image-spec, Docker, BuildKit and cosign. */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
/** image-spec 1.1 empty descriptor: `{}` for configs and layers that carry nothing. */
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

export const MANIFEST_MEDIA_TYPES: readonly string[] = [OCI_MANIFEST, DOCKER_MANIFEST];
export const INDEX_MEDIA_TYPES: readonly string[] = [OCI_INDEX, DOCKER_MANIFEST_LIST];
/** Sent as `Accept` for every manifest request (Docker schema 1 is not accepted). */
export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST].join(', ');

/** image-layout: the tag of an `index.json` entry. */
export const REF_NAME = 'org.opencontainers.image.ref.name';

/** BuildKit attestation manifests inside an index (docs/attestations/attestation-storage.md). */
export const DOCKER_REFERENCE_TYPE = 'vnd.docker.reference.type';
export const DOCKER_REFERENCE_DIGEST = 'vnd.docker.reference.digest';
export const ATTESTATION_MANIFEST = 'attestation-manifest';

/** `cosign save`: index.json entries carry `kind: <one of these>`. */
export const COSIGN_KIND = 'kind';
export const COSIGN_KIND_IMAGE_INDEX = 'dev.cosignproject.cosign/imageIndex';
export const COSIGN_KIND_IMAGE = 'dev.cosignproject.cosign/image';
export const COSIGN_KIND_SIGS = 'dev.cosignproject.cosign/sigs';
export const COSIGN_KIND_ATTS = 'dev.cosignproject.cosign/atts';

export function isManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && MANIFEST_MEDIA_TYPES.includes(mediaType);
}

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && INDEX_MEDIA_TYPES.includes(mediaType);
}

/** A container filesystem layer: never evidence, never fetched. */
export function isFilesystemLayer(mediaType: string): boolean {
  return (
    mediaType.startsWith('application/vnd.oci.image.layer.') ||
    mediaType.startsWith('application/vnd.docker.image.rootfs.') ||
    mediaType === 'application/vnd.docker.container.image.rootfs.diff+x-gtar'
  );
}
