import { CustodyError } from '../errors.js';

/**
 * Version ranges for `query package --version`:
 * - comparators `>=`, `>`, `<=`, `<`, `=` (or `==`), `!=` before a version,
 *   separated by spaces, all of which must hold: `>=2.0.0 <2.17.1`;
 * - alternatives joined by `||`: `<1.2.3 || >=2.0.0 <2.1.0`;
 * - a bare version is an exact match: `2.14.1`.
 * No wildcards (`2.x`), tilde or caret ranges.
 */
export interface VersionRange {
  text: string;
  test(version: string | null | undefined): boolean;
}

type Op = '>=' | '>' | '<=' | '<' | '=' | '!=';
interface Comparator {
  op: Op;
  version: string;
}

const COMPARATOR = /^(>=|<=|==|!=|>|<|=)?([0-9A-Za-z][0-9A-Za-z.+~:_-]*)$/;

export function parseVersionRange(text: string): VersionRange {
  const alternatives = text.split('||').map((alternative) => {
    // `>= 2.0.0` is read as `>=2.0.0`.
    const tokens = alternative
      .trim()
      .replace(/(>=|<=|==|!=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    if (tokens.length === 0) throw bad(text, 'an empty alternative');
    return tokens.map((token): Comparator => {
      const match = COMPARATOR.exec(token);
      if (!match) throw bad(text, `"${token}" is not a comparator (>=, >, <=, <, =, !=) followed by a version`);
      const op = (match[1] === '==' ? '=' : (match[1] ?? '=')) as Op;
      return { op, version: match[2]! };
    });
  });
  // A package has a handful of versions across thousands of SBOMs: each is compared once.
  const verdicts = new Map<string, boolean>();
  return {
    text,
    test: (version) => {
      if (version === null || version === undefined || version === '') return false;
      let verdict = verdicts.get(version);
      if (verdict === undefined) verdicts.set(version, (verdict = alternatives.some((all) => all.every((c) => holds(c, version)))));
      return verdict;
    },
  };
}

function holds({ op, version }: Comparator, candidate: string): boolean {
  const order = compareVersions(candidate, version);
  switch (op) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
  }
}

function bad(text: string, why: string): CustodyError {
  return new CustodyError('USAGE', `--version "${text.replace(/[^\x20-\x7e]/g, '?')}": ${why}; write e.g. ">=2.0.0 <2.17.1", "=2.14.1" or "2.14.1"`);
}

const SEMVER = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Order two versions. Both semver-like (`1.2.3`, any number of numeric
 * parts, optional `-pre.release`, `+build` ignored): numeric parts compared
 * as numbers, a missing part counting as 0, a pre-release below its release
 * (SemVer 2.0.0 §11). Otherwise (Debian `1:1.2.13.dfsg-1`, RPM, anything):
 * runs of digits and of other characters compared in turn, digits as
 * numbers and below letters, the shorter version first when one is a prefix
 * of the other.
 */
export function compareVersions(a: string, b: string): number {
  const sa = SEMVER.exec(a);
  const sb = SEMVER.exec(b);
  if (sa && sb) {
    const core = compareParts(sa[1]!.split('.'), sb[1]!.split('.'), true);
    if (core !== 0) return core;
    if (sa[2] === undefined || sb[2] === undefined) return sa[2] === sb[2] ? 0 : sa[2] === undefined ? 1 : -1;
    return compareParts(sa[2].split('.'), sb[2].split('.'), false);
  }
  return compareParts(runs(a), runs(b), false);
}

/** Numeric identifiers as numbers and below alphanumeric ones; `padZero`: a missing part counts as 0 (version cores). */
function compareParts(a: string[], b: string[], padZero: boolean): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? (padZero ? '0' : undefined);
    const y = b[i] ?? (padZero ? '0' : undefined);
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = compareDigits(x, y);
      if (d !== 0) return d;
    } else if (nx !== ny) return nx ? -1 : 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Digit strings of any length compared as numbers (no precision loss past 2^53). */
function compareDigits(x: string, y: string): number {
  const a = x.replace(/^0+(?=\d)/, '');
  const b = y.replace(/^0+(?=\d)/, '');
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function runs(version: string): string[] {
  return version.match(/\d+|[A-Za-z]+/g) ?? [];
}
