import { createHash } from 'node:crypto';

/** Largest signed object custody interprets (a DSSE envelope, a bundle, a payload). */
export const MAX_EVIDENCE_BYTES = 64 * 1024 * 1024;
/** Largest single certificate, public key or annotation value accepted. */
export const MAX_CERT_BYTES = 64 * 1024;
/** Most certificates in one chain. */
export const MAX_CHAIN_LENGTH = 10;

const STD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Decode base64 strictly: standard or URL-safe alphabet (DSSE allows both),
 * line breaks ignored as Go's decoder does, anything else refused. Buffer.from
 * would silently skip bad characters, so a mangled signature could decode.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!STD.test(compact) && !URL_SAFE.test(compact)) return undefined;
  const body = compact.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  if (compact.includes('=') && compact.length % 4 !== 0) return undefined;
  return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export function digestHex(algorithm: string, bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Parse JSON from bytes; undefined for non-UTF-8, oversize or invalid JSON. Never throws. */
export function parseJson(bytes: Uint8Array, limit = MAX_EVIDENCE_BYTES): unknown {
  if (bytes.length > limit) return undefined;
  try {
    return JSON.parse(UTF8.decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

export { isRecord } from '../lib/is-record.js';

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `sha256:<64 hex>` → the hex, lower-cased; undefined when not that shape. */
export function sha256DigestHex(digest: string): string | undefined {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(digest.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}
