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

/** FNV-1a over a string's length and characters (all up to 32, else the first and last 16): equal strings, equal prints. */
function stringPrint(s: string): number {
  const n = s.length;
  let h = 0x811c9dc5 ^ n;
  if (n <= 32) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < 16; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    for (let i = n - 16; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
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
      return Array.isArray(value) ? 101 + value.length : 211;
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

/** FNV-1a over every character of a string. */
export function stringFingerprint(s: string): number {
  let h = 0x811c9dc5 ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Ordinals and prints share one exactly representable number: 27 bits of print, 25 of ordinal. */
const ORDINAL_BITS = 2 ** 25;

/**
 * Equal items among many, found once all are seen. Adding an item keeps one
 * number (27 bits of its fingerprint, then its ordinal) in a typed array: no
 * map, no object per item, nothing for the garbage collector to trace. At the
 * end, sorting the numbers brings equal fingerprints together, and only those
 * items are read again and compared exactly (`key`: equal items, equal keys).
 * Linear in the items, plus one numeric sort.
 */
export class RepeatFinder<T> {
  #numbers = new Float64Array(1024);
  #count = 0;
  readonly #print: (item: T) => number;
  readonly #key: (item: T) => string;

  constructor(print: (item: T) => number, key: (item: T) => string) {
    this.#print = print;
    this.#key = key;
  }

  /** Add the next item; its ordinal is the number of items added before it. */
  add(item: T): void {
    const ordinal = this.#count;
    if (ordinal >= ORDINAL_BITS) throw new Error(`more than ${ORDINAL_BITS} items to compare`);
    if (ordinal === this.#numbers.length) {
      const grown = new Float64Array(ordinal * 2);
      grown.set(this.#numbers);
      this.#numbers = grown;
    }
    this.#numbers[ordinal] = (this.#print(item) >>> 5) * ORDINAL_BITS + ordinal;
    this.#count++;
  }

  /** Pairs [first, repeat] of ordinals of equal items, by repeat; `itemAt` reads an item again. */
  repeats(itemAt: (ordinal: number) => T): Array<[number, number]> {
    const sorted = this.#numbers.slice(0, this.#count).sort();
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < sorted.length;) {
      const print = Math.floor(sorted[i]! / ORDINAL_BITS);
      let j = i + 1;
      while (j < sorted.length && Math.floor(sorted[j]! / ORDINAL_BITS) === print) j++;
      if (j - i > 1) {
        // Same print: compare exactly, in ordinal order (the sort keeps it within one print).
        const seen = new Map<string, number>();
        for (let k = i; k < j; k++) {
          const ordinal = sorted[k]! % ORDINAL_BITS;
          const key = this.#key(itemAt(ordinal));
          const first = seen.get(key);
          if (first === undefined) seen.set(key, ordinal);
          else pairs.push([first, ordinal]);
        }
      }
      i = j;
    }
    return pairs.sort((a, b) => a[1] - b[1]);
  }
}

/** Duplicate JSON values (uniqueItems), items added in index order. */
export class DuplicateFinder extends RepeatFinder<unknown> {
  constructor() {
    super(fingerprint, canonicalJson);
  }
}

/** Index pairs [first, duplicate] of equal items. */
export function duplicateItems(items: readonly unknown[]): Array<[number, number]> {
  if (items.length < 2) return [];
  const finder = new DuplicateFinder();
  for (const item of items) finder.add(item);
  return finder.repeats((i) => items[i]);
}
