import type { ErrorObject } from 'ajv';
import { schemaValidator, toProblems } from '../../schemas.js';
import type { FormatProblem, FormatProblemCode, SchemaProblemCode } from '../../types.js';
import { escapePointer } from './json.js';

/**
 * Problem codes for schema violations: `schema-<keyword>` (schema-required,
 * schema-type, schema-enum, schema-const, schema-pattern, schema-format,
 * schema-min-items, ...), so an auditor and a fixture can tell which rule broke.
 */
export function schemaCode(keyword: string): SchemaProblemCode {
  return `schema-${keyword.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;
}

/** Ajv errors → problems, one code per keyword, every error kept (deduplicated). */
export function ajvProblems(errors: readonly ErrorObject[] | null | undefined, prefix = ''): FormatProblem[] {
  const problems: FormatProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    // Branch failures of oneOf/anyOf/if are reported by their own errors too.
    if (error.keyword === 'if') continue;
    for (const problem of toProblems([error], schemaCode(error.keyword))) {
      const path = prefix + problem.path;
      const message = prefix ? problem.message.replace(/^\S+/, path || '/') : problem.message;
      const key = `${problem.code}\u0000${path}\u0000${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ code: problem.code, path, message });
    }
  }
  return problems;
}

/** Validate against `schemas/<relativePath>`; `prefix` is prepended to every path (a nested document). */
export function checkSchema(relativePath: string, value: unknown, prefix = ''): FormatProblem[] {
  const validate = schemaValidator(relativePath);
  if (validate(value)) return [];
  return ajvProblems(validate.errors, prefix);
}

export function problem(code: FormatProblemCode, path: string, message: string): FormatProblem {
  return { code, path, message: message.startsWith(path || '/') ? message : `${path || '/'} ${message}` };
}

export function childPath(parent: string, ...segments: (string | number)[]): string {
  return parent + segments.map((s) => '/' + escapePointer(s)).join('');
}

/**
 * A known format in a version custody has no rules for: the document is
 * still that format (an auditor sees "SPDX 9.9", not "something unknown"),
 * and it is not judged against another version's schema. One problem,
 * `unsupported-version`, at the field that names the version.
 */
export function unsupportedVersion(path: string, declared: unknown, format: string, known: readonly string[]): FormatProblem {
  return problem('unsupported-version', path, `${path} ${JSON.stringify(declared)}: custody knows ${format} ${known.join(', ')}, not this version`);
}
