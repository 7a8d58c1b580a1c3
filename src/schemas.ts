import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as addFormatsModule from 'ajv-formats';
import type { Problem, SchemaProblemCode } from './types.js';

/** The repository's `schemas/` folder, found relative to this module (src/ or dist/src/). */
export const SCHEMAS_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../schemas/' : '../schemas/', import.meta.url));

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default: { default?: AddFormats } & AddFormats }).default.default ??
  (addFormatsModule as unknown as { default: AddFormats }).default) as AddFormats;

/**
 * How custody's own schemas are compiled. No defaults, no coercion, no
 * removal: validation never alters a document. The schemas ship with
 * custody and are themselves checked against the 2020-12 meta-schema by the
 * tests (test/schemas-meta.test.ts), so a run does not compile the
 * meta-schema again (a sixth of a short command's start).
 */
export const AJV_OPTIONS = {
  allErrors: true,
  strict: true,
  useDefaults: false,
  coerceTypes: false,
  removeAdditional: false,
  validateFormats: true,
  validateSchema: false,
} as const;

/** The Ajv instance of custody's own schemas (schemas/): each compiled once, cached by file. */
export function newSchemaAjv(options: { validateSchema?: boolean } = {}): Ajv2020 {
  const instance = new Ajv2020({ ...AJV_OPTIONS, ...options });
  addFormats(instance);
  return instance;
}

const ajv = newSchemaAjv();

const cache = new Map<string, ValidateFunction>();

/** Compile (once) the schema at `schemas/<relativePath>`. */
export function schemaValidator(relativePath: string): ValidateFunction {
  let validate = cache.get(relativePath);
  if (!validate) {
    const schema = JSON.parse(readFileSync(SCHEMAS_DIR + relativePath, 'utf8')) as { $id?: string };
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      // Leave no half-registered schema behind: the next call must report the real error again.
      if (schema.$id) ajv.removeSchema(schema.$id);
      throw err;
    }
    cache.set(relativePath, validate);
  }
  return validate;
}

/**
 * A validator for one part of a schema, by JSON Pointer (`/properties/packages/items`):
 * used to check a large document's array elements one at a time, with the
 * very rules the whole schema applies to them.
 */
export function schemaPartValidator(relativePath: string, pointer: string): ValidateFunction {
  const root = schemaValidator(relativePath);
  const id = (root.schema as { $id?: string }).$id;
  const part = id ? ajv.getSchema(`${id}#${pointer}`) : undefined;
  if (!part) throw new Error(`schemas/${relativePath} has no part ${pointer}`);
  return part as ValidateFunction;
}

/** Validate `value` against `schemas/<relativePath>`, every problem at once. */
export function validateAgainst(relativePath: string, value: unknown): Problem<SchemaProblemCode>[] {
  const validate = schemaValidator(relativePath);
  if (validate(value)) return [];
  return toProblems(validate.errors ?? []);
}

/** Ajv errors as problems whose path names the offending field itself. */
export function toProblems<C extends SchemaProblemCode = 'schema'>(errors: readonly ErrorObject[], code: C = 'schema' as C): Problem<C>[] {
  const seen = new Set<string>();
  const problems: Problem<C>[] = [];
  for (const error of errors) {
    let path = error.instancePath;
    const params = error.params as Record<string, unknown>;
    let message: string;
    if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
      path += '/' + escapePointer(params.missingProperty);
      message = `${path} is required`;
    } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path += '/' + escapePointer(params.additionalProperty);
      message = `${path} is not allowed here`;
    } else {
      const allowed = error.keyword === 'enum' && Array.isArray(params.allowedValues) ? ` (${params.allowedValues.join(', ')})` : '';
      message = `${path || '/'} ${error.message ?? 'is invalid'}${allowed}`;
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ code, path, message });
  }
  return problems;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
