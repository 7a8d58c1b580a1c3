import type { FormatProblem } from '../types.js';
import { envelopeSubjects, summarizeEnvelope, validateEnvelope } from './dsse-model.js';
import type { Detection, DetectInput, Format } from './format.js';
import { toOciDigest } from './lib/digest.js';
import { arrayField, at, field, isObject, objectField, stringField } from './lib/json.js';
import { childPath, problem } from './lib/problems.js';

/**
 * Google Cloud Build provenance as `gcloud artifacts docker images describe
 * --show-provenance --format json` prints it: the image summary and, per
 * build, a DSSE envelope holding an in-toto SLSA statement.
 */
function provenance(json: unknown): readonly unknown[] {
  return arrayField(objectField(json, 'provenance_summary'), 'provenance');
}

export const gcbProvenance: Format = {
  id: 'gcb-provenance',
  kind: 'attestation',
  defaultMediaType: 'application/json',
  detect(input: DetectInput): Detection | undefined {
    const json = input.json;
    if (isObject(json) && isObject(json.provenance_summary) && (isObject(json.image_summary) || provenance(json).length > 0)) {
      return { by: 'content', reason: 'marker provenance_summary (gcloud --show-provenance)' };
    }
    return undefined;
  },
  validate(input) {
    const problems: FormatProblem[] = [];
    const entries = provenance(input.json);
    if (entries.length === 0) {
      problems.push(problem('schema-min-items', '/provenance_summary/provenance', '/provenance_summary/provenance must list at least one build'));
    }
    entries.forEach((entry, i) => {
      const path = childPath('', 'provenance_summary', 'provenance', i, 'envelope');
      const envelope = field(entry, 'envelope');
      if (!isObject(envelope)) problems.push(problem('schema-required', path, `${path} is required`));
      else problems.push(...validateEnvelope(envelope, path, input.limits));
    });
    const digest = field(objectField(input.json, 'image_summary'), 'digest');
    if (digest !== undefined && !toOciDigest(digest)) {
      problems.push(problem('schema-pattern', '/image_summary/digest', '/image_summary/digest is not an OCI digest'));
    }
    return problems;
  },
  subjects(input) {
    const subjects = provenance(input.json).flatMap((e) => envelopeSubjects(field(e, 'envelope'), input.limits));
    const image = toOciDigest(at(input.json, 'image_summary', 'digest'));
    return image ? [image, ...subjects] : subjects;
  },
  summarize(input) {
    const entries = provenance(input.json);
    const first = entries[0];
    const summary: Record<string, unknown> = {
      image: stringField(objectField(input.json, 'image_summary'), 'fully_qualified_digest') ?? null,
      buildCount: entries.length,
    };
    if (first !== undefined) Object.assign(summary, summarizeEnvelope(field(first, 'envelope'), input.limits));
    return summary;
  },
};
