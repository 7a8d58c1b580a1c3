import { encode } from 'cbor2';
import { asBytes, readCoseSign1, tagContents, tagNumber } from '../../formats/lib/cose.js';
import { isRecord, MAX_CERT_BYTES, MAX_CHAIN_LENGTH, parseJson } from '../bytes.js';
import type { VerdictCode } from '../verdict.js';

/**
 * Notary Project signature envelopes (signature-envelope-jws.md,
 * signature-envelope-cose.md), read into one shape. Parsing checks the
 * envelope's own rules (required and critical headers, content type, the
 * signing scheme's time header); the signature, chain and trust are checked
 * by verify.ts.
 */
export const NOTATION_SIGNATURE_ARTIFACT = 'application/vnd.cncf.notary.signature';
export const NOTATION_PAYLOAD = 'application/vnd.cncf.notary.payload.v1+json';
export const JWS_MEDIA_TYPE = 'application/jose+json';
export const COSE_MEDIA_TYPE = 'application/cose';

export type NotationAlg = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';
export type SigningScheme = 'notary.x509' | 'notary.x509.signingAuthority';

export interface TargetArtifact {
  mediaType: string;
  digest: string;
  size: number;
}

export interface NotationEnvelope {
  format: 'jws' | 'cose';
  alg: NotationAlg;
  /** The exact bytes the signature covers (JWS signing input, COSE Sig_structure). */
  signingInput: Buffer;
  signature: Buffer;
  targetArtifact: TargetArtifact;
  signingScheme: SigningScheme;
  /** Signer-claimed time (notary.x509); not authenticated. */
  signingTime?: Date;
  /** notary.x509.signingAuthority: the time the signing authority vouches for. */
  authenticSigningTime?: Date;
  expiry?: Date;
  verificationPlugin?: string;
  verificationPluginMinVersion?: string;
  /** Critical headers the Notary Project specification does not define. */
  unknownCritical: string[];
  /** DER, leaf first, root last. */
  certificates: Buffer[];
  /** RFC 3161 TimeStampToken over the signature bytes. */
  timestamp?: Buffer;
  signingAgent?: string;
}

export interface EnvelopeError {
  code: VerdictCode;
  reason: string;
}

const JWS_ALGS: Record<string, NotationAlg> = { PS256: 'PS256', PS384: 'PS384', PS512: 'PS512', ES256: 'ES256', ES384: 'ES384', ES512: 'ES512' };
/** COSE algorithm identifiers (RFC 9053, RFC 8230) Notation allows. */
const COSE_ALGS: Record<number, NotationAlg> = { [-37]: 'PS256', [-38]: 'PS384', [-39]: 'PS512', [-7]: 'ES256', [-35]: 'ES384', [-36]: 'ES512' };

const SCHEME = 'io.cncf.notary.signingScheme';
const SIGNING_TIME = 'io.cncf.notary.signingTime';
const AUTHENTIC_TIME = 'io.cncf.notary.authenticSigningTime';
const EXPIRY = 'io.cncf.notary.expiry';
const PLUGIN = 'io.cncf.notary.verificationPlugin';
const PLUGIN_MIN = 'io.cncf.notary.verificationPluginMinVersion';
const AGENT = 'io.cncf.notary.signingAgent';
const TIMESTAMP = 'io.cncf.notary.timestampSignature';
/** Critical headers Notation defines: custody understands all of them (a plugin one, to say it needs a plugin). */
const KNOWN_CRITICAL = new Set([SCHEME, AUTHENTIC_TIME, EXPIRY, PLUGIN, PLUGIN_MIN]);
/** Headers that must be listed in `crit` whenever present. */
const MUST_BE_CRITICAL = [SCHEME, AUTHENTIC_TIME, EXPIRY, PLUGIN, PLUGIN_MIN];

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

const bad = (code: VerdictCode, reason: string): EnvelopeError => ({ code, reason });

/** Is this a Notation signature by its media type? */
export function isNotationMediaType(mediaType: string): boolean {
  const base = mediaType.split(';')[0]!.trim().toLowerCase();
  return base === NOTATION_SIGNATURE_ARTIFACT || base === JWS_MEDIA_TYPE || base === COSE_MEDIA_TYPE;
}

/** Does the content look like a Notation envelope (JWS with the Notary payload type, or a COSE_Sign1 with it)? */
export function looksLikeNotation(bytes: Uint8Array): boolean {
  if (bytes[0] === 0xd2 && bytes[1] === 0x84) {
    const cose = readCoseSign1(bytes);
    return !('reason' in cose) && cose.protectedMap.get(3) === NOTATION_PAYLOAD;
  }
  const json = parseJson(bytes);
  if (!isRecord(json) || typeof json.protected !== 'string' || typeof json.payload !== 'string') return false;
  const header = decodeB64UrlJson(json.protected);
  return isRecord(header) && header.cty === NOTATION_PAYLOAD;
}

/** Parse a JWS JSON or COSE_Sign1 Notation envelope. Never throws. */
export function parseNotationEnvelope(bytes: Uint8Array): NotationEnvelope | EnvelopeError {
  try {
    if (bytes[0] === 0xd2 || bytes[0] === 0x84) return parseCose(bytes);
    return parseJws(bytes);
  } catch (err) {
    return bad('malformed', `Notation envelope: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// ---------------------------------------------------------------- JWS

/** base64url without padding (RFC 7515 §2), strictly. */
function decodeB64Url(text: string): Buffer | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text, 'base64url');
}

function decodeB64UrlJson(text: string): unknown {
  const bytes = decodeB64Url(text);
  return bytes ? parseJson(bytes) : undefined;
}

function parseJws(bytes: Uint8Array): NotationEnvelope | EnvelopeError {
  const json = parseJson(bytes);
  if (!isRecord(json)) return bad('malformed', 'JWS envelope: not a JSON object');
  const { payload, signature, header } = json;
  const protectedText = json.protected;
  if (typeof protectedText !== 'string' || typeof payload !== 'string' || typeof signature !== 'string' || !isRecord(header)) {
    return bad('malformed', 'JWS envelope: protected, payload, signature (strings) and header (object) are required (JWS JSON serialization, flattened)');
  }
  // signature-envelope-jws.md: base64url without padding; a padded part is not the part that was signed.
  for (const [name, value] of [
    ['protected', protectedText],
    ['payload', payload],
    ['signature', signature],
  ] as const) {
    if (!decodeB64Url(value)) return bad('signature-invalid', `JWS ${name} is not base64url without padding (RFC 7515 §2): the signature cannot be over it`);
  }
  const protectedHeader = parseJson(decodeB64Url(protectedText)!);
  if (!isRecord(protectedHeader)) return bad('malformed', 'JWS protected header is not a JSON object');
  const alg = JWS_ALGS[String(protectedHeader.alg)];
  if (!alg)
    return bad('unsupported', `JWS protected header alg ${JSON.stringify(protectedHeader.alg)} is not one Notation allows (PS256/384/512, ES256/384/512)`);
  if (protectedHeader.cty !== NOTATION_PAYLOAD)
    return bad('signature-invalid', `JWS protected header cty must be ${NOTATION_PAYLOAD}, not ${JSON.stringify(protectedHeader.cty)}`);
  const crit = protectedHeader.crit;
  if (!Array.isArray(crit) || crit.some((c) => typeof c !== 'string'))
    return bad('signature-invalid', 'JWS protected header crit must be an array of header names');
  const times = (name: string): Date | EnvelopeError | undefined => {
    const value = protectedHeader[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
      return bad('signature-invalid', `JWS protected header ${name} ${JSON.stringify(value)} is not an RFC 3339 time`);
    }
    return new Date(value);
  };
  const certs = header.x5c;
  if (!Array.isArray(certs)) return bad('malformed', 'JWS header x5c (the certificate chain) is missing');
  const certificates: Buffer[] = [];
  for (const [i, c] of certs.entries()) {
    const der = typeof c === 'string' ? decodeStdBase64(c) : undefined;
    if (!der) return bad('malformed', `JWS header x5c[${i}] is not base64 DER`);
    certificates.push(der);
  }
  // Go decodes the unprotected header case-insensitively (notation-go test data spells io.cncf.notary.SigningAgent).
  const unprotected = (name: string): unknown => {
    const key = Object.keys(header).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : header[key];
  };
  const ts = unprotected(TIMESTAMP);
  let timestamp: Buffer | undefined;
  if (ts !== undefined) {
    timestamp = typeof ts === 'string' ? decodeStdBase64(ts) : undefined;
    if (!timestamp) return bad('timestamp-invalid', `JWS header ${TIMESTAMP} is not base64`);
  }
  const agent = unprotected(AGENT);
  return finish({
    format: 'jws',
    alg,
    signingInput: Buffer.from(`${protectedText}.${payload}`, 'ascii'),
    signature: decodeB64Url(signature)!,
    payload: decodeB64Url(payload)!,
    header: protectedHeader,
    crit: crit as string[],
    time: times,
    certificates,
    ...(timestamp ? { timestamp } : {}),
    ...(typeof agent === 'string' ? { signingAgent: agent } : {}),
  });
}

/** x5c is standard base64 (RFC 7515 §4.1.6), not base64url. */
function decodeStdBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const der = Buffer.from(text, 'base64');
  return der.length > 0 && der.length <= MAX_CERT_BYTES * 8 ? der : undefined;
}

// ---------------------------------------------------------------- COSE

function parseCose(bytes: Uint8Array): NotationEnvelope | EnvelopeError {
  const parts = readCoseSign1(bytes);
  if ('reason' in parts) return bad('malformed', `COSE envelope: ${parts.reason}`);
  const { protectedMap, unprotected } = parts;
  const algId = protectedMap.get(1);
  const alg = typeof algId === 'number' ? COSE_ALGS[algId] : undefined;
  if (!alg) return bad('unsupported', `COSE protected header alg (label 1) ${String(algId)} is not one Notation allows (PS256/384/512, ES256/384/512)`);
  if (protectedMap.get(3) !== NOTATION_PAYLOAD) return bad('signature-invalid', `COSE protected header content type (label 3) must be ${NOTATION_PAYLOAD}`);
  const crit = protectedMap.get(2);
  if (!Array.isArray(crit) || crit.some((c) => typeof c !== 'string' && typeof c !== 'number')) {
    return bad('signature-invalid', 'COSE protected header crit (label 2) must be an array of labels');
  }
  const header: Record<string, unknown> = {};
  for (const [k, v] of protectedMap) if (typeof k === 'string') header[k] = v;
  const times = (name: string): Date | EnvelopeError | undefined => {
    const v = protectedMap.get(name);
    if (v === undefined) return undefined;
    // signature-envelope-cose.md: times are CBOR tag 1 (epoch-based date/time).
    const epoch = tagContents(v);
    if (tagNumber(v) !== 1 || typeof epoch !== 'number' || !Number.isFinite(epoch)) {
      return bad('signature-invalid', `COSE protected header ${name} is not a CBOR tag 1 epoch time`);
    }
    return new Date(epoch * 1000);
  };
  const chain = unprotected.get(33);
  const list = Array.isArray(chain) ? chain : chain === undefined ? [] : [chain];
  const certificates: Buffer[] = [];
  for (const [i, c] of list.entries()) {
    const der = asBytes(c);
    if (!der) return bad('malformed', `COSE x5chain (label 33) entry ${i} is not a byte string`);
    certificates.push(der);
  }
  if (certificates.length === 0) return bad('malformed', 'COSE unprotected header x5chain (label 33, the certificate chain) is missing');
  const tsValue = unprotected.get(TIMESTAMP);
  const timestamp = tsValue === undefined ? undefined : asBytes(tsValue);
  if (tsValue !== undefined && !timestamp) return bad('timestamp-invalid', `COSE unprotected header ${TIMESTAMP} is not a byte string`);
  const agent = unprotected.get(AGENT);
  // RFC 9052 §4.4: Sig_structure = ["Signature1", body_protected, external_aad (empty), payload].
  // Plain Uint8Arrays: cbor2 would encode a Node Buffer through its toJSON, not as a byte string.
  const bstr = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  const signingInput = Buffer.from(encode(['Signature1', bstr(parts.protectedBytes), new Uint8Array(0), bstr(parts.payload)]));
  return finish({
    format: 'cose',
    alg,
    signingInput,
    signature: parts.signature,
    payload: parts.payload,
    header,
    crit: crit.map(String) as string[],
    time: times,
    certificates,
    ...(timestamp ? { timestamp } : {}),
    ...(typeof agent === 'string' ? { signingAgent: agent } : {}),
  });
}

// ---------------------------------------------------------------- common rules

interface Raw {
  format: 'jws' | 'cose';
  alg: NotationAlg;
  signingInput: Buffer;
  signature: Buffer;
  payload: Buffer;
  /** Protected headers with string labels. */
  header: Record<string, unknown>;
  crit: string[];
  time: (name: string) => Date | EnvelopeError | undefined;
  certificates: Buffer[];
  timestamp?: Buffer;
  signingAgent?: string;
}

function isError(v: unknown): v is EnvelopeError {
  return isRecord(v) && typeof v.code === 'string' && typeof v.reason === 'string';
}

/** The rules JWS and COSE share (signature-specification.md, "Signature Envelope"). */
function finish(raw: Raw): NotationEnvelope | EnvelopeError {
  const kind = raw.format.toUpperCase();
  if (raw.certificates.length > MAX_CHAIN_LENGTH)
    return bad('malformed', `${kind} certificate chain has ${raw.certificates.length} certificates, more than ${MAX_CHAIN_LENGTH}`);
  if (raw.signature.length === 0 || raw.signature.length > 1024) return bad('signature-invalid', `${kind} signature is ${raw.signature.length} bytes`);
  const scheme = raw.header[SCHEME];
  if (scheme !== 'notary.x509' && scheme !== 'notary.x509.signingAuthority') {
    return bad('unsupported', `${kind} protected header ${SCHEME} ${JSON.stringify(scheme)} is not notary.x509 or notary.x509.signingAuthority`);
  }
  for (const name of MUST_BE_CRITICAL) {
    if (raw.header[name] !== undefined && !raw.crit.includes(name))
      return bad('signature-invalid', `${kind} protected header ${name} is present but not listed in crit`);
  }
  for (const name of raw.crit) {
    if (raw.header[name] === undefined && !(raw.format === 'cose' && /^-?\d+$/.test(name))) {
      return bad('signature-invalid', `${kind} crit lists ${name}, which is not a protected header`);
    }
  }
  const signingTime = raw.time(SIGNING_TIME);
  const authenticSigningTime = raw.time(AUTHENTIC_TIME);
  const expiry = raw.time(EXPIRY);
  for (const t of [signingTime, authenticSigningTime, expiry]) if (isError(t)) return t;
  // signature-specification.md: notary.x509 carries signingTime; notary.x509.signingAuthority carries authenticSigningTime.
  if (scheme === 'notary.x509' && !signingTime) return bad('signature-invalid', `${kind} scheme notary.x509 needs protected header ${SIGNING_TIME}`);
  if (scheme === 'notary.x509.signingAuthority' && !authenticSigningTime) {
    return bad('signature-invalid', `${kind} scheme notary.x509.signingAuthority needs critical protected header ${AUTHENTIC_TIME}`);
  }
  const signed = (signingTime ?? authenticSigningTime) as Date;
  if (expiry && (expiry as Date).getTime() <= signed.getTime()) {
    return bad('signature-invalid', `${kind} ${EXPIRY} ${(expiry as Date).toISOString()} is not after the signing time ${signed.toISOString()}`);
  }
  for (const name of [PLUGIN, PLUGIN_MIN]) {
    if (raw.header[name] !== undefined && typeof raw.header[name] !== 'string')
      return bad('signature-invalid', `${kind} protected header ${name} is not a string`);
  }
  const payload = parseJson(raw.payload);
  const target = isRecord(payload) ? payload.targetArtifact : undefined;
  if (
    !isRecord(target) ||
    typeof target.mediaType !== 'string' ||
    typeof target.digest !== 'string' ||
    !Number.isSafeInteger(target.size) ||
    (target.size as number) < 0
  ) {
    return bad('signature-invalid', `${kind} payload is not a Notary payload: targetArtifact {mediaType, digest, size} is required`);
  }
  const envelope: NotationEnvelope = {
    format: raw.format,
    alg: raw.alg,
    signingInput: raw.signingInput,
    signature: raw.signature,
    targetArtifact: { mediaType: target.mediaType, digest: target.digest, size: target.size as number },
    signingScheme: scheme,
    unknownCritical: raw.crit.filter((c) => !KNOWN_CRITICAL.has(c)),
    certificates: raw.certificates,
  };
  if (signingTime) envelope.signingTime = signingTime as Date;
  if (authenticSigningTime) envelope.authenticSigningTime = authenticSigningTime as Date;
  if (expiry) envelope.expiry = expiry as Date;
  if (typeof raw.header[PLUGIN] === 'string') envelope.verificationPlugin = raw.header[PLUGIN];
  if (typeof raw.header[PLUGIN_MIN] === 'string') envelope.verificationPluginMinVersion = raw.header[PLUGIN_MIN];
  if (raw.timestamp) envelope.timestamp = raw.timestamp;
  if (raw.signingAgent !== undefined) envelope.signingAgent = raw.signingAgent;
  return envelope;
}
