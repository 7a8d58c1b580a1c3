import type { FormatProblem } from '../types.js';
import { fromAlgorithmHex } from './lib/digest.js';
import { arrayField, asObject, field, isObject, objectField, stringField } from './lib/json.js';
import { checkSchema, childPath, unsupportedVersion } from './lib/problems.js';
import { predicateHandler } from './in-toto-predicates.js';
import { applyDeviationRules } from './deviations.js';

/**
 * in-toto Statements (attestation spec v0.1 and v1), bare or decoded from a
 * DSSE payload: the statement checks, its subjects and its summary are
 * shared by in-toto, dsse, sigstore-bundle and cosign attestation layers.
 */

export const STATEMENT_TYPES: Record<string, string> = {
  'https://in-toto.io/Statement/v0.1': 'v0.1',
  'https://in-toto.io/Statement/v1': 'v1',
};

/** Payload types that announce an in-toto statement inside a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPES = ['application/vnd.in-toto+json'];

/** Anything whose `_type` claims to be an in-toto Statement, even an unknown version. */
export function looksLikeStatement(json: unknown): boolean {
  const type = stringField(json, '_type');
  return type !== undefined && type.startsWith('https://in-toto.io/Statement/');
}

export function statementVersion(json: unknown): string | undefined {
  const type = stringField(json, '_type');
  return type ? STATEMENT_TYPES[type] : undefined;
}

/**
 * Statement schema plus the predicate's own schema when the predicate type
 * is known; a known producer's quirk comes back as a deviation (src/formats/deviations.ts).
 */
export function validateStatement(statement: unknown, prefix = ''): FormatProblem[] {
  const type = stringField(statement, '_type');
  if (type !== undefined && looksLikeStatement(statement) && STATEMENT_TYPES[type] === undefined) {
    return [unsupportedVersion(childPath(prefix, '_type'), type, 'in-toto Statement', Object.keys(STATEMENT_TYPES))];
  }
  const problems = checkSchema('formats/in-toto-statement.schema.json', statement, prefix);
  const predicateType = stringField(statement, 'predicateType');
  const predicate = field(statement, 'predicate');
  if (predicateType && isObject(predicate)) {
    const handler = predicateHandler(predicateType);
    if (handler?.validate) problems.push(...handler.validate(predicate, childPath(prefix, 'predicate')));
  }
  return applyDeviationRules(statement, prefix, problems);
}

/** Subject digests in OCI form (sha256/sha512; other algorithms cannot name an image). */
export function statementSubjects(statement: unknown): string[] {
  const subjects: string[] = [];
  for (const subject of arrayField(statement, 'subject')) {
    const digest = objectField(subject, 'digest');
    if (!digest) continue;
    for (const alg of ['sha256', 'sha512']) {
      const value = fromAlgorithmHex(alg, Object.prototype.hasOwnProperty.call(digest, alg) ? digest[alg] : undefined);
      if (value) subjects.push(value);
    }
  }
  return subjects;
}

/** At most this many subjects are listed in a summary; `subjectCount` always says how many there are. */
export const MAX_LISTED_SUBJECTS = 50;

/** Attestation summary: statement type, predicate type and kind, builder id (SLSA), subjects. */
export function summarizeStatement(statement: unknown): Record<string, unknown> {
  const predicateType = stringField(statement, 'predicateType') ?? null;
  const subjects = arrayField(statement, 'subject');
  const listed = subjects.slice(0, MAX_LISTED_SUBJECTS).map((s) => {
    const entry: Record<string, unknown> = {};
    const name = stringField(s, 'name');
    if (name !== undefined) entry.name = name;
    const digest = asObject(field(s, 'digest'));
    if (digest) entry.digest = { ...digest };
    return entry;
  });
  const summary: Record<string, unknown> = {
    statementType: stringField(statement, '_type') ?? null,
    predicateType,
    subjectCount: subjects.length,
    subjects: listed,
  };
  const handler = predicateType ? predicateHandler(predicateType) : undefined;
  summary.predicateKind = handler?.name ?? 'unknown';
  const predicate = field(statement, 'predicate');
  if (handler?.summarize && isObject(predicate)) Object.assign(summary, handler.summarize(predicate));
  return summary;
}
