import { describe, expect, it } from 'vitest';
import { clip, compilePattern, MAX_PATTERN_LENGTH, MAX_PROGRAM_SIZE, MAX_SUBJECT_LENGTH, PatternError } from '../../src/lib/pattern.js';

const refusal = (source: string): string => {
  try {
    compilePattern(source);
  } catch (err) {
    expect(err).toBeInstanceOf(PatternError);
    return (err as Error).message;
  }
  throw new Error(`${source} compiled`);
};

describe('compilePattern: RE2, searched', () => {
  it('decides the review case (the exact 40 a and !) without backtracking', () => {
    expect(compilePattern('(a+)+$').test(`${'a'.repeat(40)}!`)).toBe(false);
    expect(compilePattern('(a+)+$').test('a'.repeat(40))).toBe(true);
  });

  it('decides classic ReDoS patterns on the longest input it matches', () => {
    const long = 'a'.repeat(MAX_SUBJECT_LENGTH - 1);
    expect(compilePattern('(a|aa)+$').test(`${long}!`)).toBe(false);
    expect(compilePattern('(.*a){20}').test(long)).toBe(true);
    expect(compilePattern('(.*a){20}$').test(`${long}!`)).toBe(false);
    expect(compilePattern('^(\\S+)+#').test(long)).toBe(false);
  });

  it('searches like RegExp.test and Go MatchString: unanchored unless the pattern anchors', () => {
    const p = compilePattern('github\\.com/acme/');
    expect(p.test('https://github.com/acme/app')).toBe(true);
    expect(compilePattern('^github\\.com/acme/').test('https://github.com/acme/app')).toBe(false);
    expect(compilePattern('^https://github\\.com/acme/').test('https://github.com/acme/app')).toBe(true);
    expect(p.source).toBe('github\\.com/acme/');
  });

  it('keeps the meaning patterns had with the u flag: code points, $ at the very end, . not a newline, case-sensitive', () => {
    expect(compilePattern('^.$').test('😀')).toBe(true);
    expect(compilePattern('a$').test('a\n')).toBe(false);
    expect(compilePattern('a.b').test('a\nb')).toBe(false);
    expect(compilePattern('ACME').test('acme')).toBe(false);
    expect(compilePattern('^\\p{L}+$').test('Ärger')).toBe(true);
  });

  it('refuses what RE2 cannot do, saying why in one line', () => {
    expect(refusal('(a)\\1')).toBe(
      "is not a valid regular expression (RE2 syntax, as cosign's): invalid escape sequence: `\\1` (backreferences are not supported)",
    );
    expect(refusal('(?=a)')).toMatch(/`\(\?=` \(lookahead and lookbehind are not supported\)$/);
    expect(refusal('a(?!b)')).toMatch(/\(lookahead and lookbehind are not supported\)$/);
    expect(refusal('(?<=a)b')).toMatch(/\(lookahead and lookbehind are not supported\)$/);
    expect(refusal('(?<!a)b')).toMatch(/\(lookahead and lookbehind are not supported\)$/);
    expect(refusal('[')).toBe("is not a valid regular expression (RE2 syntax, as cosign's): missing closing ]: `[`");
    expect(refusal('a**')).toMatch(/invalid nested repetition operator/);
    expect(refusal('a{1001}')).toMatch(/invalid repeat count/);
    for (const source of ['(a)\\1', '(?=a)', '[', 'a**']) expect(refusal(source)).not.toMatch(/\n/);
  });

  it('bounds the pattern and its program', () => {
    expect(refusal('a'.repeat(MAX_PATTERN_LENGTH + 1))).toBe(
      `is ${MAX_PATTERN_LENGTH + 1} characters long, more than a pattern can be (${MAX_PATTERN_LENGTH})`,
    );
    expect(compilePattern('a'.repeat(MAX_PATTERN_LENGTH)).test('a'.repeat(MAX_PATTERN_LENGTH))).toBe(true);
    expect(refusal('\\pL{1000}'.repeat(6))).toMatch(
      new RegExp(`^is too large a regular expression \\(RE2 program of \\d+ instructions; at most ${MAX_PROGRAM_SIZE}\\)$`),
    );
    expect(() => compilePattern('[\\s\\S]{1000}')).not.toThrow();
  });

  it('never matches an input longer than MAX_SUBJECT_LENGTH (fail closed), whatever the pattern', () => {
    const everything = compilePattern('');
    expect(everything.test('a'.repeat(MAX_SUBJECT_LENGTH))).toBe(true);
    expect(everything.test('a'.repeat(MAX_SUBJECT_LENGTH + 1))).toBe(false);
    expect(compilePattern('a').test('a'.repeat(10 * 1024 * 1024))).toBe(false);
  });

  it('takes malformed UTF-16 without throwing', () => {
    expect(compilePattern('a').test('x\ud800a')).toBe(true);
    expect(compilePattern('^b$').test('\udc00')).toBe(false);
  });
});

describe('clip: subjects in messages', () => {
  it('shows a short subject as it is, a long one by its start and length', () => {
    expect(clip('https://github.com/acme/app')).toBe('https://github.com/acme/app');
    expect(clip('a'.repeat(300))).toBe(`${'a'.repeat(200)}… (300 characters)`);
    expect(clip('a'.repeat(MAX_SUBJECT_LENGTH + 1))).toBe(
      `${'a'.repeat(200)}… (${MAX_SUBJECT_LENGTH + 1} characters, too long to match (at most ${MAX_SUBJECT_LENGTH}))`,
    );
  });
});
