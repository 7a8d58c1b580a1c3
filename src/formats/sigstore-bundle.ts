import type { Detection, DetectInput, Format } from './format.js';
import { parseMediaType } from './lib/media-type.js';
import { stringField } from './lib/json.js';
import { bundleKind, bundleSubjects, bundleVersion, looksLikeBundle, summarizeBundle, validateBundle } from './sigstore-bundle-model.js';

/** `application/vnd.dev.sigstore.bundle+json;version=0.x` and `application/vnd.dev.sigstore.bundle.v0.3+json` (and later vX.Y). */
const MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\.v[\d.]+)?\+json$/;

/** Sigstore bundles v0.1–v0.3: kind `attestation` when they carry an in-toto statement, `signature` otherwise. */
export const sigstoreBundle: Format = {
  id: 'sigstore-bundle',
  kind: 'signature',
  defaultMediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  detect(input: DetectInput): Detection | undefined {
    const media = parseMediaType(input.mediaType);
    // The bundle's own mediaType field is authoritative for its version.
    const version = bundleVersion(stringField(input.json, 'mediaType')) ?? bundleVersion(input.mediaType?.replace(/\s+/g, ''));
    const finish = (d: Detection): Detection => ({
      ...d,
      ...(version ? { version } : {}),
      kind: bundleKind(input.json, input.limits),
    });
    if (MEDIA_TYPE.test(media.base)) return finish({ by: 'media-type', reason: `media type ${media.base}` });
    if (looksLikeBundle(input.json)) {
      return finish({ by: 'content', reason: `marker mediaType=${stringField(input.json, 'mediaType')}` });
    }
    return undefined;
  },
  validate: (input) => validateBundle(input.json, '', input.limits),
  subjects: (input) => bundleSubjects(input.json, input.limits),
  summarize: (input) => summarizeBundle(input.json, input.limits),
};
