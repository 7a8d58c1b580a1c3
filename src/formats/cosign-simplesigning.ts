import {
  CONTAINERS_SIGSTORE_PREFIX,
  looksLikePayload,
  payloadSubjects,
  readContainersSignature,
  SIMPLESIGNING_MEDIA_TYPE,
  summarizeSignature,
  validateAnnotations,
  validateContainersSignature,
  validatePayload,
} from './cosign-model.js';
import type { Detection, DetectInput, Format } from './format.js';
import { asObject, field } from './lib/json.js';
import { parseMediaType } from './lib/media-type.js';

function isContainersForm(input: DetectInput): input is DetectInput & { text: string } {
  return typeof input.text === 'string' && input.text.startsWith(CONTAINERS_SIGSTORE_PREFIX);
}

/**
 * cosign simple-signing signatures: a signature layer (payload bytes, with
 * the signature in the descriptor's annotations), a bare payload, or the
 * containers/image on-disk form. Problems about descriptor annotations are
 * reported at `/annotations/<key>`.
 */
export const cosignSimpleSigning: Format = {
  id: 'cosign-simplesigning',
  kind: 'signature',
  defaultMediaType: SIMPLESIGNING_MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    if (isContainersForm(input)) {
      return { by: 'content', reason: 'marker containers/image "\\0sigstore-json\\n" prefix', version: 'containers-sigstore' };
    }
    const base = parseMediaType(input.mediaType).base;
    if (base === SIMPLESIGNING_MEDIA_TYPE) return { by: 'media-type', reason: `media type ${base}` };
    if (looksLikePayload(input.json)) return { by: 'content', reason: 'marker critical.type=cosign container image signature' };
    return undefined;
  },
  validate(input) {
    if (isContainersForm(input)) return validateContainersSignature(readContainersSignature(input.text, input.limits));
    const problems = validatePayload(input.json);
    if (input.annotations && Object.keys(input.annotations).length > 0) problems.push(...validateAnnotations(input.annotations, '/annotations'));
    return problems;
  },
  subjects(input) {
    if (isContainersForm(input)) return payloadSubjects(readContainersSignature(input.text, input.limits).payload);
    return payloadSubjects(input.json);
  },
  summarize(input) {
    if (isContainersForm(input)) {
      const sig = readContainersSignature(input.text, input.limits);
      return { ...summarizeSignature(sig.payload, asObject(field(sig.envelope, 'annotations'))), form: 'containers-sigstore' };
    }
    const annotations = input.annotations && Object.keys(input.annotations).length > 0 ? input.annotations : undefined;
    return { ...summarizeSignature(input.json, annotations), form: annotations ? 'signature-layer' : 'payload' };
  },
};
