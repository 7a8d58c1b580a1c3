import { decode, Tag } from 'cbor2';

/**
 * COSE_Sign1 (RFC 9052 §4.2) read with cbor2: the tagged four-element array,
 * its protected header decoded from its byte string (kept as bytes too: the
 * signature is over them). Tags are left as Tag objects (no Date
 * conversion), maps are Maps, duplicate keys are refused.
 */
export interface CoseSign1 {
  protectedBytes: Buffer;
  protectedMap: Map<unknown, unknown>;
  unprotected: Map<unknown, unknown>;
  payload: Buffer;
  signature: Buffer;
}

export const CBOR_OPTIONS = { ignoreGlobalTags: true, preferMap: true, rejectDuplicateKeys: true } as const;

export function asBytes(value: unknown): Buffer | undefined {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : undefined;
}

/** `notCose` when the bytes are CBOR but not a tagged COSE_Sign1; `reason` for anything else wrong. */
export function readCoseSign1(bytes: Uint8Array): CoseSign1 | { notCose: boolean; reason: string } {
  let value: unknown;
  try {
    value = decode(bytes, CBOR_OPTIONS);
  } catch (err) {
    return { notCose: true, reason: `not CBOR: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!(value instanceof Tag) || Number(value.tag) !== 18 || !Array.isArray(value.contents) || value.contents.length !== 4) {
    return { notCose: true, reason: 'not a tagged COSE_Sign1 (CBOR tag 18 around 4 elements)' };
  }
  const [p, u, payload, signature] = value.contents as unknown[];
  const protectedBytes = asBytes(p);
  const payloadBytes = asBytes(payload);
  const signatureBytes = asBytes(signature);
  if (!protectedBytes || !(u instanceof Map) || !payloadBytes || !signatureBytes) {
    return { notCose: false, reason: 'COSE_Sign1 must be [protected bstr, unprotected map, payload bstr (not detached), signature bstr]' };
  }
  let protectedMap: unknown;
  try {
    protectedMap = protectedBytes.length === 0 ? new Map() : decode(protectedBytes, CBOR_OPTIONS);
  } catch (err) {
    return { notCose: false, reason: `COSE protected header is not CBOR: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!(protectedMap instanceof Map)) return { notCose: false, reason: 'COSE protected header is not a map' };
  return { protectedBytes, protectedMap, unprotected: u, payload: payloadBytes, signature: signatureBytes };
}

/** A CBOR tag's number, or undefined when the value is no tag. */
export function tagNumber(value: unknown): number | undefined {
  return value instanceof Tag ? Number(value.tag) : undefined;
}

export function tagContents(value: unknown): unknown {
  return value instanceof Tag ? value.contents : undefined;
}
