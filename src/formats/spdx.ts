import type { Detection, DetectInput, Format } from './format.js';
import { parseMediaType } from './lib/media-type.js';
import { looksLikeSpdx2, spdx2Streaming, spdx2Subjects, spdxVersionOf, summarizeSpdx2, validateSpdx2 } from './spdx-model.js';

/** Media types for SPDX 2 JSON: IANA's, and the one cosign `attach sbom --type spdxjson` uses. */
const MEDIA_TYPES = ['application/spdx+json', 'text/spdx+json'];

/** SPDX 2.2 / 2.3 JSON (SPDX 3 JSON-LD shares the media type and is recognised first by spdx3). */
export const spdx: Format = {
  id: 'spdx',
  kind: 'sbom',
  defaultMediaType: 'application/spdx+json',
  detect(input: DetectInput): Detection | undefined {
    const base = parseMediaType(input.mediaType).base;
    const version = spdxVersionOf(input.json);
    const withVersion = (d: Detection): Detection => (version ? { ...d, version } : d);
    if (MEDIA_TYPES.includes(base)) return withVersion({ by: 'media-type', reason: `media type ${base}` });
    if (looksLikeSpdx2(input.json)) return withVersion({ by: 'content', reason: `marker spdxVersion=SPDX-${version ?? '2.x'}` });
    return undefined;
  },
  validate: (input) => validateSpdx2(input.json),
  subjects: (input) => spdx2Subjects(input.json),
  summarize: (input) => ({ ...summarizeSpdx2(input.json), serialization: 'json' }),
  streaming: {
    members: spdx2Streaming.members,
    open(head, item, options) {
      const fold = spdx2Streaming.open(head, item, options);
      return {
        element: (member, index, value) => fold.element(member, index, value),
        finish: () => {
          const result = fold.finish();
          return { ...result, summary: { ...result.summary, serialization: 'json' } };
        },
      };
    },
  },
};
