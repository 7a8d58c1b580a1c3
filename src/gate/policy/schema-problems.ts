import type { ErrorObject } from 'ajv';
import { schemaValidator, toProblems } from '../../schemas.js';
import type { PolicyProblem } from './types.js';

export const POLICY_SCHEMA = 'policy.schema.json';

/**
 * Sentences for the schema's combinators, whose raw Ajv errors ("must match
 * a schema in anyOf" plus one error per branch) say nothing a person can act
 * on. Ajv reports schema paths relative to the `$ref`'d definition, so a
 * combinator is known by where it failed in the policy and which keyword.
 */
const COMBINATORS: { at: RegExp; schemaPath: string; message: (path: string) => string }[] = [
  { at: /\/keyless\/\d+$/, schemaPath: '#/anyOf', message: (p) => `${p} needs identity or identityRegexp` },
  { at: /\/keyless\/\d+$/, schemaPath: '#/allOf/0/not', message: (p) => `${p}: identity and identityRegexp are mutually exclusive` },
  { at: /\/keyless\/\d+$/, schemaPath: '#/allOf/1/not', message: (p) => `${p}: issuer and issuerRegexp are mutually exclusive` },
  { at: /^\/rules\/signature$/, schemaPath: '#/anyOf', message: (p) => `${p} needs at least one signer: keys or keyless` },
  { at: /^\/rules\/image$/, schemaPath: '#/anyOf', message: (p) => `${p} needs nonRoot or requiredLabels` },
];

const combinatorOf = (e: ErrorObject) => COMBINATORS.find((c) => c.schemaPath === e.schemaPath && c.at.test(e.instancePath));

/** Validate against schemas/policy.schema.json: every problem, each with a JSON Pointer and a sentence. */
export function schemaProblems(value: unknown): PolicyProblem[] {
  const validate = schemaValidator(POLICY_SCHEMA);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const combinators = errors.filter((e) => combinatorOf(e) !== undefined);
  // Branch failures of a combinator are explained by the combinator's own sentence.
  const inBranch = (e: ErrorObject) =>
    combinators.some((c) => c !== e && e.instancePath.startsWith(c.instancePath) && e.schemaPath.startsWith(`${c.schemaPath}/`));
  const problems: PolicyProblem[] = [];
  for (const error of errors) {
    if (inBranch(error)) continue;
    const combinator = combinatorOf(error);
    if (combinator) problems.push({ code: `schema-${error.keyword}`, path: error.instancePath, message: combinator.message(error.instancePath || '/') });
    else problems.push(...toProblems([error], `schema-${error.keyword}`));
  }
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}
