import type { Detection, DetectInput, Format } from './format.js';
import { envelopeSubjects, looksLikeEnvelope, summarizeEnvelope, validateEnvelope } from './dsse-model.js';
import { certificateSummary, describeCertificate } from './lib/certificate.js';
import { parseMediaType } from './lib/media-type.js';

/** DSSE's media type, as cosign attestation layers (`.att`) and in-toto tooling use it. */
const MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

/** A bare DSSE envelope, usually an in-toto attestation (cosign `.att` layers, slsa-github-generator `.intoto.jsonl`). */
export const dsse: Format = {
  id: 'dsse',
  kind: 'attestation',
  defaultMediaType: MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    const base = parseMediaType(input.mediaType).base;
    if (base === MEDIA_TYPE) return { by: 'media-type', reason: `media type ${base}` };
    if (looksLikeEnvelope(input.json)) {
      return { by: 'content', reason: `marker payloadType=${String((input.json as { payloadType: string }).payloadType)}` };
    }
    return undefined;
  },
  validate: (input) => validateEnvelope(input.json, '', input.limits),
  subjects: (input) => envelopeSubjects(input.json, input.limits),
  summarize(input) {
    const summary = summarizeEnvelope(input.json, input.limits);
    // A cosign `.att` layer carries its signing certificate in the descriptor's annotations.
    const cert = input.annotations?.['dev.sigstore.cosign/certificate'];
    if (cert) Object.assign(summary, certificateSummary(describeCertificate(cert)));
    return summary;
  },
};
