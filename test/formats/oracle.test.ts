import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/normalize.js';
import { CORPUS, corpusBytes, readManifest } from './corpus-support.js';

/**
 * Oracle tests: custody's verdict on every corpus file of a format agrees
 * with the official schema shipped in the corpus (read in place, never
 * copied), or the difference is listed here with its reason.
 */

type AddFormats = (ajv: Ajv | Ajv2020) => void;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

function readSchema(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(CORPUS, path), 'utf8')) as Record<string, unknown>;
}

/**
 * Draft-04 schemas (SARIF, OCI) for Ajv's draft-07 engine: the root `$schema` dropped,
 * and draft-04's `id` keyword (always a string; a property named "id" has a
 * schema object as its value) removed. Nothing else changes.
 */
function draft04(schema: Record<string, unknown>): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === 'id' && typeof v === 'string') continue;
      out[key] = strip(v);
    }
    return out;
  };
  const { $schema: _draft04, ...rest } = strip(schema) as Record<string, unknown>;
  return rest;
}

/**
 * RFC 3987 absolute IRI, syntactically: a scheme, a colon, no white space.
 * (ajv-formats-draft2019's `iri` also demands an IANA-registered scheme and so
 * rejects every purl `@id` — `pkg:` is not registered — which is not what the
 * OpenVEX schema means by `format: iri`.)
 */
const iri = (value: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(value);

const rows = readManifest();

function filesOf(formats: string[], extra: RegExp): string[] {
  return rows
    .map((r) => r.path)
    .filter((p) => !/\/schemas\//.test(p))
    .filter((p) => {
      if (extra.test(p)) return true;
      try {
        return formats.includes(normalize({ bytes: corpusBytes(p) }).format);
      } catch {
        return false;
      }
    });
}

interface Case {
  name: string;
  validator: () => ValidateFunction;
  files: () => string[];
  /** Files where custody and the official schema disagree, and why. */
  differences: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'SARIF 2.1.0 (sarif/schemas/sarif-schema-2.1.0.json)',
    validator: () => {
      const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
      addFormats(ajv);
      return ajv.compile(draft04(readSchema('sarif/schemas/sarif-schema-2.1.0.json')));
    },
    files: () => filesOf(['sarif'], /^sarif\//),
    differences: {},
  },
  {
    name: 'OpenVEX 0.2.0 (openvex/schemas/openvex_json_schema.json)',
    validator: () => {
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addFormat('iri', iri);
      return ajv.compile(readSchema('openvex/schemas/openvex_json_schema.json'));
    },
    files: () => filesOf(['openvex'], /openvex\/.*\.json$/),
    differences: {},
  },
  {
    name: 'OCI image manifest (oci/schemas/image-manifest-schema.json)',
    validator: () => ociValidator('oci/schemas/image-manifest-schema.json'),
    files: () => filesOf(['oci-manifest'], /^invalid\/oci\/(unknown-version|schema2)/).filter((p) => !/non-json/.test(p)),
    differences: {
      'cosign/containers-image/dir-img-cosign-pki-valid/manifest.json':
        'an empty layers array: the corpus schema says minItems 1, image-spec manifest.md says layers SHOULD have an entry (a SHOULD, not a MUST; image-spec#1058, #1016) and FROM-scratch images have none, so custody accepts it',
      'invalid/oci/schema2-invalid-media-type.json':
        "Docker schema 2 rules (config and layer media types) are not the OCI schema's: custody applies them to Docker manifests",
    },
  },
  {
    name: 'OCI image index (oci/schemas/image-index-schema.json)',
    validator: () => ociValidator('oci/schemas/image-index-schema.json'),
    files: () => filesOf(['oci-index'], /^$/),
    differences: {
      'oci/referrers/distribution-spec-referrers-response-example-1.repaired.json':
        "the corpus lacks defs-descriptor.json, so the oracle cannot check digests; custody rejects the example's illustrative 'sha256:a1a1a1...' digests",
    },
  },
];

/**
 * The corpus ships image-manifest-schema.json and image-index-schema.json but
 * not the files they $ref (content-descriptor.json, defs-descriptor.json,
 * defs.json). Those refs resolve to permissive placeholders: the oracle checks
 * the documents' own structure (schemaVersion, required members, array
 * shapes); descriptor-level rules are covered by custody's fixtures.
 */
function ociValidator(path: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  const open = { definitions: { mediaType: {}, digest: {}, urls: {}, annotations: {}, int64: {}, mapStringString: {} } };
  ajv.addSchema({ $id: 'https://opencontainers.org/schema/image/defs-descriptor.json', ...open });
  ajv.addSchema({ $id: 'https://opencontainers.org/schema/image/defs.json', ...open });
  ajv.addSchema({ $id: 'https://opencontainers.org/schema/image/content-descriptor.json', type: 'object' });
  const schema = draft04(readSchema(path));
  return ajv.compile({ ...schema, $id: 'https://opencontainers.org/schema/image/' + path.split('/').pop() });
}

describe('oracle: official schemas from the corpus', () => {
  for (const c of cases) {
    describe(c.name, () => {
      const validate = c.validator();
      const files = c.files();
      it('covers corpus files', () => {
        expect(files.length).toBeGreaterThan(0);
      });
      for (const file of files) {
        it(file, () => {
          const text = readFileSync(resolve(CORPUS, file), 'utf8');
          let document: unknown;
          try {
            document = JSON.parse(text);
          } catch {
            return; // Not JSON: no schema applies (the corpus test covers it).
          }
          const official = validate(document) === true;
          const ours = normalize({ bytes: Buffer.from(text) }).valid;
          const reason = c.differences[file];
          if (reason) {
            expect(ours, `listed as a difference (${reason}) but custody and the oracle agree`).not.toBe(official);
          } else {
            expect(ours, `official schema says ${official ? 'valid' : `invalid: ${JSON.stringify(validate.errors?.slice(0, 3))}`}`).toBe(official);
          }
        });
      }
    });
  }
});
