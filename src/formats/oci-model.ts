import { toOciDigest } from './lib/digest.js';
import { asObject, field, isObject, objectField, stringField } from './lib/json.js';

/** OCI image-spec / Docker distribution media types for the image's own documents. */
export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerManifestV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export const MANIFEST_MEDIA_TYPES: readonly string[] = [MEDIA.ociManifest, MEDIA.dockerManifest, MEDIA.dockerManifestV1, MEDIA.dockerManifestV1Signed];
export const INDEX_MEDIA_TYPES: readonly string[] = [MEDIA.ociIndex, MEDIA.dockerList];
export const CONFIG_MEDIA_TYPES: readonly string[] = [MEDIA.ociConfig, MEDIA.dockerConfig];

/** Which flavour of manifest a document is, from its own mediaType (the wire media type as fallback). */
export function manifestFlavour(json: unknown, wireMediaType: string): string {
  const declared = stringField(json, 'mediaType') ?? wireMediaType;
  if (declared === MEDIA.dockerManifest) return 'docker-v2s2';
  if (declared === MEDIA.dockerManifestV1 || declared === MEDIA.dockerManifestV1Signed) return 'docker-v2s1';
  if (declared === MEDIA.dockerList) return 'docker-manifest-list';
  return 'oci-v1';
}

/**
 * A manifest by content: schemaVersion plus config/layers, or the schema-1
 * markers (fsLayers, or name and tag). A manifest of an unknown schemaVersion
 * is still recognised, so that it is reported as invalid rather than unknown.
 */
export function looksLikeManifest(json: unknown): boolean {
  if (!isObject(json) || typeof json.schemaVersion !== 'number') return false;
  if (Array.isArray(json.manifests)) return false;
  if (isObject(json.config) && 'layers' in json) return true;
  if (Array.isArray(json.fsLayers)) return true;
  return typeof json.name === 'string' && typeof json.tag === 'string';
}

export function looksLikeIndex(json: unknown): boolean {
  return isObject(json) && typeof json.schemaVersion === 'number' && Array.isArray(json.manifests);
}

/** An image config: rootfs of type `layers`, with os and architecture. */
export function looksLikeConfig(json: unknown): boolean {
  const rootfs = objectField(json, 'rootfs');
  return isObject(json) && stringField(rootfs, 'type') === 'layers' && 'os' in json && 'architecture' in json;
}

export function descriptorSummary(descriptor: unknown): Record<string, unknown> | undefined {
  if (!isObject(descriptor)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of ['mediaType', 'digest', 'size', 'artifactType'] as const) {
    if (descriptor[key] !== undefined) out[key] = descriptor[key];
  }
  return out;
}

export function platformString(platform: unknown): string | undefined {
  const os = stringField(platform, 'os');
  const arch = stringField(platform, 'architecture');
  if (!os || !arch) return undefined;
  const variant = stringField(platform, 'variant');
  return `${os}/${arch}${variant ? '/' + variant : ''}`;
}

export function annotationsOf(json: unknown): Record<string, string> | undefined {
  const annotations = asObject(field(json, 'annotations'));
  if (!annotations) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The `subject` descriptor a referrer (signature, SBOM, attestation manifest) points at. */
export function subjectDigest(json: unknown): string[] {
  const digest = toOciDigest(field(objectField(json, 'subject'), 'digest'));
  return digest ? [digest] : [];
}

export function sumSizes(descriptors: readonly unknown[]): number {
  let total = 0;
  for (const d of descriptors) {
    const size = field(d, 'size');
    if (typeof size === 'number' && Number.isFinite(size)) total += size;
  }
  return total;
}

/** artifactType, subject and annotations of a manifest or index, when present, into its summary. */
export function addArtifactFields(summary: Record<string, unknown>, json: unknown): Record<string, unknown> {
  const artifactType = stringField(json, 'artifactType');
  if (artifactType !== undefined) summary.artifactType = artifactType;
  const subject = descriptorSummary(field(json, 'subject'));
  if (subject) summary.subject = subject;
  const annotations = annotationsOf(json);
  if (annotations) summary.annotations = annotations;
  return summary;
}
