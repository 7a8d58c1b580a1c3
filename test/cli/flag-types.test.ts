import { describe, expect, it } from 'vitest';
import { count, FLAGS, parseFlag, parseSize, seconds } from '../../src/cli/flag-types.js';
import { editDistance, nearest } from '../../src/cli/suggest.js';

describe('sizes', () => {
  it.each([
    ['0', 0],
    ['1048576', 1_048_576],
    ['512MiB', 536_870_912],
    ['512 MiB', 536_870_912],
    ['512mib', 536_870_912],
    ['1KiB', 1024],
    ['1.5KiB', 1536],
    ['2KB', 2000],
    ['2kb', 2000],
    ['1GB', 1_000_000_000],
    ['16GiB', 17_179_869_184],
    ['7B', 7],
    ['1.005KB', 1005],
    ['0.5KiB', 512],
  ])('%s is %i bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', 'abc', 'NaN', 'Infinity', '-1', '1.5', '1e3', '0x10', '5XB', '1 TB', '1.0001KiB', '1.1KiB', '99999999999999999GiB', 'MiB', '1MiB ', ' 1'])(
    '%j is not a size',
    (text) => {
      expect(parseSize(text)).toBeUndefined();
    },
  );
});

describe('counts and seconds', () => {
  it('a count is a whole number in its range', () => {
    const type = count(1, 64);
    expect(type.parse('1')).toBe(1);
    expect(type.parse('064')).toBe(64);
    for (const bad of ['0', '65', '-1', '2.5', '1e1', '+3', ' 3', 'NaN', '9999999999']) expect(() => type.parse(bad), bad).toThrow();
  });

  it('seconds: decimals and an s suffix; 0 only where allowed', () => {
    expect(seconds(3600).parse('2.5s')).toBe(2.5);
    expect(seconds(3600).parse('3600')).toBe(3600);
    expect(() => seconds(3600).parse('0')).toThrow();
    expect(() => seconds(3600).parse('3600.5')).toThrow();
    expect(seconds(60, true).parse('0')).toBe(0);
    for (const bad of ['-1', 'Infinity', '1e3', '1m', '.5', '']) expect(() => seconds(3600).parse(bad), bad).toThrow();
  });

  it('every default in the table is a value its own type takes', () => {
    for (const [name, flag] of Object.entries(FLAGS) as [string, { type: { switch?: true }; default?: string | boolean }][]) {
      if (typeof flag.default === 'string') expect(() => parseFlag(name, flag.type as never, flag.default as string), name).not.toThrow();
    }
  });
});

describe('did you mean', () => {
  it('edit distance counts a swap of neighbours as one edit', () => {
    expect(editDistance('verfy', 'verify')).toBe(1);
    expect(editDistance('gaet', 'gate')).toBe(1);
    expect(editDistance('concurency', 'concurrency')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests near names and unique beginnings, never far ones', () => {
    const flags = ['root', 'date', 'retries', 'max-bytes', 'timeout', 'lock-timeout', 'concurrency', 'certificate-identity', 'certificate-oidc-issuer'];
    expect(nearest('rot', flags)).toEqual(['root']);
    expect(nearest('max', flags)).toEqual(['max-bytes']);
    expect(nearest('concurency', flags)).toEqual(['concurrency']);
    expect(nearest('data', flags)).toEqual(['date']);
    expect(nearest('cert', flags)).toEqual(['certificate-identity', 'certificate-oidc-issuer']);
    expect(nearest('out', flags)).toEqual([]);
    expect(nearest('frobnicate', ['archive', 'verify', 'gate', 'seal', 'export', 'discover'])).toEqual([]);
  });
});
