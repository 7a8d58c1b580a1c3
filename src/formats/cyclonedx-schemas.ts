import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import { duplicateItems } from './lib/canonical.js';

/**
 * The official CycloneDX JSON schemas, as shipped by @cyclonedx/cyclonedx-library
 * (its `res/schema/`), compiled once per spec version with the same Ajv setup
 * the library's own (async) JsonValidator uses: draft-07, ajv-formats,
 * ajv-formats-draft2019's idn-email, `iri-reference` accepted, no remote
 * schemas. Our Format.validate is synchronous, hence this loader.
 *
 * One change of mechanism, not of meaning: Ajv checks `uniqueItems` on arrays
 * of objects by comparing every pair, which takes minutes on a BOM with
 * 100 000 components (and is a denial of service on hostile input). The
 * schemas' `uniqueItems: true` is checked instead by a keyword that hashes a
 * canonical form of each item: the same rule, in linear time.
 */

const require = createRequire(import.meta.url);
const SCHEMA_DIR = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default: { default?: AddFormats } & AddFormats }).default.default ??
  (addFormatsModule as unknown as { default: AddFormats }).default) as AddFormats;
const addDraft2019Formats = require('ajv-formats-draft2019') as (ajv: Ajv, options?: { formats?: string[] }) => Ajv;

/** Spec versions with a JSON schema; 1.0 and 1.1 were XML-only. */
export const CYCLONEDX_JSON_VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7'] as const;

/** The sub-schemas the BOM schemas `$ref`, under the URIs they are referenced by. */
const SUB_SCHEMAS: Record<string, string> = {
  'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': 'spdx.SNAPSHOT.schema.json',
  'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': 'jsf-0.82.SNAPSHOT.schema.json',
  'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json': 'cryptography-defs.SNAPSHOT.schema.json',
};

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

const UNIQUE = 'x-custody-unique-items';
const STRING_ENUM = 'x-custody-string-enum';

/**
 * Ajv checks an `enum` of 200 values or more by calling a deep-equality
 * function on each value in turn: the SPDX licence list (700 identifiers) costs
 * hundreds of calls per licence in a BOM. Such enums of strings are checked
 * instead by a keyword that looks the value up in a set: the same rule, the
 * same error (keyword enum, the allowed values), in constant time.
 */
const LARGE_ENUM = 32;

function isLargeStringEnum(value: unknown): value is string[] {
  return Array.isArray(value) && value.length >= LARGE_ENUM && value.every((x) => typeof x === 'string');
}

const enumSets = new WeakMap<readonly string[], Set<string>>();

const stringEnum = function check(schema: readonly string[], data: unknown): boolean {
  let allowed = enumSets.get(schema);
  if (!allowed) enumSets.set(schema, (allowed = new Set(schema)));
  if (typeof data === 'string' && allowed.has(data)) return true;
  stringEnum.errors = [{ keyword: 'enum', message: 'must be equal to one of the allowed values', params: { allowedValues: schema } }];
  return false;
} as ((schema: readonly string[], data: unknown) => boolean) & { errors?: Array<{ keyword: string; message: string; params: Record<string, unknown> }> };

/**
 * The hash-content pattern of the CycloneDX schemas, `^([a-fA-F0-9]{32}|{40}|{64}|{96}|{128})$`,
 * rewritten as nested optional groups that accept exactly the same strings
 * (32, 32+8, 40+24, 64+32, 96+32 hex digits) without retrying each alternative.
 */
const HASH_PATTERN = '^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$';
const HASH_PATTERN_LINEAR = '^[a-fA-F0-9]{32}(?:[a-fA-F0-9]{8}(?:[a-fA-F0-9]{24}(?:[a-fA-F0-9]{32}(?:[a-fA-F0-9]{32})?)?)?)?$';

/** The schema with every `uniqueItems: true` checked by the linear-time keyword, and the hash pattern made linear. */
function readSchema(file: string): Record<string, unknown> {
  const swap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(swap);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === 'uniqueItems' && v === true) out[UNIQUE] = true;
      else if (key === 'enum' && isLargeStringEnum(v)) out[STRING_ENUM] = v;
      else if (key === 'pattern' && v === HASH_PATTERN) out[key] = HASH_PATTERN_LINEAR;
      else out[key] = swap(v);
    }
    return out;
  };
  return swap(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8'))) as Record<string, unknown>;
}

interface KeywordValidate {
  (schema: boolean, data: unknown[]): boolean;
  errors?: Array<{ keyword: string; message: string; params: Record<string, unknown> }>;
}

/** The errors for duplicate items (the first ten), as Ajv's own uniqueItems words them. */
export function duplicateErrors(duplicates: readonly [number, number][], instancePath = '') {
  return duplicates.slice(0, 10).map(([i, j]) => ({
    instancePath,
    schemaPath: '',
    keyword: 'uniqueItems',
    message: `must NOT have duplicate items (items ## ${i} and ${j} are identical)`,
    params: { i, j },
  }));
}

const uniqueItems: KeywordValidate = function check(schema, data) {
  if (!schema || !Array.isArray(data)) return true;
  const duplicates = duplicateItems(data);
  if (duplicates.length === 0) return true;
  uniqueItems.errors = duplicateErrors(duplicates);
  return false;
};

function instance(): Ajv {
  if (ajv) return ajv;
  const schemas: Record<string, Record<string, unknown>> = {};
  for (const [uri, file] of Object.entries(SUB_SCHEMAS)) schemas[uri] = readSchema(file);
  // No defaults, no coercion, no removal: validation never alters the BOM.
  ajv = new Ajv({
    schemas,
    allErrors: true,
    strict: false,
    strictSchema: false,
    useDefaults: false,
    coerceTypes: false,
    removeAdditional: false,
    addUsedSchema: false,
    loadSchema: (uri: string) => Promise.reject(new Error(`remote schemas are disabled: ${uri}`)),
  });
  addFormats(ajv);
  addDraft2019Formats(ajv, { formats: ['idn-email'] });
  ajv.addFormat('iri-reference', true);
  ajv.addKeyword({ keyword: UNIQUE, type: 'array', schemaType: 'boolean', errors: true, validate: uniqueItems });
  ajv.addKeyword({ keyword: STRING_ENUM, schemaType: 'array', errors: true, validate: stringEnum });
  return ajv;
}

/** The compiled validator for a CycloneDX spec version, or undefined when no JSON schema exists for it. */
export function cyclonedxValidator(version: string): ValidateFunction | undefined {
  if (!(CYCLONEDX_JSON_VERSIONS as readonly string[]).includes(version)) return undefined;
  let validate = validators.get(version);
  if (!validate) {
    // Registered under its $id, so that the parts for single array elements resolve in the same compiled schema.
    const schema = readSchema(`bom-${version}.SNAPSHOT.schema.json`);
    const id = schema.$id as string;
    instance().addSchema(schema);
    validate = instance().getSchema(id) as ValidateFunction;
    validators.set(version, validate);
  }
  return validate;
}

/** The BOM schema's rules for one element of a top-level array, and whether the array's items must be unique. */
export function cyclonedxMemberRules(version: string, member: string): { validate: ValidateFunction; unique: boolean } | undefined {
  const root = cyclonedxValidator(version);
  const schema = root?.schema as { $id?: string; properties?: Record<string, Record<string, unknown>> } | undefined;
  const property = schema?.properties?.[member];
  if (!root || !schema?.$id || !property || property.items === undefined) return undefined;
  const validate = instance().getSchema(`${schema.$id}#/properties/${member}/items`) as ValidateFunction | undefined;
  return validate ? { validate, unique: property[UNIQUE] === true } : undefined;
}
