import type { Detection, DetectInput, Format } from './format.js';
import { arrayField, field, stringField } from './lib/json.js';
import { parseMediaType } from './lib/media-type.js';
import { checkSchema, problem } from './lib/problems.js';
import { addArtifactFields, descriptorSummary, looksLikeManifest, MANIFEST_MEDIA_TYPES, manifestFlavour, MEDIA, subjectDigest, sumSizes } from './oci-model.js';

/** OCI image manifests and Docker schema 2 manifests (kind `image`; referrer manifests too). */
export const ociManifest: Format = {
  id: 'oci-manifest',
  kind: 'image',
  defaultMediaType: MEDIA.ociManifest,
  detect(input: DetectInput): Detection | undefined {
    const base = parseMediaType(input.mediaType).base;
    const version = manifestFlavour(input.json, base);
    if (MANIFEST_MEDIA_TYPES.includes(base)) return { by: 'media-type', reason: `media type ${base}`, version };
    if (looksLikeManifest(input.json)) {
      const declared = stringField(input.json, 'mediaType');
      return { by: 'content', reason: declared ? `marker mediaType=${declared}` : 'marker schemaVersion with config and layers', version };
    }
    return undefined;
  },
  validate(input, detection) {
    // Docker schema 1 is deprecated and unsigned-by-digest: recognised, never accepted.
    if (detection.version === 'docker-v2s1') {
      return [problem('oci-manifest-schema1', '/schemaVersion', '/schemaVersion Docker image manifest schema 1 is not supported (deprecated)')];
    }
    return checkSchema('formats/oci-manifest.schema.json', input.json);
  },
  subjects: (input) => subjectDigest(input.json),
  summarize(input) {
    const json = input.json;
    const layers = arrayField(json, 'layers');
    const summary: Record<string, unknown> = {
      schemaVersion: field(json, 'schemaVersion') ?? null,
      mediaType: stringField(json, 'mediaType') ?? null,
      config: descriptorSummary(field(json, 'config')) ?? null,
      layerCount: layers.length,
      layersSize: sumSizes(layers),
      layerMediaTypes: [...new Set(layers.map((l) => stringField(l, 'mediaType')).filter((m): m is string => m !== undefined))],
    };
    return addArtifactFields(summary, json);
  },
};
