import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/normalize.js';
// The generator is plain Node ESM; the test checks the files on disk are what it writes.
import { buildFixtures, FIXTURES_DIR } from '../../scripts/make-format-fixtures.mjs';

interface Expected {
  kind: string;
  format: string;
  valid: boolean;
  mediaType?: string;
  annotations?: Record<string, string>;
  imageDigests?: string[];
  subjects?: string[];
  summary?: Record<string, unknown>;
  code?: string;
  path?: string;
  reason?: string;
}

const dirs = readdirSync(FIXTURES_DIR).sort();

describe('format fixtures (scripts/make-format-fixtures.mjs)', () => {
  it('are up to date with the generator', () => {
    const generated = buildFixtures() as Map<string, Buffer>;
    const onDisk = new Map<string, Buffer>();
    for (const dir of dirs) for (const name of readdirSync(join(FIXTURES_DIR, dir))) onDisk.set(`${dir}/${name}`, readFileSync(join(FIXTURES_DIR, dir, name)));
    expect([...onDisk.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [path, bytes] of generated) expect(onDisk.get(path)?.equals(bytes), `${path} differs: run node scripts/make-format-fixtures.mjs`).toBe(true);
  });

  for (const dir of dirs) {
    const expected = JSON.parse(readFileSync(join(FIXTURES_DIR, dir, 'expected.json'), 'utf8')) as Record<string, Expected>;
    describe(dir, () => {
      it('has a valid fixture and at least one invalid fixture, each invalid one with a code, a path and a reason', () => {
        const entries = Object.values(expected);
        expect(entries.some((e) => e.valid)).toBe(true);
        expect(entries.some((e) => !e.valid)).toBe(true);
        for (const e of entries.filter((x) => !x.valid)) {
          expect(e.code).toMatch(/^[a-z0-9-]+$/);
          expect(typeof e.path).toBe('string');
          expect(e.reason?.length).toBeGreaterThan(5);
        }
      });

      for (const [file, want] of Object.entries(expected)) {
        it(`${file}${want.valid ? '' : ` → ${want.code} at ${want.path || '(document)'}`}`, () => {
          const bytes = readFileSync(join(FIXTURES_DIR, dir, file));
          const input: Parameters<typeof normalize>[0] = { bytes };
          if (want.mediaType) input.mediaType = want.mediaType;
          if (want.annotations) input.annotations = want.annotations;
          const before = Buffer.from(bytes);
          const result = normalize(input, want.imageDigests ? { imageDigests: want.imageDigests } : {});
          expect(Buffer.from(bytes).equals(before), 'normalisation never alters the bytes').toBe(true);
          expect({ kind: result.kind, format: result.format }).toEqual({ kind: want.kind, format: want.format });
          if (want.valid) {
            expect(result.problems).toEqual([]);
            expect(result.valid).toBe(true);
          } else {
            expect(result.valid).toBe(false);
            expect(result.problems.map((p) => `${p.code} ${p.path}`)).toContain(`${want.code} ${want.path}`);
          }
          if (want.subjects) expect(result.subjects).toEqual(want.subjects);
          if (want.summary) expect(result.summary).toMatchObject(want.summary);
        });
      }
    });
  }
});
