/**
 * Equality of JSON values as JSON Schema defines it (uniqueItems): objects
 * are equal when they have the same keys with equal values, whatever the key
 * order. Used instead of Ajv's pairwise uniqueItems, which is quadratic.
 */

/** Canonical JSON text (object keys sorted): equal values, equal texts. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const keys = Object.keys(value).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson((value as Record<string, unknown>)[k])).join(',') + '}';
}

/** FNV-1a over a string (every character up to 256, then a sample): equal strings, equal prints. */
function stringPrint(s: string): number {
  const n = s.length;
  const step = n <= 256 ? 1 : Math.ceil(n / 256);
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < n; i += step) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

function shallowPrint(value: unknown): number {
  if (value === null) return 3;
  switch (typeof value) {
    case 'string':
      return stringPrint(value);
    case 'number':
      return (value * 1000) | 0;
    case 'boolean':
      return value ? 1 : 2;
    case 'object':
      return Array.isArray(value) ? 101 + value.length : 211 + Object.keys(value).length;
    default:
      return 0;
  }
}

/**
 * Order-independent fingerprint of a value, from its top level only: equal
 * values always have equal fingerprints (the converse is checked exactly).
 */
function fingerprint(value: unknown): number {
  if (value === null || typeof value !== 'object') return shallowPrint(value);
  if (Array.isArray(value)) {
    let h = 101 + value.length;
    for (let i = 0; i < value.length && i < 8; i++) h = (h * 31 + shallowPrint(value[i])) | 0;
    return h;
  }
  let sum = 0;
  let count = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    count++;
    sum = (sum + Math.imul(stringPrint(key), 0x9e3779b1) + shallowPrint((value as Record<string, unknown>)[key])) | 0;
  }
  return (sum * 31 + count) | 0;
}

/**
 * Duplicate detection over items seen one at a time: each item leaves only
 * a cheap fingerprint; at the end, only items sharing a fingerprint are read
 * again and compared exactly, by their canonical text. Linear overall.
 */
export class DuplicateFinder {
  /** Fingerprint → the one index that has it, or every index that shares it (rare). */
  readonly #buckets = new Map<number, number | number[]>();

  add(index: number, item: unknown): void {
    const fp = fingerprint(item);
    const bucket = this.#buckets.get(fp);
    if (bucket === undefined) this.#buckets.set(fp, index);
    else if (typeof bucket === 'number') this.#buckets.set(fp, [bucket, index]);
    else bucket.push(index);
  }

  /** Index pairs [first, duplicate], by duplicate index; `item` reads an item again. */
  duplicates(item: (index: number) => unknown): Array<[number, number]> {
    const duplicates: Array<[number, number]> = [];
    for (const bucket of this.#buckets.values()) {
      if (typeof bucket === 'number') continue;
      const seen = new Map<string, number>();
      for (const i of bucket) {
        const key = canonicalJson(item(i));
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else duplicates.push([first, i]);
      }
    }
    return duplicates.sort((a, b) => a[1] - b[1]);
  }
}

/** Index pairs [first, duplicate] of equal items. */
export function duplicateItems(items: readonly unknown[]): Array<[number, number]> {
  if (items.length < 2) return [];
  const finder = new DuplicateFinder();
  items.forEach((item, i) => finder.add(i, item));
  return finder.duplicates((i) => items[i]);
}
