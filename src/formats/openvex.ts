import type { Detection, DetectInput, Format } from './format.js';
import { registerPredicateChecks } from './in-toto-predicates.js';
import { imageDigestFromPurl } from './lib/digest.js';
import { arrayField, field, objectField, optional, stringField } from './lib/json.js';
import { duplicateItems } from './lib/canonical.js';
import { checkSchema, childPath, problem } from './lib/problems.js';
import type { FormatProblem } from '../types.js';

const MEDIA_TYPE = 'application/vnd.openvex+json';
const CONTEXT = /^https:\/\/openvex\.dev\/ns(\/v([0-9.]+))?$/;

export const OPENVEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;

function validateOpenvex(doc: unknown, prefix = ''): FormatProblem[] {
  const problems = checkSchema('formats/openvex.schema.json', doc, prefix);
  // The spec's uniqueItems, checked by hashing (Ajv compares every pair: quadratic on large documents).
  const unique = (items: readonly unknown[], path: string): void => {
    for (const [first, again] of duplicateItems(items).slice(0, 10)) {
      problems.push(problem('schema-unique-items', path, `${path} must NOT have duplicate items (items ## ${first} and ${again} are identical)`));
    }
  };
  const statements = arrayField(doc, 'statements');
  unique(statements, childPath(prefix, 'statements'));
  statements.forEach((statement, i) => {
    const products = arrayField(statement, 'products');
    unique(products, childPath(prefix, 'statements', i, 'products'));
    unique(arrayField(objectField(statement, 'vulnerability'), 'aliases'), childPath(prefix, 'statements', i, 'vulnerability', 'aliases'));
    products.forEach((product, j) => unique(arrayField(product, 'subcomponents'), childPath(prefix, 'statements', i, 'products', j, 'subcomponents')));
  });
  return problems;
}

/** VEX summary: statement count by status (the four OpenVEX statuses, always present). */
function summarizeOpenvex(doc: unknown): Record<string, unknown> {
  const statements = arrayField(doc, 'statements');
  const statusCounts: Record<string, number> = {};
  for (const s of OPENVEX_STATUSES) statusCounts[s] = 0;
  for (const statement of statements) {
    const status = stringField(statement, 'status') ?? 'unspecified';
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
  }
  return {
    specVersion: stringField(doc, '@context') ?? null,
    documentId: stringField(doc, '@id') ?? null,
    author: stringField(doc, 'author') ?? null,
    statementCount: statements.length,
    statusCounts,
    ...optional('timestamp', stringField(doc, 'timestamp')),
    ...optional('tooling', stringField(doc, 'tooling')),
  };
}

/** Products named by `pkg:oci` / `pkg:docker` purls pinned to a digest (as @id or identifiers.purl). */
function openvexSubjects(doc: unknown): string[] {
  const subjects: string[] = [];
  for (const statement of arrayField(doc, 'statements')) {
    for (const product of arrayField(statement, 'products')) {
      const candidates = [field(product, '@id'), field(objectField(product, 'identifiers'), 'purl'), product];
      for (const c of candidates) {
        const digest = imageDigestFromPurl(c);
        if (digest) subjects.push(digest);
      }
    }
  }
  return subjects;
}

/** OpenVEX documents (v0.0.1 recognised and flagged; v0.2.0 checked against the spec). */
export const openvex: Format = {
  id: 'openvex',
  kind: 'vex',
  defaultMediaType: MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    const context = stringField(input.json, '@context');
    const match = context ? CONTEXT.exec(context) : null;
    const version = match ? (match[2] ?? '0.0.1') : undefined;
    const withVersion = (d: Detection): Detection => (version ? { ...d, version } : d);
    if ((input.mediaType ?? '').split(';')[0]!.trim().toLowerCase() === MEDIA_TYPE) {
      return withVersion({ by: 'media-type', reason: `media type ${MEDIA_TYPE}` });
    }
    if (match) return withVersion({ by: 'content', reason: `marker @context=${context}` });
    return undefined;
  },
  validate: (input) => validateOpenvex(input.json),
  subjects: (input) => openvexSubjects(input.json),
  summarize: (input) => summarizeOpenvex(input.json),
};

// OpenVEX as an in-toto predicate (cosign attest --type openvex) is checked with the same rules.
registerPredicateChecks('openvex', {
  validate: (predicate, prefix) => validateOpenvex(predicate, prefix),
  summarize: (predicate) => ({ vex: summarizeOpenvex(predicate) }),
});
