import { isRecord } from '../../lib/is-record.js';

/** Small, total readers over untrusted parsed JSON: never throw, never trust a type. */

export type Json = Record<string, unknown>;

export { isRecord };

export function record(value: unknown, ...keys: string[]): Json | undefined {
  let current: unknown = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return isRecord(current) ? current : undefined;
}

export function array(value: unknown, key?: string): unknown[] {
  const v = key === undefined ? value : isRecord(value) ? value[key] : undefined;
  return Array.isArray(v) ? v : [];
}

export function text(value: unknown, key?: string): string | undefined {
  const v = key === undefined ? value : isRecord(value) ? value[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Parse JSON bytes (UTF-8, optional BOM); undefined when they are not JSON. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(source.charCodeAt(0) === 0xfeff ? source.slice(1) : source) as unknown;
  } catch {
    return undefined;
  }
}

/** Standard or URL-safe base64 to bytes; undefined when it is not base64. */
export function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** A `sha256:<64 hex>` digest, lower-cased, or undefined. */
export function sha256Digest(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(value.trim());
  return m ? `sha256:${m[1]!.toLowerCase()}` : undefined;
}

/** An RFC 3339 / ISO 8601 time, or undefined when absent or unreadable (Go's zero time counts as absent). */
export function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970) return undefined;
  return date;
}
