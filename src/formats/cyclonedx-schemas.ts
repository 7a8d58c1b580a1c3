import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';

/**
 * The official CycloneDX JSON schemas, as shipped by @cyclonedx/cyclonedx-library
 * (its `res/schema/`), compiled once per spec version with the same Ajv setup
 * the library's own (async) JsonValidator uses: draft-07, ajv-formats,
 * ajv-formats-draft2019's idn-email, `iri-reference` accepted, no remote
 * schemas. Our Format.validate is synchronous, hence this loader.
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

function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
}

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
  return ajv;
}

/** The compiled validator for a CycloneDX spec version, or undefined when no JSON schema exists for it. */
export function cyclonedxValidator(version: string): ValidateFunction | undefined {
  if (!(CYCLONEDX_JSON_VERSIONS as readonly string[]).includes(version)) return undefined;
  let validate = validators.get(version);
  if (!validate) {
    validate = instance().compile(readSchema(`bom-${version}.SNAPSHOT.schema.json`));
    validators.set(version, validate);
  }
  return validate;
}
