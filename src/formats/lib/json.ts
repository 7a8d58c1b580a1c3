import { isRecord as isObject } from '../../lib/is-record.js';

/** Read-only accessors for parsed JSON of unknown shape. None of them throws or mutates. */

export type JsonObject = Record<string, unknown>;

export { isObject };

export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Own property only: `__proto__` or `constructor` in hostile input never reaches the prototype chain. */
export function field(value: unknown, key: string): unknown {
  return isObject(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

export function stringField(value: unknown, key: string): string | undefined {
  return asString(field(value, key));
}

export function objectField(value: unknown, key: string): JsonObject | undefined {
  return asObject(field(value, key));
}

export function arrayField(value: unknown, key: string): readonly unknown[] {
  return asArray(field(value, key));
}

/** `{ [key]: value }`, or nothing when the value is absent: for optional summary fields, spread in place. */
export function optional(key: string, value: unknown): Record<string, unknown> {
  return value === undefined || value === null ? {} : { [key]: value };
}

/** Follow a chain of own keys. */
export function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = field(current, key);
  return current;
}

/** JSON Pointer segment escaping (RFC 6901). */
export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + escapePointer(s)).join('');
}

/** Count occurrences by key, in a plain object with a fixed key order. */
export function countBy<T>(items: Iterable<T>, keyOf: (item: T) => string | undefined, keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = 0;
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
