import type { Detection, DetectInput, Format } from './format.js';
import { cyclonedxKind, cyclonedxStreaming, cyclonedxSubjects, cyclonedxVersionOf, summarizeCyclonedx, validateCyclonedx } from './cyclonedx-model.js';
import { stringField } from './lib/json.js';
import { parseMediaType } from './lib/media-type.js';

const MEDIA_TYPE = 'application/vnd.cyclonedx+json';

/** CycloneDX JSON 1.2–1.7 (kind `vex` for a BOM of vulnerabilities without components). */
export const cyclonedx: Format = {
  id: 'cyclonedx',
  kind: 'sbom',
  defaultMediaType: MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    const media = parseMediaType(input.mediaType);
    const json = input.json;
    const version = cyclonedxVersionOf(json) ?? media.params.version;
    const finish = (d: Detection): Detection => {
      const kind = cyclonedxKind(json);
      return { ...d, ...(version ? { version } : {}), ...(kind === 'vex' ? { kind } : {}) };
    };
    if (media.base === MEDIA_TYPE) return finish({ by: 'media-type', reason: `media type ${media.base}` });
    if (stringField(json, 'bomFormat') === 'CycloneDX') return finish({ by: 'content', reason: 'marker bomFormat=CycloneDX' });
    // A BOM that names the CycloneDX schema but breaks bomFormat is still a (broken) CycloneDX BOM.
    const schema = stringField(json, '$schema');
    if (schema && /^https?:\/\/cyclonedx\.org\/schema\/bom-/.test(schema)) {
      return finish({ by: 'content', reason: `marker $schema=${schema}` });
    }
    return undefined;
  },
  validate: (input, detection) => validateCyclonedx(input.json, '', detection.version),
  subjects: (input) => cyclonedxSubjects(input.json),
  summarize: (input) => summarizeCyclonedx(input.json),
  streaming: cyclonedxStreaming,
};
