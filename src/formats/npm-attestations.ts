import type { Detection, DetectInput, Format } from './format.js';
import { arrayField, field, isObject, stringField } from './lib/json.js';
import { childPath, problem } from './lib/problems.js';
import { bundleSubjects, summarizeBundle, validateBundle } from './sigstore-bundle-model.js';
import type { FormatProblem } from '../types.js';

/**
 * The npm registry's attestations document (`GET /-/npm/v1/attestations/<pkg>@<v>`):
 * `{attestations: [{predicateType, bundle}]}`, each bundle a Sigstore bundle.
 */
function looksLikeNpmAttestations(json: unknown): boolean {
  const list = arrayField(json, 'attestations');
  return list.length > 0 && list.every((a) => isObject(a) && 'predicateType' in a && 'bundle' in a);
}

export const npmAttestations: Format = {
  id: 'npm-attestations',
  kind: 'attestation',
  defaultMediaType: 'application/json',
  detect(input: DetectInput): Detection | undefined {
    return looksLikeNpmAttestations(input.json) ? { by: 'content', reason: 'marker attestations[].{predicateType,bundle}' } : undefined;
  },
  validate(input) {
    const problems: FormatProblem[] = [];
    arrayField(input.json, 'attestations').forEach((entry, i) => {
      const base = childPath('', 'attestations', i);
      if (typeof field(entry, 'predicateType') !== 'string') {
        problems.push(problem('schema-type', `${base}/predicateType`, `${base}/predicateType must be string`));
      }
      problems.push(...validateBundle(field(entry, 'bundle'), `${base}/bundle`, input.limits));
      // The entry's predicateType must be the one its statement carries.
      const summary = summarizeBundle(field(entry, 'bundle'), input.limits);
      const declared = stringField(entry, 'predicateType');
      if (declared && typeof summary.predicateType === 'string' && summary.predicateType !== declared) {
        problems.push(
          problem('npm-predicate-mismatch', `${base}/predicateType`, `${base}/predicateType ${declared} differs from the statement's ${summary.predicateType}`),
        );
      }
    });
    return problems;
  },
  subjects: (input) => arrayField(input.json, 'attestations').flatMap((a) => bundleSubjects(field(a, 'bundle'), input.limits)),
  summarize(input) {
    const attestations = arrayField(input.json, 'attestations').map((a) => summarizeBundle(field(a, 'bundle'), input.limits));
    return {
      attestationCount: attestations.length,
      predicateTypes: arrayField(input.json, 'attestations').map((a) => stringField(a, 'predicateType') ?? null),
      attestations,
    };
  },
};
