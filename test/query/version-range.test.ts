import { describe, expect, it } from 'vitest';
import { isCustodyError } from '../../src/errors.js';
import { compareVersions, parseVersionRange } from '../../src/query/version-range.js';

describe('compareVersions', () => {
  const ordered: [string, string][] = [
    ['2.14.1', '2.17.1'],
    ['2.9.0', '2.10.0'], // numbers, not strings
    ['2.0.0-rc1', '2.0.0'], // a pre-release comes before its release
    ['2.0.0-alpha', '2.0.0-beta'],
    ['2.0.0-alpha.2', '2.0.0-alpha.10'],
    ['1.0.0-1', '1.0.0-alpha'], // numeric identifiers below alphanumeric ones
    ['v1.2.3', '1.2.4'],
    ['1.2', '1.2.1'],
    ['3.0.15-1~deb12u1', '3.0.15-1~deb12u2'], // not semver: runs compared in turn
    ['1:1.2.13.dfsg-1', '1:1.2.13.dfsg-2'],
    ['99999999999999999999.0', '100000000000000000000.0'], // no precision lost past 2^53
  ];
  for (const [low, high] of ordered) {
    it(`${low} < ${high}`, () => {
      expect(compareVersions(low, high)).toBe(-1);
      expect(compareVersions(high, low)).toBe(1);
    });
  }
  it('equal versions, build metadata ignored, missing parts count as 0', () => {
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('1.2.3+build.5', '1.2.3')).toBe(0);
    expect(compareVersions('2.14', '2.14.0')).toBe(0);
  });
});

describe('parseVersionRange', () => {
  const cases: [string, string, boolean][] = [
    ['>=2.0.0 <2.17.1', '2.14.1', true],
    ['>=2.0.0 <2.17.1', '2.17.1', false],
    ['>=2.0.0 <2.17.1', '1.2.17', false],
    ['>= 2.0.0 < 2.17.1', '2.16.0', true],
    ['=2.14.1', '2.14.1', true],
    ['==2.14.1', '2.14.0', false],
    ['2.14.1', '2.14.1', true],
    ['2.14.1', '2.14.10', false],
    ['>2.14.1', '2.14.1', false],
    ['<=2.14.1', '2.14.1', true],
    ['!=2.14.1', '2.15.0', true],
    ['<1.0.0 || >=2.0.0 <2.1.0', '2.0.5', true],
    ['<1.0.0 || >=2.0.0 <2.1.0', '1.5.0', false],
  ];
  for (const [range, version, expected] of cases) {
    it(`"${range}" ${expected ? 'holds' : 'does not hold'} for ${version}`, () => expect(parseVersionRange(range).test(version)).toBe(expected));
  }
  it('a component without a version matches no range', () => {
    expect(parseVersionRange('>=0').test(undefined)).toBe(false);
    expect(parseVersionRange('>=0').test('')).toBe(false);
  });
  for (const bad of ['', '>>2', '~2.1', '^2.1', '2.x || ', '>=2 <3 || ', '$(rm -rf)']) {
    it(`refuses "${bad}" (USAGE)`, () => {
      let error: unknown;
      try {
        parseVersionRange(bad);
      } catch (err) {
        error = err;
      }
      expect(isCustodyError(error, 'USAGE')).toBe(true);
    });
  }
});

describe('splitPurl', () => {
  it('name and version, decoded, qualifiers and subpath dropped; a scoped npm name keeps its @', async () => {
    const { splitPurl, purlShortName } = await import('../../src/query/purl.js');
    expect(splitPurl('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar#sub')).toEqual({
      name: 'pkg:maven/org.apache.logging.log4j/log4j-core',
      version: '2.14.1',
    });
    expect(splitPurl('pkg:npm/%40angular/core@16.0.0')).toEqual({ name: 'pkg:npm/@angular/core', version: '16.0.0' });
    expect(splitPurl('pkg:npm/@angular/core')).toEqual({ name: 'pkg:npm/@angular/core' });
    expect(splitPurl('pkg:npm/%40angular/core')).toEqual({ name: 'pkg:npm/@angular/core' });
    expect(splitPurl('pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?distro=debian-12')).toEqual({ name: 'pkg:deb/debian/zlib1g', version: '1:1.2.13.dfsg-1' });
    expect(purlShortName('pkg:npm/%40angular/core@16.0.0')).toBe('core');
  });
});
