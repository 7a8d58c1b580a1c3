import { describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/normalize.js';

/**
 * Hostile SPDX tag-value (issue 12): the parser reads with a cursor, so 10 MB
 * shaped to hurt a line-by-line reader (a <text> never closed, one 10 MB
 * line, millions of lines of one tag) takes time in proportion to its size.
 * The quadratic reader this replaced took 215 s for an unclosed <text> of
 * 1.8 MB; each case here must finish in seconds with the stated outcome.
 */
const MB10 = 10 * 1024 * 1024;
const HEAD = [
  'SPDXVersion: SPDX-2.3',
  'DataLicense: CC0-1.0',
  'SPDXID: SPDXRef-DOCUMENT',
  'DocumentName: hostile',
  'DocumentNamespace: https://example.com/spdx/hostile',
  'Creator: Tool: test-1',
  'Created: 2026-01-01T00:00:00Z',
  '',
  'PackageName: p',
  'SPDXID: SPDXRef-p',
  'PackageDownloadLocation: NOASSERTION',
  '',
].join('\n');
const fill = (unit: string) => unit.repeat(Math.ceil(MB10 / unit.length));
const BOUND_MS = 20_000;

function judge(text: string) {
  const bytes = Buffer.from(text);
  expect(bytes.length).toBeGreaterThanOrEqual(MB10);
  const started = performance.now();
  const result = normalize({ bytes, mediaType: 'text/spdx' });
  return { result, ms: performance.now() - started };
}

describe('SPDX tag-value: 10 MB hostile inputs are read in linear time', () => {
  it('an unclosed <text> running over 10 MB of short lines: one syntax problem naming its line', () => {
    const { result, ms } = judge(`${HEAD}PackageCopyrightText: <text>${fill('x\n')}`);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(result.format).toBe('spdx');
    expect(result.problems).toContainEqual({ code: 'spdx-tv-syntax', path: '', message: 'line 12: <text> is never closed' });
  });

  it('an unclosed <text> of one 10 MB line', () => {
    const { result, ms } = judge(`${HEAD}PackageComment: <text>${'y'.repeat(MB10)}`);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(result.problems.map((p) => p.code)).toContain('spdx-tv-syntax');
  });

  it('a <text> of 10 MB that does close is a valid value, and the lines after it are still read', () => {
    const { result, ms } = judge(
      `${HEAD}PackageCopyrightText: <text>${fill('x\n')}</text>\nPackageName: q\nSPDXID: SPDXRef-q\nPackageDownloadLocation: NOASSERTION\n`,
    );
    expect(ms).toBeLessThan(BOUND_MS);
    expect(result.problems).toEqual([]);
    expect(result.summary).toMatchObject({ componentCount: 2 });
  });

  it('one tag whose value is 10 MB on one line', () => {
    const { result, ms } = judge(`${HEAD}PackageComment: ${'a'.repeat(MB10)}\n`);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(result.valid).toBe(true);
  });

  it('10 MB of one tag, repeated on 200 000 lines', () => {
    const { result, ms } = judge(HEAD + fill('Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-p\n'));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(result.valid).toBe(true);
  });

  it('a 10 MB tag name, and a 10 MB line without a colon', () => {
    const tag = judge(`${HEAD}${'T'.repeat(MB10)}: value\n`);
    expect(tag.ms).toBeLessThan(BOUND_MS);
    expect(tag.result.valid).toBe(true); // a tag custody does not model is tolerated
    const line = judge(`${HEAD}${'T'.repeat(MB10)}\n`);
    expect(line.ms).toBeLessThan(BOUND_MS);
    expect(line.result.problems).toContainEqual({ code: 'spdx-tv-syntax', path: '', message: 'line 12 is not "Tag: value"' });
  });

  it('2 million lines that are not "Tag: value": the first 100 listed, the rest counted in one problem', () => {
    const { result, ms } = judge(HEAD + fill('bad\n'));
    expect(ms).toBeLessThan(BOUND_MS);
    const syntax = result.problems.filter((p) => p.code === 'spdx-tv-syntax');
    expect(syntax).toHaveLength(101);
    expect(syntax[100]!.message).toMatch(/^\d+ more lines are not "Tag: value"/);
  });

  it('10 MB of colons', () => {
    const { result, ms } = judge(HEAD + fill(':'));
    expect(ms).toBeLessThan(BOUND_MS);
    expect(result.problems.map((p) => p.code)).toContain('spdx-tv-syntax');
  });
});

describe('SPDX tag-value: problems name their line', () => {
  it('a field problem names the line of the field, a missing field the line its element starts on', () => {
    const text = `${HEAD}PackageName: q\nSPDXID: SPDXRef-q\nPrimaryPackagePurpose: IMAGE\n`;
    const result = normalize({ bytes: Buffer.from(text), mediaType: 'text/spdx' });
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: 'schema-enum', path: '/packages/1/primaryPackagePurpose', message: expect.stringMatching(/\(line 14\)$/) }),
    );
    expect(result.problems).toContainEqual(
      expect.objectContaining({ code: 'schema-required', path: '/packages/1/downloadLocation', message: expect.stringMatching(/\(line 12\)$/) }),
    );
  });
});
