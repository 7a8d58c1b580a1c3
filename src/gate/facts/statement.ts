import { array, decodeBase64, isRecord, parseJsonBytes, record, text } from './json.js';

const STATEMENT_TYPES = new Set(['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1']);
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** How an in-toto statement arrived: only an envelope carries a signature to re-verify. */
export type Wrapping = 'bare' | 'dsse' | 'sigstore-bundle';

export interface StatementFacts {
  predicateType: string;
  /** Subject digests as `sha256:<hex>` (other algorithms are left out: images are named by sha256). */
  subjects: string[];
  predicate: unknown;
  wrapping: Wrapping;
}

/**
 * The in-toto statement in a document: a bare Statement v0.1/v1, the payload
 * of a DSSE envelope (cosign `.att` layers, `.intoto.jsonl` lines) or of a
 * Sigstore bundle's `dsseEnvelope`. undefined when there is none.
 */
export function readStatement(json: unknown): StatementFacts | undefined {
  if (isStatement(json)) return toFacts(json, 'bare');
  const bundleEnvelope = record(json, 'dsseEnvelope');
  if (bundleEnvelope && /^application\/vnd\.dev\.sigstore\.bundle/.test(text(json, 'mediaType') ?? '')) {
    const statement = envelopeStatement(bundleEnvelope);
    return statement ? toFacts(statement, 'sigstore-bundle') : undefined;
  }
  if (isRecord(json) && typeof json.payloadType === 'string' && typeof json.payload === 'string' && Array.isArray(json.signatures)) {
    const statement = envelopeStatement(json);
    return statement ? toFacts(statement, 'dsse') : undefined;
  }
  return undefined;
}

function envelopeStatement(envelope: Record<string, unknown>): Record<string, unknown> | undefined {
  if (text(envelope, 'payloadType') !== IN_TOTO_PAYLOAD_TYPE) return undefined;
  const payload = decodeBase64(envelope.payload);
  if (!payload) return undefined;
  const statement = parseJsonBytes(payload);
  return isStatement(statement) ? statement : undefined;
}

function isStatement(json: unknown): json is Record<string, unknown> {
  return isRecord(json) && STATEMENT_TYPES.has(text(json, '_type') ?? '') && typeof json.predicateType === 'string';
}

function toFacts(statement: Record<string, unknown>, wrapping: Wrapping): StatementFacts {
  const subjects: string[] = [];
  for (const subject of array(statement, 'subject')) {
    const hex = text(record(subject, 'digest'), 'sha256');
    if (hex && /^[0-9a-fA-F]{64}$/.test(hex)) subjects.push(`sha256:${hex.toLowerCase()}`);
  }
  return { predicateType: text(statement, 'predicateType')!, subjects: [...new Set(subjects)], predicate: statement.predicate, wrapping };
}
