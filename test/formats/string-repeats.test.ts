import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringRepeats } from '../../src/formats/lib/string-repeats.js';
import { validateSpdx2 } from '../../src/formats/spdx-model.js';
import { SPDX_HEAD } from '../helpers/spdx-document.js';

/** The plain answer: every later string equal to an earlier one, paired with the first (no string: never paired). */
function expectedPairs(strings: readonly (string | undefined)[]): Array<[number, number]> {
  const first = new Map<string, number>();
  const pairs: Array<[number, number]> = [];
  strings.forEach((s, i) => {
    if (s === undefined) return;
    const earlier = first.get(s);
    if (earlier === undefined) first.set(s, i);
    else pairs.push([earlier, i]);
  });
  return pairs;
}

/** Add every string in order; the repeats, with the positions read back. */
function findRepeats(strings: readonly (string | undefined)[], hash?: (s: string) => number) {
  const repeats = new StringRepeats(hash);
  for (const s of strings) repeats.add(s);
  const reads: number[] = [];
  const pairs = repeats.repeats((p) => {
    reads.push(p);
    return strings[p];
  });
  return { pairs, reads, size: repeats.size };
}

describe('StringRepeats: repeated strings among millions, 4 bytes each', () => {
  it('pairs each repeat with the first occurrence, in the order of the repeats', () => {
    expect(findRepeats(['a', 'b', 'a', 'c', 'b', 'a']).pairs).toEqual([
      [0, 2],
      [1, 4],
      [0, 5],
    ]);
  });

  it('every hash forced equal: strings are still told apart exactly, across many blocks, each read once', () => {
    const strings = Array.from({ length: 150_000 }, (_, i) => `id-${i % 100_000}`);
    const { pairs, reads, size } = findRepeats(strings, () => 42);
    expect(size).toBe(150_000);
    expect(pairs).toHaveLength(50_000);
    expect(pairs[0]).toEqual([0, 100_000]);
    expect(pairs.at(-1)).toEqual([49_999, 149_999]);
    expect(pairs).toEqual(expectedPairs(strings));
    expect(reads).toHaveLength(150_000);
  });

  it('a shared hash is never a repeat: different strings with one hash are read, compared and not reported', () => {
    const { pairs, reads } = findRepeats(['x', 'y', 'q', 'z', 'x'], (s) => (s === 'q' ? 1 : 7));
    expect(pairs).toEqual([[0, 4]]);
    expect(reads).toEqual([0, 1, 3, 4]);
  });

  it('only strings whose hash is shared are read again; positions without a string never are', () => {
    const strings: (string | undefined)[] = Array.from({ length: 200_000 }, (_, i) => `SPDXRef-Package-${i}`);
    strings[70_000] = 'SPDXRef-Package-17';
    strings[199_999] = 'SPDXRef-Package-17';
    for (let i = 100_000; i < 100_100; i++) strings[i] = undefined;
    const { pairs, reads, size } = findRepeats(strings);
    expect(size).toBe(200_000);
    expect(pairs).toEqual([
      [17, 70_000],
      [17, 199_999],
    ]);
    // The repeats and their first, and the few distinct IDs that share a 32-bit hash by chance.
    expect(reads).toEqual(expect.arrayContaining([17, 70_000, 199_999]));
    expect(reads.length).toBeLessThan(20);
    expect(reads.some((p) => p >= 100_000 && p < 100_100)).toBe(false);
    // No string at all, or no string shared: nothing is read.
    expect(findRepeats([undefined, undefined, 'a', undefined]).reads).toEqual([]);
    expect(findRepeats([]).pairs).toEqual([]);
  });

  it('agrees with a map of every string, for any strings and hash quality (property)', () => {
    const hashes: Array<((s: string) => number) | undefined> = [undefined, (s) => s.length, (s) => s.charCodeAt(0) || 0, () => 0, () => 0xffffffff];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('a', 'b', 'SPDXRef-1', '', undefined), fc.string({ maxLength: 6 })), { maxLength: 80 }),
        fc.constantFrom(...hashes),
        (strings, hash) => {
          expect(findRepeats(strings, hash).pairs).toEqual(expectedPairs(strings));
        },
      ),
    );
  });
});

describe('SPDXIDs unique in a document (SPDX 2.3 §3.2)', () => {
  const head = SPDX_HEAD;
  const element = (member: string, id: unknown) =>
    member === 'packages'
      ? { SPDXID: id, name: 'p', downloadLocation: 'NOASSERTION' }
      : member === 'files'
        ? { SPDXID: id, fileName: './f', checksums: [{ algorithm: 'SHA1', checksumValue: 'a'.repeat(40) }] }
        : {
            SPDXID: id,
            snippetFromFile: 'SPDXRef-F',
            ranges: [{ startPointer: { offset: 1, reference: 'SPDXRef-F' }, endPointer: { offset: 2, reference: 'SPDXRef-F' } }],
          };

  /** Every string ID in document order with its path; each later one equal to an earlier one is a problem naming the first. */
  function expectedDuplicates(doc: Record<string, unknown>): string[] {
    const first = new Map<string, string>();
    const out: string[] = [];
    const see = (id: unknown, path: string) => {
      if (typeof id !== 'string') return;
      const earlier = first.get(id);
      if (earlier === undefined) first.set(id, path);
      else out.push(`${path} SPDXID ${id} is already used at ${earlier}`);
    };
    see(doc.SPDXID, '/SPDXID');
    for (const [member, value] of Object.entries(doc)) {
      if (!['packages', 'files', 'snippets'].includes(member) || !Array.isArray(value)) continue;
      value.forEach((e, i) => see((e as Record<string, unknown>).SPDXID, `/${member}/${i}/SPDXID`));
    }
    return out;
  }

  it('the same duplicates, paths and first uses as a map of every ID, whatever the order of the arrays and IDs missing (property)', () => {
    const ids = fc.oneof(fc.constantFrom('SPDXRef-DOCUMENT', 'SPDXRef-A', 'SPDXRef-B', 'SPDXRef-C'), fc.constant(undefined), fc.constant(7));
    const orders = [
      ['packages', 'files', 'snippets'],
      ['files', 'packages', 'snippets'],
      ['snippets', 'files', 'packages'],
      ['files', 'snippets', 'packages'],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...orders),
        fc.array(fc.array(ids, { maxLength: 8 }), { minLength: 3, maxLength: 3 }),
        fc.constantFrom('SPDXRef-DOCUMENT', 'SPDXRef-A'),
        (order, lists, own) => {
          // The arrays in the given order: document order is what counts.
          const doc: Record<string, unknown> = { ...head, SPDXID: own };
          order.forEach((member, k) => (doc[member] = lists[k]!.map((id) => element(member, id))));
          const found = validateSpdx2(doc)
            .filter((p) => p.code === 'spdx-duplicate-id')
            .map((p) => p.message);
          expect(found).toEqual(expectedDuplicates(doc));
        },
      ),
      { numRuns: 300 },
    );
  });
});
