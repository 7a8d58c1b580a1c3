import type { X509Certificate } from '@sigstore/core';
import type { Verification } from '../types.js';
import { readCosignMaterial } from './annotations.js';
import { sha256Hex } from '../lib/hash.js';
import { decodeBase64, isRecord, MAX_CERT_BYTES, parseJson, str } from './bytes.js';
import type { TrustMaterial } from './material.js';
import { parseCertificatesPem } from './pem.js';
import { matchStatementSubject } from './statement.js';
import { isMatcher, toMatcher, type Target, type TargetMatcher } from './target.js';
import { failed, finding, type Finding } from './verdict.js';
import { verifySignedObject } from './detached.js';
import { dsse } from '@sigstore/core';

export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseEnvelope {
  payloadType: string;
  payload: Buffer;
  signatures: { sig: Buffer; keyid?: string; cert?: X509Certificate }[];
}

/** DSSE v1 pre-authentication encoding (dsse protocol.md): @sigstore/core's. */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  return dsse.preAuthEncoding(payloadType, payload);
}

/** Parse a DSSE envelope; a string says what is wrong with it. */
export function parseEnvelope(value: unknown): DsseEnvelope | string {
  if (!isRecord(value)) return 'not a JSON object';
  const payloadType = str(value.payloadType);
  const payloadText = str(value.payload);
  if (payloadType === undefined || payloadText === undefined) return 'payloadType or payload missing';
  const payload = decodeBase64(payloadText);
  if (!payload) return 'payload is not base64';
  if (!Array.isArray(value.signatures) || value.signatures.length === 0) return 'no signatures';
  if (value.signatures.length > 16) return 'too many signatures';
  const signatures: DsseEnvelope['signatures'] = [];
  for (const [i, s] of value.signatures.entries()) {
    if (!isRecord(s)) return `signatures[${i}] is not an object`;
    const sig = decodeBase64(str(s.sig) ?? '');
    if (!sig || sig.length === 0) return `signatures[${i}].sig is not base64`;
    const entry: DsseEnvelope['signatures'][number] = { sig };
    const keyid = str(s.keyid);
    if (keyid) entry.keyid = keyid;
    // slsa-github-generator's legacy envelopes carry the Fulcio certificate per signature.
    const certText = str(s.cert);
    if (certText && certText.trim() !== '') {
      try {
        const certs = certText.length <= MAX_CERT_BYTES ? parseCertificatesPem(certText, 1) : [];
        if (certs.length !== 1) return `signatures[${i}].cert is not one PEM certificate`;
        entry.cert = certs[0]!;
      } catch (err) {
        return `signatures[${i}].cert: ${(err as Error).message}`;
      }
    }
    signatures.push(entry);
  }
  return { payloadType, payload, signatures };
}

/**
 * A DSSE envelope: a cosign `.att` layer (certificate, chain and Rekor
 * bundle in the layer annotations) or a bare envelope. The signature is over
 * the PAE; an in-toto statement must name the target among its subjects,
 * any other payload must be the target itself.
 */
export function verifyDsseEnvelope(
  bytes: Uint8Array,
  annotations: Record<string, string> | undefined,
  target: Target,
  trust: TrustMaterial,
  now: Date,
): Verification {
  const what = 'DSSE envelope';
  const envelope = parseEnvelope(parseJson(bytes));
  if (typeof envelope === 'string') return failed('malformed', `${what}: ${envelope}`);
  const material = readCosignMaterial(annotations);
  if (typeof material === 'string') return failed('malformed', `${what}: ${material}`);
  const matcher = toMatcher(target);
  if (!isMatcher(matcher)) return failed(matcher!.code, `${what}: ${matcher!.reason}`);

  const certificate = material.certificate ?? envelope.signatures.find((s) => s.cert)?.cert;
  return verifySignedObject(
    {
      data: preAuthEncoding(envelope.payloadType, envelope.payload),
      payload: envelope.payload,
      signatures: envelope.signatures.map((s) => s.sig),
      ...(certificate ? { certificate } : {}),
      chain: material.chain,
      notes: material.hasTimestamp ? ['RFC 3161 timestamp annotation not checked'] : [],
      ...(material.rekor ? { rekor: material.rekor } : {}),
      subject: () => checkPayloadSubject(envelope, matcher),
      keyIds: envelope.signatures.flatMap((s) => (s.keyid ? [s.keyid] : [])),
    },
    { trust, now, what: envelope.payloadType === IN_TOTO_PAYLOAD_TYPE ? 'in-toto attestation' : what },
  );
}

/**
 * What the signed payload must say about the target, once its signature
 * verified. An in-toto Statement names it among its subjects; an in-toto v0.9
 * link (in-toto-run --use-dsse) among its materials or products; any other
 * payload, of any type, must be the target itself.
 */
export function checkPayloadSubject(envelope: { payloadType: string; payload: Buffer }, matcher: TargetMatcher): Finding {
  if (envelope.payloadType === IN_TOTO_PAYLOAD_TYPE) {
    const payload = parseJson(envelope.payload);
    if (payload === undefined) return finding('malformed', 'in-toto payload is not JSON');
    if (isRecord(payload) && typeof payload._type === 'string' && payload._type.startsWith('https://in-toto.io/Statement/'))
      return matchStatementSubject(payload, matcher);
    // in-toto v0.9 metadata (in-toto-run --use-dsse): a link is bound to an image by a layout's rules, which
    // custody does not evaluate, and a layout names no artifact; as in their {signed, signatures} form
    // (src/trust/in-toto-metadata.ts), the signature is what is checked.
    if (isRecord(payload) && (payload._type === 'link' || payload._type === 'layout')) return undefined;
  }
  if (matcher.matches('sha256', sha256Hex(envelope.payload))) return undefined;
  return finding('subject-mismatch', `signed ${envelope.payloadType} payload is not the target ${matcher.describe}`);
}
