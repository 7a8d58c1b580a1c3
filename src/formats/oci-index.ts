import type { Detection, DetectInput, Format } from './format.js';
import { arrayField, field, stringField } from './lib/json.js';
import { parseMediaType } from './lib/media-type.js';
import { checkSchema } from './lib/problems.js';
import { addArtifactFields, annotationsOf, INDEX_MEDIA_TYPES, looksLikeIndex, manifestFlavour, MEDIA, platformString, subjectDigest } from './oci-model.js';

/** BuildKit marks attestation manifests in an index with this annotation (docs/attestations/attestation-storage.md). */
const BUILDKIT_REFERENCE_TYPE = 'vnd.docker.reference.type';

/** OCI image indexes and Docker manifest lists (kind `image`). */
export const ociIndex: Format = {
  id: 'oci-index',
  kind: 'image',
  defaultMediaType: MEDIA.ociIndex,
  detect(input: DetectInput): Detection | undefined {
    const base = parseMediaType(input.mediaType).base;
    const version = manifestFlavour(input.json, base) === 'docker-manifest-list' ? 'docker-manifest-list' : 'oci-v1';
    if (INDEX_MEDIA_TYPES.includes(base)) return { by: 'media-type', reason: `media type ${base}`, version };
    if (looksLikeIndex(input.json)) return { by: 'content', reason: 'marker schemaVersion with manifests', version };
    return undefined;
  },
  validate: (input) => checkSchema('formats/oci-index.schema.json', input.json),
  subjects: (input) => subjectDigest(input.json),
  summarize(input) {
    const json = input.json;
    const manifests = arrayField(json, 'manifests');
    const platforms: string[] = [];
    let attestationManifests = 0;
    for (const m of manifests) {
      const platform = platformString(field(m, 'platform'));
      const annotations = annotationsOf(m);
      if (annotations?.[BUILDKIT_REFERENCE_TYPE] === 'attestation-manifest') attestationManifests++;
      else if (platform) platforms.push(platform);
    }
    const summary: Record<string, unknown> = {
      schemaVersion: field(json, 'schemaVersion') ?? null,
      mediaType: stringField(json, 'mediaType') ?? null,
      manifestCount: manifests.length,
      platforms,
      attestationManifestCount: attestationManifests,
    };
    return addArtifactFields(summary, json);
  },
};
