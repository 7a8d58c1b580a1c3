import type { FormatProblem } from '../types.js';
import type { Detection, DetectInput, Format } from './format.js';
import { decodeBase64 } from './lib/base64.js';
import { certificateSummary, describeCertificate } from './lib/certificate.js';
import { asBytes, readCoseSign1, tagContents, tagNumber, type CoseSign1 } from './lib/cose.js';
import { toOciDigest } from './lib/digest.js';
import { parseEmbeddedJson } from './lib/embedded-json.js';
import { arrayField, at, field, isObject, objectField, stringField } from './lib/json.js';
import { parseMediaType } from './lib/media-type.js';
import { checkSchema, problem } from './lib/problems.js';

/**
 * Notary Project (Notation) signature envelopes, checked for shape here and
 * verified by src/trust/notation with a Notation trust store: JWS JSON
 * (`application/jose+json`) and COSE_Sign1 (`application/cose`, binary:
 * recognised by media type, or by content when it is a tagged COSE_Sign1
 * whose content type is the Notary payload). Problems inside the decoded JWS
 * header and payload are reported at `/protected/<field>` and `/payload/<field>`.
 */
const SIGNATURE_ARTIFACT = 'application/vnd.cncf.notary.signature';
const JWS = 'application/jose+json';
const COSE = 'application/cose';
const NOTARY_PAYLOAD = 'application/vnd.cncf.notary.payload.v1+json';

interface Decoded {
  protected?: unknown;
  payload?: unknown;
  problems: FormatProblem[];
}

const cache = new WeakMap<object, Decoded>();

function decodePart(envelope: unknown, key: 'protected' | 'payload', problems: FormatProblem[], limits: DetectInput['limits']): unknown {
  const raw = field(envelope, key);
  if (typeof raw !== 'string') return undefined;
  const bytes = decodeBase64(raw);
  if (!bytes) return undefined; // The envelope schema names it.
  const parsed = parseEmbeddedJson(bytes, limits);
  if (!parsed.ok) {
    problems.push(problem('notation-part-not-json', `/${key}`, `/${key} decodes to something that is ${parsed.reason}`));
    return undefined;
  }
  return parsed.value;
}

function decodeJws(envelope: unknown, limits: DetectInput['limits']): Decoded {
  if (isObject(envelope)) {
    const hit = cache.get(envelope);
    if (hit) return hit;
  }
  const problems: FormatProblem[] = [];
  const decoded: Decoded = { problems };
  decoded.protected = decodePart(envelope, 'protected', problems, limits);
  decoded.payload = decodePart(envelope, 'payload', problems, limits);
  if (isObject(envelope)) cache.set(envelope, decoded);
  return decoded;
}

function protectedCty(envelope: unknown, limits: DetectInput['limits']): string | undefined {
  return stringField(decodeJws(envelope, limits).protected, 'cty');
}

function isCose(input: DetectInput): boolean {
  return parseMediaType(input.mediaType).base === COSE;
}

const coseCache = new WeakMap<Uint8Array, CoseSign1 | undefined>();

/** The envelope as COSE_Sign1, when the bytes are one (undefined otherwise). */
function cose(input: DetectInput): CoseSign1 | undefined {
  const bytes = input.bytes;
  if (!bytes || bytes[0] !== 0xd2) return undefined;
  if (coseCache.has(bytes)) return coseCache.get(bytes);
  const read = readCoseSign1(bytes);
  const parts = 'reason' in read ? undefined : read;
  coseCache.set(bytes, parts);
  return parts;
}

function cosePayload(input: DetectInput): unknown {
  const parts = cose(input);
  if (!parts) return undefined;
  const parsed = parseEmbeddedJson(parts.payload, input.limits);
  return parsed.ok ? parsed.value : undefined;
}

function coseTime(value: unknown): string | null {
  const epoch = tagContents(value);
  return tagNumber(value) === 1 && typeof epoch === 'number' && Number.isFinite(epoch) ? new Date(epoch * 1000).toISOString() : null;
}

function summarizeCose(input: DetectInput): Record<string, unknown> {
  const parts = cose(input);
  if (!parts) return { envelope: 'cose' };
  const target = at(cosePayload(input), 'targetArtifact');
  const chain = parts.unprotected.get(33);
  const certs = (Array.isArray(chain) ? chain : chain === undefined ? [] : [chain]).map(asBytes);
  const scheme = parts.protectedMap.get('io.cncf.notary.signingScheme');
  const agent = parts.unprotected.get('io.cncf.notary.signingAgent');
  return {
    envelope: 'cose',
    signedDigest: stringField(target, 'digest') ?? null,
    signedMediaType: stringField(target, 'mediaType') ?? null,
    signingScheme: typeof scheme === 'string' ? scheme : null,
    signingTime: coseTime(parts.protectedMap.get('io.cncf.notary.signingTime') ?? parts.protectedMap.get('io.cncf.notary.authenticSigningTime')),
    signingAgent: typeof agent === 'string' ? agent : null,
    timestamped: parts.unprotected.has('io.cncf.notary.timestampSignature'),
    certificateChainLength: certs.length,
    ...certificateSummary(describeCertificate(certs[0])),
  };
}

export const notation: Format = {
  id: 'notation',
  kind: 'signature',
  defaultMediaType: JWS,
  detect(input: DetectInput): Detection | undefined {
    const base = parseMediaType(input.mediaType).base;
    if (base === COSE) return { by: 'media-type', reason: `media type ${base}`, version: 'cose' };
    if (base === SIGNATURE_ARTIFACT) return { by: 'media-type', reason: `media type ${base}`, version: input.json === undefined ? 'cose' : 'jws' };
    if (input.json === undefined && cose(input)?.protectedMap.get(3) === NOTARY_PAYLOAD) {
      return { by: 'content', reason: `COSE_Sign1 (CBOR tag 18) with content type ${NOTARY_PAYLOAD}`, version: 'cose' };
    }
    const looksJws = isObject(input.json) && typeof input.json.protected === 'string' && typeof input.json.payload === 'string';
    if (!looksJws) return undefined;
    const cty = protectedCty(input.json, input.limits);
    if (base === JWS && cty === NOTARY_PAYLOAD) return { by: 'media-type', reason: `media type ${base} with cty ${cty}`, version: 'jws' };
    if (cty === NOTARY_PAYLOAD) return { by: 'content', reason: `marker protected cty=${cty}`, version: 'jws' };
    return undefined;
  },
  validate(input, detection) {
    if (detection.version === 'cose' || isCose(input)) {
      // COSE_Sign1 is CBOR tag 18 (0xd2) around a four-element array (0x84); untagged, just the array.
      const first = input.bytes?.[0];
      const ok = first === 0xd2 || first === 0x84;
      return ok ? [] : [problem('notation-cose-not-sign1', '', 'the bytes do not start a COSE_Sign1 structure (CBOR tag 18 or a 4-element array)')];
    }
    const problems = checkSchema('formats/notation-jws.schema.json', input.json);
    const decoded = decodeJws(input.json, input.limits);
    problems.push(...decoded.problems);
    if (decoded.protected !== undefined || decoded.payload !== undefined) {
      const parts: Record<string, unknown> = {};
      if (decoded.protected !== undefined) parts.protected = decoded.protected;
      if (decoded.payload !== undefined) parts.payload = decoded.payload;
      const partProblems = checkSchema('formats/notation-jws-parts.schema.json', parts).filter(
        (p) => !(p.code === 'schema-required' && (p.path === '/protected' || p.path === '/payload')),
      );
      problems.push(...partProblems);
    }
    return problems;
  },
  subjects(input) {
    if (isCose(input) || input.json === undefined) {
      const digest = toOciDigest(at(cosePayload(input), 'targetArtifact', 'digest'));
      return digest ? [digest] : [];
    }
    const digest = toOciDigest(at(decodeJws(input.json, input.limits).payload, 'targetArtifact', 'digest'));
    return digest ? [digest] : [];
  },
  summarize(input, detection) {
    if (detection.version === 'cose' || isCose(input)) return summarizeCose(input);
    const decoded = decodeJws(input.json, input.limits);
    const header = objectField(input.json, 'header');
    const chain = arrayField(header, 'x5c');
    const leaf = decodeBase64(chain[0]);
    const summary: Record<string, unknown> = {
      envelope: 'jws',
      signedDigest: stringField(at(decoded.payload, 'targetArtifact'), 'digest') ?? null,
      signedMediaType: stringField(at(decoded.payload, 'targetArtifact'), 'mediaType') ?? null,
      signingScheme: stringField(decoded.protected, 'io.cncf.notary.signingScheme') ?? null,
      signingTime:
        stringField(decoded.protected, 'io.cncf.notary.signingTime') ?? stringField(decoded.protected, 'io.cncf.notary.authenticSigningTime') ?? null,
      signingAgent: stringField(header, 'io.cncf.notary.signingAgent') ?? null,
      timestamped: field(header, 'io.cncf.notary.timestampSignature') !== undefined,
      certificateChainLength: chain.length,
      ...certificateSummary(describeCertificate(leaf)),
    };
    return summary;
  },
};
