import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSchemaAjv, SCHEMAS_DIR } from '../src/schemas.js';

/**
 * custody compiles its schemas without checking them against the
 * meta-schema at run time (src/schemas.ts): this is where they are checked,
 * every file under schemas/, with the same Ajv options plus the check.
 */
function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? schemaFiles(join(dir, entry.name)) : entry.name.endsWith('.schema.json') ? [join(dir, entry.name)] : [],
  );
}

const FILES = schemaFiles(SCHEMAS_DIR);

describe('every schema custody ships is a valid JSON Schema 2020-12 document', () => {
  it('finds the schemas (the day, image and policy schemas and the format schemas)', () => {
    const names = FILES.map((f) => relative(SCHEMAS_DIR, f));
    expect(names).toEqual(
      expect.arrayContaining(['day-manifest.schema.json', 'image-manifest.schema.json', 'policy.schema.json', 'formats/spdx-2.schema.json']),
    );
    expect(names.length).toBeGreaterThan(20);
  });

  it.each(FILES.map((f) => [relative(SCHEMAS_DIR, f), f]))('%s passes the meta-schema and compiles in strict mode', (_name, file) => {
    const ajv = newSchemaAjv({ validateSchema: true });
    const schema = JSON.parse(readFileSync(file, 'utf8')) as object;
    const valid = ajv.validateSchema(schema);
    expect(ajv.errors ?? [], ajv.errorsText()).toEqual([]);
    expect(valid).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('the check can fail: a keyword of the wrong type is refused by the meta-schema check', () => {
    const broken = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', minProperties: 'two' };
    const checking = newSchemaAjv({ validateSchema: true });
    expect(checking.validateSchema(broken)).toBe(false);
    expect(checking.errorsText()).toMatch(/minProperties/);
  });
});
