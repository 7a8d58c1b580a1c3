import type { Limits } from '../lib/limits.js';
import type { FormatProblem } from '../types.js';
import { decodeBase64 } from './lib/base64.js';
import { certificateSummary, describeCertificate } from './lib/certificate.js';
import { toOciDigest } from './lib/digest.js';
import { parseEmbeddedJson } from './lib/embedded-json.js';
import { at, field, isObject, stringField } from './lib/json.js';
import { checkSchema, childPath, problem } from './lib/problems.js';

/**
 * cosign signatures over container images: the simple-signing payload
 * (containers-signature(5) / cosign payload), the layer annotations that
 * carry the signature, certificate, chain and Rekor bundle, and the
 * containers/image on-disk form that wraps both behind a 15-byte prefix.
 */

export const SIMPLESIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const ANNOTATION_SIGNATURE = 'dev.cosignproject.cosign/signature';
export const ANNOTATION_CERTIFICATE = 'dev.sigstore.cosign/certificate';
export const ANNOTATION_CHAIN = 'dev.sigstore.cosign/chain';
export const ANNOTATION_BUNDLE = 'dev.sigstore.cosign/bundle';
/** containers/image signature/internal/sigstore_payload.go: "\x00sigstore-json\n". */
export const CONTAINERS_SIGSTORE_PREFIX = '\u0000sigstore-json\n';

const SIGNATURE_TYPES = ['cosign container image signature', 'atomic container signature'];

export function looksLikePayload(json: unknown): boolean {
  const type = stringField(at(json, 'critical'), 'type');
  return type !== undefined && SIGNATURE_TYPES.includes(type);
}

export function validatePayload(payload: unknown, prefix = ''): FormatProblem[] {
  return checkSchema('formats/cosign-simplesigning.schema.json', payload, prefix);
}

export function validateAnnotations(annotations: unknown, prefix: string): FormatProblem[] {
  return checkSchema('formats/cosign-signature-annotations.schema.json', annotations, prefix);
}

export function payloadSubjects(payload: unknown): string[] {
  const digest = toOciDigest(at(payload, 'critical', 'image', 'docker-manifest-digest'));
  return digest ? [digest] : [];
}

/** Signed digest, reference and type; signer certificate and Rekor entry from the annotations when present. */
export function summarizeSignature(payload: unknown, annotations: Record<string, unknown> | undefined): Record<string, unknown> {
  const summary: Record<string, unknown> = {
    signedDigest: stringField(at(payload, 'critical', 'image'), 'docker-manifest-digest') ?? null,
    dockerReference: stringField(at(payload, 'critical', 'identity'), 'docker-reference') ?? null,
    signatureType: stringField(at(payload, 'critical'), 'type') ?? null,
  };
  const optional = field(payload, 'optional');
  if (isObject(optional) && Object.keys(optional).length > 0) summary.optional = { ...optional };
  if (!annotations) return summary;
  const signature = annotations[ANNOTATION_SIGNATURE];
  summary.signaturePresent = typeof signature === 'string' && signature.length > 0;
  const cert = annotations[ANNOTATION_CERTIFICATE];
  if (typeof cert === 'string' && cert.length > 0) {
    Object.assign(summary, certificateSummary(describeCertificate(cert)));
    summary.chainPresent = typeof annotations[ANNOTATION_CHAIN] === 'string';
  } else {
    // Key-based: the signature names no key; the verifier's key decides (src/trust).
    summary.signer = 'key';
  }
  Object.assign(summary, rekorFacts(annotations[ANNOTATION_BUNDLE]));
  return summary;
}

/** The Rekor SET cosign stores as JSON in the bundle annotation: log index and integrated time. */
function rekorFacts(bundle: unknown): Record<string, unknown> {
  if (typeof bundle !== 'string' || bundle.length === 0) return {};
  const parsed = parseEmbeddedJson(Buffer.from(bundle, 'utf8'));
  if (!parsed.ok) return { tlogEntryCount: 0 };
  const payload = field(parsed.value, 'Payload');
  const out: Record<string, unknown> = { tlogEntryCount: 1 };
  const logIndex = field(payload, 'logIndex');
  if (typeof logIndex === 'number' || typeof logIndex === 'string') out.tlogLogIndex = String(logIndex);
  const integrated = field(payload, 'integratedTime');
  if (typeof integrated === 'number' && Number.isFinite(integrated)) out.tlogIntegratedTime = new Date(integrated * 1000).toISOString();
  return out;
}

export interface ContainersSignature {
  /** The JSON after the prefix, when it parses. */
  envelope?: unknown;
  /** The decoded simple-signing payload, when the envelope's payload decodes to JSON. */
  payload?: unknown;
  failure?: FormatProblem;
  payloadFailure?: FormatProblem;
}

let memo: { text: string; value: ContainersSignature } | undefined;

/** Parse the on-disk form once (one-entry memo: validate, subjects and summary ask in turn). */
export function readContainersSignature(text: string, limits?: Limits): ContainersSignature {
  if (memo && memo.text === text) return memo.value;
  const value: ContainersSignature = {};
  const parsed = parseEmbeddedJson(Buffer.from(text.slice(CONTAINERS_SIGSTORE_PREFIX.length), 'utf8'), limits);
  if (!parsed.ok) {
    value.failure = problem('json-invalid', '', `the JSON after the sigstore-json prefix is ${parsed.reason}`);
  } else {
    value.envelope = parsed.value;
    const bytes = decodeBase64(field(parsed.value, 'payload'));
    if (bytes && stringField(parsed.value, 'mimeType') === SIMPLESIGNING_MEDIA_TYPE) {
      const inner = parseEmbeddedJson(bytes, limits);
      if (inner.ok) value.payload = inner.value;
      else value.payloadFailure = problem('cosign-payload-not-json', '/payload', `/payload decodes to something that is ${inner.reason}`);
    }
  }
  memo = { text, value };
  return value;
}

export function validateContainersSignature(sig: ContainersSignature): FormatProblem[] {
  if (sig.failure) return [sig.failure];
  const problems = checkSchema('formats/containers-sigstore-signature.schema.json', sig.envelope);
  if (sig.payloadFailure) problems.push(sig.payloadFailure);
  if (sig.payload !== undefined) problems.push(...validatePayload(sig.payload, childPath('', 'payload')));
  return problems;
}
