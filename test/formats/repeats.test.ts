import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, duplicateItems, RepeatFinder } from '../../src/formats/lib/canonical.js';

/** The plain answer: every later item equal (as JSON Schema means it) to an earlier one. */
function expectedPairs(items: readonly unknown[]): Array<[number, number]> {
  const first = new Map<string, number>();
  const pairs: Array<[number, number]> = [];
  items.forEach((item, i) => {
    const key = canonicalJson(item);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, i);
    else pairs.push([earlier, i]);
  });
  return pairs;
}

describe('finding repeated items (uniqueItems, SPDXIDs)', () => {
  it('equal objects are found whatever their key order; unequal ones never', () => {
    const items = [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, { a: 1, b: [2, 1] }, 'x', 'x', 1, true, null, null, { a: 1, b: [1, 2] }];
    expect(duplicateItems(items)).toEqual([
      [0, 1],
      [3, 4],
      [7, 8],
      [0, 9],
    ]);
  });

  it('agrees with comparing every item exactly, on random JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom({ k: 1 }, 'same', 7)), { maxLength: 60 }), (items) => {
        expect(duplicateItems(items)).toEqual(expectedPairs(items));
      }),
    );
  });

  it('items whose fingerprints all collide are still told apart exactly, across thousands of items (the store grows)', () => {
    const finder = new RepeatFinder<string>(
      () => 42,
      (s) => s,
    );
    const items = Array.from({ length: 5_000 }, (_, i) => `id-${i % 4_000}`);
    for (const item of items) finder.add(item);
    const pairs = finder.repeats((i) => items[i]!);
    expect(pairs).toHaveLength(1_000);
    expect(pairs[0]).toEqual([0, 4_000]);
    expect(pairs.at(-1)).toEqual([999, 4_999]);
  });

  it('a repeat is paired with the first occurrence, not the one before it', () => {
    const finder = new RepeatFinder<string>(
      (s) => s.length,
      (s) => s,
    );
    const items = ['a', 'b', 'a', 'a'];
    for (const item of items) finder.add(item);
    expect(finder.repeats((i) => items[i]!)).toEqual([
      [0, 2],
      [0, 3],
    ]);
  });
});
