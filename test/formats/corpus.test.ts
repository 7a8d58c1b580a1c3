import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/normalize.js';
import { corpusBytes, manifestVerdict, readManifest } from './corpus-support.js';
import { expectationFor } from './corpus-table.js';

/**
 * Data-driven from ../shared/corpus/MANIFEST.tsv: one case per row, the
 * expectation from the table in corpus-table.ts.
 */
const rows = readManifest();

describe('corpus (MANIFEST.tsv)', () => {
  it('has rows', () => {
    expect(rows.length).toBeGreaterThan(300);
  });

  for (const row of rows) {
    it(row.path, () => {
      const expectation = expectationFor(row.path, row.description);
      expect(expectation, `no rule in corpus-table.ts classifies ${row.path}: add one`).toBeDefined();
      if (!expectation) return;
      const bytes = corpusBytes(row.path);

      if (expectation.type === 'not-evidence') {
        const result = normalize({ bytes });
        expect({ kind: result.kind, format: result.format }, expectation.reason).toEqual({ kind: 'other', format: 'unknown' });
        return;
      }

      const verdict = manifestVerdict(row.description);
      const agrees = verdict === 'unstated' || (verdict === 'valid') === expectation.valid;
      if (!agrees) expect(expectation.differs, `MANIFEST says ${verdict}; the table must say why custody differs`).toBeTruthy();

      const input = expectation.mediaType ? { bytes, mediaType: expectation.mediaType } : { bytes };
      const result = normalize(input, expectation.imageDigests ? { imageDigests: expectation.imageDigests } : {});
      expect({ kind: result.kind, format: result.format }).toEqual({ kind: expectation.kind, format: expectation.format });
      expect(result.detectedBy ?? (result.format === 'unknown' ? 'unknown' : undefined)).toBeTruthy();
      for (const problem of result.problems) {
        expect(typeof problem.code).toBe('string');
        expect(problem.path === '' || problem.path.startsWith('/')).toBe(true);
        expect(problem.message.length).toBeGreaterThan(0);
      }
      if (expectation.valid) {
        expect(result.problems).toEqual([]);
        expect(result.valid).toBe(true);
      } else {
        expect(result.valid).toBe(false);
        const named = result.problems.filter((p) => p.path === expectation.path);
        expect(named.length, `a problem at ${expectation.path}; got ${JSON.stringify(result.problems.slice(0, 5))}`).toBeGreaterThan(0);
        if (expectation.code) expect(named.map((p) => p.code)).toContain(expectation.code);
      }
      expect(result.deviations.map((d) => d.code)).toEqual(expectation.deviations ?? []);
      for (const deviation of result.deviations) expect(deviation.producer.length).toBeGreaterThan(0);
      if (expectation.subjects) expect(result.subjects).toEqual(expect.arrayContaining(expectation.subjects));
      for (const subject of result.subjects) expect(subject).toMatch(/^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/);
    });
  }
});
