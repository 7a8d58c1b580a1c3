import type { Limits } from '../lib/limits.js';
import type { FormatProblem, FormatProblemCode } from '../types.js';
import { IN_TOTO_PAYLOAD_TYPES, looksLikeStatement, statementSubjects, summarizeStatement, validateStatement } from './in-toto-model.js';
import { decodeBase64 } from './lib/base64.js';
import { metadataType, summarizeInTotoSigned, validateInTotoSigned } from './in-toto-metadata.js';
import { certificateSummary, describeCertificate } from './lib/certificate.js';
import { parseEmbeddedJson } from './lib/embedded-json.js';
import { arrayField, field, isObject, stringField } from './lib/json.js';
import { checkSchema, childPath, problem } from './lib/problems.js';

/**
 * DSSE envelopes (secure-systems-lab/dsse): payloadType, base64 payload,
 * signatures. An in-toto payload is decoded (strict base64, the run's JSON
 * limits) and checked as a Statement. Problems inside the payload are
 * reported at `<pointer to payload>/<pointer inside the decoded statement>`.
 */

export interface DecodedPayload {
  payloadType: string | undefined;
  /** Why the payload could not be read: `dsse-payload-not-base64` or `dsse-payload-not-json`. */
  failure?: { code: FormatProblemCode; reason: string };
  /** Set when the payload type announces in-toto and the payload decodes to JSON. */
  statement?: unknown;
}

const cache = new WeakMap<object, DecodedPayload>();

export function isInTotoPayloadType(payloadType: string | undefined): boolean {
  return payloadType !== undefined && IN_TOTO_PAYLOAD_TYPES.includes(payloadType.toLowerCase());
}

/** Decode once per envelope object; validate, subjects and summary share the result. */
export function decodePayload(envelope: unknown, limits?: Limits): DecodedPayload {
  if (isObject(envelope)) {
    const hit = cache.get(envelope);
    if (hit) return hit;
  }
  const payloadType = stringField(envelope, 'payloadType');
  const decoded: DecodedPayload = { payloadType };
  const raw = field(envelope, 'payload');
  const bytes = decodeBase64(raw);
  if (typeof raw === 'string' && !bytes) decoded.failure = { code: 'dsse-payload-not-base64', reason: 'is not base64' };
  if (bytes && isInTotoPayloadType(payloadType)) {
    const parsed = parseEmbeddedJson(bytes, limits);
    if (parsed.ok) decoded.statement = parsed.value;
    else decoded.failure = { code: 'dsse-payload-not-json', reason: `is declared in-toto but ${parsed.reason}` };
  }
  if (isObject(envelope)) cache.set(envelope, decoded);
  return decoded;
}

/** Envelope schema, payload decoding, and the statement inside. */
export function validateEnvelope(
  envelope: unknown,
  prefix = '',
  limits?: Limits,
  schema: string | null = 'formats/dsse-envelope.schema.json',
): FormatProblem[] {
  const problems = schema ? checkSchema(schema, envelope, prefix) : [];
  if (!isObject(envelope)) return problems;
  const payloadPath = childPath(prefix, 'payload');
  const decoded = decodePayload(envelope, limits);
  // The schema already names a payload that is not base64: one problem per field.
  const flagged = problems.some((p) => p.path === payloadPath);
  if (decoded.failure && !(flagged && decoded.failure.code === 'dsse-payload-not-base64')) {
    problems.push(problem(decoded.failure.code, payloadPath, `${payloadPath} ${decoded.failure.reason}`));
  }
  // in-toto-run's DSSE form carries a v0.9 link (or layout) where a Statement would be.
  if (decoded.statement !== undefined && metadataType(decoded.statement)) problems.push(...validateInTotoSigned(decoded.statement, payloadPath));
  else if (decoded.statement !== undefined) problems.push(...validateStatement(decoded.statement, payloadPath));
  return problems;
}

export function envelopeSubjects(envelope: unknown, limits?: Limits): string[] {
  const { statement } = decodePayload(envelope, limits);
  return statement !== undefined && looksLikeStatement(statement) ? statementSubjects(statement) : [];
}

/** payloadType, signature count and key ids, signer certificate (legacy cosign envelopes), and the statement. */
export function summarizeEnvelope(envelope: unknown, limits?: Limits): Record<string, unknown> {
  const signatures = arrayField(envelope, 'signatures');
  const keyIds = signatures.map((s) => stringField(s, 'keyid')).filter((k): k is string => k !== undefined && k !== '');
  const { payloadType, statement } = decodePayload(envelope, limits);
  const summary: Record<string, unknown> = {
    payloadType: payloadType ?? null,
    signatureCount: signatures.length,
  };
  if (keyIds.length > 0) summary.keyIds = keyIds;
  const cert = stringField(signatures[0], 'cert');
  if (cert) Object.assign(summary, certificateSummary(describeCertificate(cert)));
  if (statement !== undefined && looksLikeStatement(statement)) Object.assign(summary, summarizeStatement(statement));
  else if (statement !== undefined && metadataType(statement)) Object.assign(summary, summarizeInTotoSigned(statement));
  return summary;
}

export function looksLikeEnvelope(json: unknown): boolean {
  return isObject(json) && typeof json.payloadType === 'string' && typeof json.payload === 'string' && Array.isArray(json.signatures);
}
