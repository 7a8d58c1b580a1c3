import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SCHEMAS_DIR } from '../../src/schemas.js';
import { spdx } from '../../src/formats/spdx.js';
import { cyclonedx } from '../../src/formats/cyclonedx.js';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, normalize, type NormalizeInput } from '../../src/normalize/normalize.js';
import { normalizeSplit } from '../../src/normalize/split.js';
import { FORMATS } from '../../src/formats/index.js';
import { scanJson } from '../../src/lib/json-scan.js';
import { DEFAULT_LIMITS } from '../../src/lib/limits.js';
import { FIXTURES_DIR } from '../../scripts/make-format-fixtures.mjs';
import { corpusBytes, readManifest } from '../formats/corpus-support.js';
import { expectationFor } from '../formats/corpus-table.js';
import { SPDX_HEAD, spdxPackage as pkg } from '../helpers/spdx-document.js';

/** Judged in slices (every JSON document, whatever its size) and parsed whole: the facts must be identical. */
function bothWays(input: NormalizeInput, imageDigests?: string[]) {
  const context = imageDigests ? { imageDigests } : {};
  return {
    whole: normalize(input, { ...context, sliceAbove: Number.MAX_SAFE_INTEGER }),
    sliced: normalize(input, { ...context, sliceAbove: 0 }),
  };
}

const text = (value: unknown) => Buffer.from(JSON.stringify(value, null, 1));

describe('judging a large document in slices', () => {
  let sliceCount = 0;
  describe('gives the same facts as parsing it whole, for every corpus file', () => {
    afterAll(() => expect(sliceCount).toBeGreaterThan(30));
    for (const row of readManifest()) {
      const expectation = expectationFor(row.path, row.description);
      it(row.path, () => {
        const bytes = corpusBytes(row.path);
        const input = expectation && 'mediaType' in expectation && expectation.mediaType ? { bytes, mediaType: expectation.mediaType } : { bytes };
        const { whole, sliced } = bothWays(input, expectation && 'imageDigests' in expectation ? expectation.imageDigests : undefined);
        expect(sliced).toEqual(whole);
        // And the slices were really used wherever a streaming format recognised well-formed JSON.
        let json: unknown;
        try {
          json = JSON.parse(Buffer.from(bytes).toString('utf8'));
        } catch {
          json = undefined;
        }
        const streams =
          json !== null &&
          typeof json === 'object' &&
          !Array.isArray(json) &&
          detectFormat({ mediaType: input.mediaType ?? '', json }, FORMATS)?.format.streaming;
        if (streams && !whole.problems.some((p) => p.code.startsWith('json-'))) {
          expect(normalizeSplit(bytes, DEFAULT_LIMITS, (i) => detectFormat(i, FORMATS), { mediaType: input.mediaType ?? '' }).outcome).toBeDefined();
          sliceCount++;
        }
      });
    }
  });

  it('gives the same facts as parsing it whole, for every format fixture', () => {
    let count = 0;
    for (const dir of readdirSync(FIXTURES_DIR)) {
      const expected = JSON.parse(readFileSync(join(FIXTURES_DIR, dir, 'expected.json'), 'utf8')) as Record<string, { mediaType?: string }>;
      for (const [name, e] of Object.entries(expected)) {
        const bytes = readFileSync(join(FIXTURES_DIR, dir, name));
        const { whole, sliced } = bothWays(e.mediaType ? { bytes, mediaType: e.mediaType } : { bytes });
        expect(sliced, `${dir}/${name}`).toEqual(whole);
        count++;
      }
    }
    expect(count).toBeGreaterThan(150);
  });

  it('reads many slices of elements, with problems at their true indexes and duplicates found across slices', () => {
    const packages: Record<string, unknown>[] = Array.from({ length: 12_000 }, (_, i) => pkg(i, { description: 'x'.repeat(200) }));
    packages[9_000] = { ...packages[9_000], name: 7 };
    packages[11_999] = { ...packages[11_999], SPDXID: 'SPDXRef-P3' };
    const doc = {
      ...SPDX_HEAD,
      packages,
      relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-P1' }],
    };
    const bytes = text(doc);
    expect(bytes.length).toBeGreaterThan(3 << 20); // several slices of 1 MiB
    const { whole, sliced } = bothWays({ bytes });
    expect(sliced).toEqual(whole);
    expect(sliced.summary.componentCount).toBe(12_000);
    expect(normalizeSplit(bytes, DEFAULT_LIMITS, (i) => detectFormat(i, FORMATS), { mediaType: '' }).outcome?.result.summary.componentCount).toBe(12_000);
    expect(sliced.problems.map((p) => `${p.code} ${p.path}`)).toEqual(['schema-type /packages/9000/name', 'spdx-duplicate-id /packages/11999/SPDXID']);
  });

  it('finds equal CycloneDX components in different slices (uniqueItems across the whole array)', () => {
    const components = Array.from({ length: 9_000 }, (_, i) => ({ type: 'library', name: `c${i}`, version: '1.0.0', description: 'y'.repeat(200) }));
    components[8_500] = { ...components[10]! };
    const bytes = text({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components });
    const { whole, sliced } = bothWays({ bytes });
    expect(sliced).toEqual(whole);
    expect(sliced.problems.map((p) => `${p.code} ${p.path}`)).toEqual(['schema-unique-items /components']);
    expect(sliced.problems[0]!.message).toContain('items ## 10 and 8500 are identical');
  });

  for (const version of ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']) {
    it(`CycloneDX ${version}: an invalid component deep in the array is found in slices as in the whole`, () => {
      const components = Array.from({ length: 3_000 }, (_, i) => ({ type: 'library', name: `c${i}`, version: '1.0.0', description: 'z'.repeat(100) }));
      components[2_500] = { ...components[2_500]!, type: 'not-a-type' };
      const bytes = text({ bomFormat: 'CycloneDX', specVersion: version, version: 1, components });
      const { whole, sliced } = bothWays({ bytes });
      expect(sliced).toEqual(whole);
      expect(sliced.problems.map((p) => p.path)).toContain('/components/2500/type');
    });
  }

  it('a key repeated at the top level: the last value counts, as JSON.parse has it', () => {
    const bytes = Buffer.from(
      JSON.stringify(SPDX_HEAD).slice(0, -1) + `,"packages":[${JSON.stringify(pkg(1))}],"packages":[${JSON.stringify(pkg(2))},${JSON.stringify(pkg(3))}]}`,
    );
    const { whole, sliced } = bothWays({ bytes });
    expect(sliced).toEqual(whole);
    expect(sliced.summary.componentCount).toBe(2);
  });

  it('strings that look like structure, escapes and unicode keep their meaning', () => {
    const tricky = ['],"packages":[{', '\\"}],[{"', '"', '\\', 'ünïcödé ✓ 😀', '},{"SPDXID":"SPDXRef-X"}'];
    const packages = tricky.map((s, i) => pkg(i, { comment: s, summary: `${s}${s}` }));
    const bytes = text({ ...SPDX_HEAD, comment: tricky.join(''), packages });
    const { whole, sliced } = bothWays({ bytes });
    expect(sliced).toEqual(whole);
    expect(sliced.valid).toBe(true);
    expect(sliced.summary.componentCount).toBe(tricky.length);
  });

  for (const [label, body] of [
    ['a missing comma between elements', `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-A"} {"SPDXID":"SPDXRef-B"}]}`],
    ['an empty element', `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-A"},,{"SPDXID":"SPDXRef-B"}]}`],
    ['an unterminated array', `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-A"}`],
    ['trailing bytes after the document', `{"spdxVersion":"SPDX-2.3","packages":[]} x`],
    ['a closing brace for a bracket', `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-A"}}`],
  ] as const) {
    it(`broken JSON (${label}) is reported exactly as when parsed whole`, () => {
      const { whole, sliced } = bothWays({ bytes: Buffer.from(body), mediaType: 'application/spdx+json' });
      expect(sliced).toEqual(whole);
      expect(sliced.valid).toBe(false);
      expect(sliced.problems[0]!.code).toBe('json-invalid');
      expect(
        normalizeSplit(Buffer.from(body), DEFAULT_LIMITS, (i) => detectFormat(i, FORMATS), { mediaType: 'application/spdx+json' }).outcome,
      ).toBeUndefined();
    });
  }

  it('a document beyond the limits is refused with the same problem when the scan ran for the slices', () => {
    const deep = Buffer.from(`{"spdxVersion":"SPDX-2.3","packages":[${'['.repeat(300)}${']'.repeat(300)}]}`);
    const long = Buffer.from(`{"spdxVersion":"SPDX-2.3","packages":[${Array.from({ length: 20 }, () => '{}').join(',')}]}`);
    for (const [bytes, code, limits] of [
      [deep, 'json-too-deep', {}],
      [long, 'json-array-too-long', { maxArrayLength: 10 }],
    ] as const) {
      const whole = normalize({ bytes, mediaType: 'application/spdx+json' }, { limits, sliceAbove: Number.MAX_SAFE_INTEGER });
      const sliced = normalize({ bytes, mediaType: 'application/spdx+json' }, { limits, sliceAbove: 0 });
      expect(sliced).toEqual(whole);
      expect(sliced.problems.map((p) => p.code)).toEqual([code]);
    }
  });

  it('the scan records each top-level array and its element spans', () => {
    const bytes = Buffer.from('{"a": [ 1 , {"b":[2,3]} ,"x,]" ], "c": {"d": [4]}, "e": []}');
    const { layout } = scanJson(bytes, DEFAULT_LIMITS, true);
    expect(layout?.arrays.map((m) => m.key)).toEqual(['a', 'e']);
    const a = layout!.arrays[0]!;
    const pieces = a.ends.map((end, i) => bytes.toString('utf8', i === 0 ? a.open + 1 : a.ends[i - 1]! + 1, end).trim());
    expect(pieces).toEqual(['1', '{"b":[2,3]}', '"x,]"']);
    expect(layout!.arrays[1]!.ends).toEqual([]);
  });
});

describe('what makes folding over elements exact', () => {
  // The head is validated with its bulk arrays empty and each element against the schema's
  // rule for items: that equals validating the whole only while the bulk arrays carry no
  // other array-level rule (minItems, contains, ...) and no top-level condition looks
  // into them beyond what the folds apply. A schema update that breaks this fails here.
  const ARRAY_KEYWORDS = new Set(['type', 'items', 'uniqueItems', 'title', 'description', '$comment', '$id']);
  const require = createRequire(import.meta.url);

  it('SPDX 2: bulk arrays have only type and items; the if/then adds item rules for packages and files only', () => {
    const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'formats/spdx-2.schema.json'), 'utf8')) as Record<
      string,
      Record<string, Record<string, Record<string, unknown>>>
    >;
    for (const member of spdx.streaming!.members) {
      expect(
        Object.keys(schema.properties![member]!).filter((k) => !ARRAY_KEYWORDS.has(k)),
        member,
      ).toEqual([]);
    }
    expect(Object.keys(schema.then!.properties!).sort()).toEqual(['files', 'packages']);
    for (const member of ['files', 'packages']) expect(Object.keys(schema.then!.properties![member]!).sort()).toEqual(['items', 'type']);
    expect(Object.keys(schema).filter((k) => ['allOf', 'anyOf', 'oneOf', 'not', 'else', 'dependentSchemas', 'unevaluatedProperties'].includes(k))).toEqual([]);
  });

  it('CycloneDX 1.2–1.7: bulk arrays have only type, items and uniqueItems; no top-level condition', () => {
    const dir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
    for (const version of ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7']) {
      const schema = JSON.parse(readFileSync(join(dir, `bom-${version}.SNAPSHOT.schema.json`), 'utf8')) as Record<
        string,
        Record<string, Record<string, unknown>>
      >;
      for (const member of cyclonedx.streaming!.members) {
        const rule = schema.properties![member];
        if (!rule) continue;
        // additionalItems means nothing when items is one schema (draft-07), as it is here.
        expect(Array.isArray(rule.items), `${version} ${member}`).toBe(false);
        expect(
          Object.keys(rule).filter((k) => !ARRAY_KEYWORDS.has(k) && k !== 'additionalItems'),
          `${version} ${member}`,
        ).toEqual([]);
      }
      expect(
        Object.keys(schema).filter((k) => ['if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'not', 'dependencies'].includes(k)),
        version,
      ).toEqual([]);
    }
  });
});
