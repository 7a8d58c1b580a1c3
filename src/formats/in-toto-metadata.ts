import type { FormatProblem } from '../types.js';
import { schemaPartValidator } from '../schemas.js';
import type { Detection, DetectInput, Format } from './format.js';
import { arrayField, asObject, field, isObject, objectField, optional, stringField } from './lib/json.js';
import { ajvProblems, checkSchema } from './lib/problems.js';

/**
 * in-toto v0.9 link and layout metadata, as in-toto-run, in-toto-record and
 * in-toto-sign 1.x write them: `{signed: {_type: link|layout, …},
 * signatures: [{keyid, sig}]}`. Checked against custody's schema of the
 * specification; the signatures are src/trust's (src/trust/in-toto-metadata.ts).
 * A link names the files of a step, not an image, so it claims no subject;
 * it is bound to an image only by a layout's rules, which custody records
 * but does not evaluate.
 */
const SCHEMA = 'formats/in-toto-v0.9-metadata.schema.json';
export const IN_TOTO_METADATA_TYPES = ['link', 'layout'] as const;

export function metadataType(signed: unknown): 'link' | 'layout' | undefined {
  const type = stringField(signed, '_type');
  return type === 'link' || type === 'layout' ? type : undefined;
}

function looksLikeMetadata(json: unknown): boolean {
  return isObject(json) && isObject(json.signed) && Array.isArray(json.signatures) && metadataType(json.signed) !== undefined;
}

/** The `signed` part alone (also the payload of in-toto-run's DSSE form), its pointer `prefix`. */
export function validateInTotoSigned(signed: unknown, prefix: string): FormatProblem[] {
  const validate = schemaPartValidator(SCHEMA, '/properties/signed');
  return validate(signed) ? [] : ajvProblems(validate.errors, prefix);
}

/** Link: the step, its command, how many materials and products, its exit code. Layout: expiry, steps, inspections, keys. */
export function summarizeInTotoSigned(signed: unknown): Record<string, unknown> {
  const type = metadataType(signed);
  if (type === 'link') {
    const byproducts = objectField(signed, 'byproducts');
    return {
      metadataType: 'link',
      stepName: stringField(signed, 'name') ?? null,
      command: arrayField(signed, 'command').filter((c): c is string => typeof c === 'string'),
      materialCount: Object.keys(objectField(signed, 'materials') ?? {}).length,
      productCount: Object.keys(objectField(signed, 'products') ?? {}).length,
      ...optional('returnValue', field(byproducts, 'return-value')),
    };
  }
  if (type === 'layout') {
    const steps = arrayField(signed, 'steps');
    return {
      metadataType: 'layout',
      expires: stringField(signed, 'expires') ?? null,
      stepCount: steps.length,
      steps: steps.slice(0, 50).map((step) => ({
        name: stringField(step, 'name') ?? null,
        expectedCommand: arrayField(step, 'expected_command').filter((c): c is string => typeof c === 'string'),
        threshold: field(step, 'threshold') ?? null,
        functionaryCount: arrayField(step, 'pubkeys').length,
      })),
      inspectionCount: arrayField(signed, 'inspect').length,
      keyCount: Object.keys(objectField(signed, 'keys') ?? {}).length,
    };
  }
  return {};
}

export const inTotoMetadata: Format = {
  id: 'in-toto',
  kind: 'attestation',
  defaultMediaType: 'application/json',
  detect(input: DetectInput): Detection | undefined {
    if (!looksLikeMetadata(input.json)) return undefined;
    const type = metadataType(asObject(field(input.json, 'signed')));
    return { by: 'content', reason: `marker signed._type=${type} (in-toto v0.9 metadata)`, version: '0.9' };
  },
  validate: (input) => checkSchema(SCHEMA, input.json),
  subjects: () => [],
  summarize(input) {
    const signatures = arrayField(input.json, 'signatures');
    const keyIds = signatures.map((s) => stringField(s, 'keyid')).filter((k): k is string => k !== undefined && k !== '');
    return {
      ...summarizeInTotoSigned(field(input.json, 'signed')),
      signatureCount: signatures.length,
      ...(keyIds.length > 0 ? { keyIds } : {}),
    };
  },
};
