import { describe, expect, it } from 'vitest';
import { escapeText, neutralizeControls, shown } from '../../src/lib/escape.js';

describe('escapeText: one visible line from any string', () => {
  it.each([
    ['plain ascii, unicode é ✓ 漢字', 'plain ascii, unicode é ✓ 漢字'],
    ['a\nb', 'a\\nb'],
    ['a\r\nb', 'a\\r\\nb'],
    ['a\tb', 'a\\tb'],
    ['\x00\x07\x1b[31m\x7f', '\\x00\\x07\\x1b[31m\\x7f'],
    ['\u0085\u009b', '\\x85\\x9b'],
    ['\u2028\u2029', '\\u2028\\u2029'],
    ['\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['\u2066\u2067\u2068\u2069\u200e\u200f\u061c', '\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c'],
    ['lone \ud800 surrogate, pair 😀 kept', 'lone \\ud800 surrogate, pair 😀 kept'],
    ['a\\nb', 'a\\nb'],
  ])('%j → %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it('leaves a backslash as it is (readable patterns and paths); the escaped result never holds a control character', () => {
    const inputs = ['a\nb', 'a\\nb', 'a\\\nb', 'a\x1bb', '(a)\\1', 'C:\\dir\\file'];
    // eslint-disable-next-line no-control-regex -- control characters are what must not come out
    for (const input of inputs) expect(escapeText(input)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(escapeText('(a)\\1')).toBe('(a)\\1');
  });

  it('shown`…` escapes every interpolated value, not its own text', () => {
    expect(shown`OK  ${'x\nOK'} (${3} files)\t`).toBe('OK  x\\nOK (3 files)\t');
  });
});

describe('neutralizeControls: the guard on everything written', () => {
  it('keeps line breaks and a leading carriage return, turns every other unsafe character into \\uXXXX', () => {
    expect(neutralizeControls('\r[==] 1/2\n')).toBe('\r[==] 1/2\n');
    expect(neutralizeControls('a\rb\x1b[2K\u202e\n')).toBe('a\\u000db\\u001b[2K\\u202e\n');
  });

  it('text with nothing to change comes back as it is, CRLF line ends included; one unsafe character anywhere is still found', () => {
    const csv = 'date,ref\r\n2026-01-01,a\r\n'.repeat(1000);
    expect(neutralizeControls(csv)).toBe(csv);
    expect(neutralizeControls(`${csv}x\ry\r`)).toBe(`${csv}x\\u000dy\\u000d`);
    expect(neutralizeControls(`${csv}\t\ud800\u2066`)).toBe(`${csv}\\u0009\\ud800\\u2066`);
    expect(neutralizeControls('\ud83d\ude00 \r\n')).toBe('\ud83d\ude00 \r\n');
  });

  it('leaves JSON meaning unchanged: the same value parses back', () => {
    const value = { name: 'del\x7f c1\u0085 ls\u2028 rlo\u202e' };
    const guarded = neutralizeControls(JSON.stringify(value));
    expect(guarded).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(guarded)).toEqual(value);
  });
});
