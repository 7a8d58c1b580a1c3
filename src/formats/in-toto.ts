import type { Detection, DetectInput, Format } from './format.js';
import { looksLikeStatement, statementSubjects, statementVersion, summarizeStatement, validateStatement } from './in-toto-model.js';
import { looksLikeEnvelope } from './dsse-model.js';
import { looksLikeBundle } from './sigstore-bundle-model.js';
import { parseMediaType } from './lib/media-type.js';

/** in-toto's registered media type; BuildKit attestation layers use it too. */
const MEDIA_TYPE = 'application/vnd.in-toto+json';

/** A bare (unsigned) in-toto Statement v0.1 or v1. */
export const inToto: Format = {
  id: 'in-toto',
  kind: 'attestation',
  defaultMediaType: MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    const base = parseMediaType(input.mediaType).base;
    const version = statementVersion(input.json);
    const withVersion = (d: Detection): Detection => (version ? { ...d, version } : d);
    // Some tools label a DSSE envelope or a Sigstore bundle with the in-toto media type:
    // the container is the dsse / sigstore-bundle format's to read.
    if (base === MEDIA_TYPE && (looksLikeEnvelope(input.json) || looksLikeBundle(input.json))) return undefined;
    if (base === MEDIA_TYPE) return withVersion({ by: 'media-type', reason: `media type ${base}` });
    if (looksLikeStatement(input.json)) {
      return withVersion({ by: 'content', reason: `marker _type=${String((input.json as { _type: unknown })._type)}` });
    }
    return undefined;
  },
  validate: (input) => validateStatement(input.json),
  subjects: (input) => statementSubjects(input.json),
  summarize: (input) => summarizeStatement(input.json),
};
