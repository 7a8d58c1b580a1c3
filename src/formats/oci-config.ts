import type { Detection, DetectInput, Format } from './format.js';
import { arrayField, asObject, at, field, objectField, optional, stringField } from './lib/json.js';
import { parseMediaType } from './lib/media-type.js';
import { checkSchema } from './lib/problems.js';
import { CONFIG_MEDIA_TYPES, looksLikeConfig, MEDIA } from './oci-model.js';

/** OCI image configuration and Docker image config (kind `image`): labels, user, history. */
export const ociConfig: Format = {
  id: 'oci-config',
  kind: 'image',
  defaultMediaType: MEDIA.ociConfig,
  detect(input: DetectInput): Detection | undefined {
    const base = parseMediaType(input.mediaType).base;
    if (CONFIG_MEDIA_TYPES.includes(base)) return { by: 'media-type', reason: `media type ${base}` };
    if (looksLikeConfig(input.json)) return { by: 'content', reason: 'marker rootfs.type=layers with os and architecture' };
    return undefined;
  },
  validate: (input) => checkSchema('formats/oci-config.schema.json', input.json),
  subjects: () => [],
  summarize(input) {
    const json = input.json;
    const config = objectField(json, 'config');
    const labels = asObject(field(config, 'Labels'));
    const summary: Record<string, unknown> = {
      architecture: stringField(json, 'architecture') ?? null,
      os: stringField(json, 'os') ?? null,
      created: stringField(json, 'created') ?? null,
      user: stringField(config, 'User') ?? null,
      labels: labels ? { ...labels } : {},
      historyCount: arrayField(json, 'history').length,
      layerCount: arrayField(at(json, 'rootfs'), 'diff_ids').length,
      ...optional('variant', stringField(json, 'variant')),
    };
    const entrypoint = field(config, 'Entrypoint');
    if (Array.isArray(entrypoint)) summary.entrypoint = entrypoint;
    const cmd = field(config, 'Cmd');
    if (Array.isArray(cmd)) summary.cmd = cmd;
    return summary;
  },
};
