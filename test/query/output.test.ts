import { describe, expect, it } from 'vitest';
import { neutralizeControls } from '../../src/lib/escape.js';
import { csvField, toCsv, writeCsv } from '../../src/query/csv.js';
import { textTable } from '../../src/query/render.js';
import { escapeText } from '../../src/query/text-escape.js';

describe('escapeText', () => {
  it('makes control characters, separators and bidi overrides visible; doubles backslashes', () => {
    expect(escapeText('a\nb')).toBe('a\\nb');
    expect(escapeText('\u001b[2J\u001b]0;title\u0007')).toBe('\\u{1b}[2J\\u{1b}]0;title\\u{7}');
    expect(escapeText('tab\there\rcr')).toBe('tab\\there\\rcr');
    expect(escapeText('\u2028\u202e\u0085\u007f')).toBe('\\u{2028}\\u{202e}\\u{85}\\u{7f}');
    expect(escapeText('C:\\n')).toBe('C:\\\\n'); // a literal backslash-n cannot pass for an escaped newline
    expect(escapeText('plain log4j-core 2.14.1 ü 日本')).toBe('plain log4j-core 2.14.1 ü 日本');
  });
});

describe('csvField and toCsv (RFC 4180)', () => {
  it('quotes commas, quotes, CR and LF, and doubles quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField(3)).toBe('3');
  });
  it('defuses spreadsheet formulas in text fields (OWASP CSV injection)', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });
  it('a header, CRLF after every line', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x', null],
          ['y,z', 2],
        ],
      ),
    ).toBe('a,b\r\nx,\r\n"y,z",2\r\n');
  });
  it('writes every line as csvField writes each field, whether the line is taken whole (nothing to quote) or field by field', () => {
    const values = ['plain', '', ' x', 'x ', '-1', -1, 3, '=1', '+a', '@b', 'a\rb', 'a\nb', 'a"b', 'x,y', 'tab\tend', '\u00a0lead', 'trail\u00a0', true, null];
    const rows = values.flatMap((v) => [
      [v, 'ok', 'end'],
      ['ok', v, 'end'],
      ['ok', 'mid', v],
    ]);
    const expected = ['a,b,c', ...rows.map((r) => r.map(csvField).join(','))].map((line) => `${line}\r\n`).join('');
    expect(toCsv(['a', 'b', 'c'], rows)).toBe(expected);
  });
});

describe('writeCsv: a large answer in pieces', () => {
  // Values the output guard rewrites (a lone CR, an escape, a bidi override, a lone surrogate) or must leave (CRLF inside a quoted field).
  const hostile = ['a\rb', 'cr at end\r', '\u001b[2J', 'x\u202ey', 'lone \ud800', 'pair \ud83d\ude00', 'line\r\nbreak', 'plain'];
  const rows = Array.from({ length: 12000 }, (_, i) => [`2025-01-${String((i % 28) + 1).padStart(2, '0')}`, hostile[i % hostile.length]!, i, i % 3 === 0]);

  it('hands over pieces that end at a line end and join to toCsv', () => {
    const pieces: string[] = [];
    writeCsv(['date', 'value', 'n', 'flag'], rows, (text) => pieces.push(text));
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces) expect(piece.endsWith('\r\n')).toBe(true);
    expect(pieces.join('')).toBe(toCsv(['date', 'value', 'n', 'flag'], rows));
  });

  it('guarded piece by piece, writes what guarding the whole text writes', () => {
    const pieces: string[] = [];
    writeCsv(['date', 'value', 'n', 'flag'], rows, (text) => pieces.push(neutralizeControls(text)));
    const whole = neutralizeControls(toCsv(['date', 'value', 'n', 'flag'], rows));
    expect(whole).not.toBe(toCsv(['date', 'value', 'n', 'flag'], rows));
    expect(pieces.join('')).toBe(whole);
  });

  it('writes the header alone for no rows', () => {
    const pieces: string[] = [];
    writeCsv(['a', 'b'], [], (text) => pieces.push(text));
    expect(pieces).toEqual(['a,b\r\n']);
  });
});

describe('textTable', () => {
  it('pads columns to the widest cell, in characters', () => {
    expect(
      textTable(
        ['name', 'v'],
        [
          ['ü', '1'],
          ['abc', '2'],
        ],
      ),
    ).toBe('NAME  V\nü     1\nabc   2\n');
  });
  it('counts a character outside the BMP (a surrogate pair) as one, a lone surrogate as one', () => {
    expect(
      textTable(
        ['a', 'b'],
        [
          ['😀', '1'],
          ['xy', '2'],
          ['\ud800', '3'],
        ],
      ),
    ).toBe('A   B\n😀   1\nxy  2\n\ud800   3\n');
  });
  it('prints nothing for no rows', () => {
    expect(textTable(['a'], [])).toBe('');
  });
});
