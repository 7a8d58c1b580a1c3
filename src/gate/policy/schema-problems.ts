import type { ErrorObject } from 'ajv';
import { schemaValidator, toProblems } from '../../schemas.js';
import type { Problem } from '../../types.js';

export const POLICY_SCHEMA = 'policy.schema.json';

/**
 * Sentences for the schema's combinators, whose raw Ajv errors ("must match
 * a schema in anyOf" plus one error per branch) say nothing a person can act
 * on. Keyed by the end of the failing keyword's schema path.
 */
const COMBINATORS: [suffix: string, message: (path: string) => string][] = [
  ['/keylessIdentity/anyOf', (p) => `${p} needs identity or identityRegexp`],
  ['/keylessIdentity/allOf/0/not', (p) => `${p}: identity and identityRegexp are mutually exclusive`],
  ['/keylessIdentity/allOf/1/not', (p) => `${p}: issuer and issuerRegexp are mutually exclusive`],
  ['/signatureRule/anyOf', (p) => `${p} needs at least one signer: keys or keyless`],
  ['/imageRule/anyOf', (p) => `${p} needs nonRoot or requiredLabels`],
];

/** Validate against schemas/policy.schema.json: every problem, each with a JSON Pointer and a sentence. */
export function schemaProblems(value: unknown): Problem[] {
  const validate = schemaValidator(POLICY_SCHEMA);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const combinators = errors.filter((e) => COMBINATORS.some(([suffix]) => e.schemaPath.endsWith(suffix)));
  // Branch failures of a combinator are explained by the combinator's own sentence.
  const inBranch = (e: ErrorObject) => combinators.some((c) => c !== e && e.instancePath.startsWith(c.instancePath) && e.schemaPath.startsWith(`${c.schemaPath}/`));
  const problems: Problem[] = [];
  for (const error of errors) {
    if (inBranch(error)) continue;
    const combinator = COMBINATORS.find(([suffix]) => error.schemaPath.endsWith(suffix));
    if (combinator) problems.push({ code: `schema-${error.keyword}`, path: error.instancePath, message: combinator[1](error.instancePath || '/') });
    else problems.push(...toProblems([error], `schema-${error.keyword}`));
  }
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}
