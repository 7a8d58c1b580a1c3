import { decodeBase64, isRecord, MAX_CERT_BYTES, MAX_CHAIN_LENGTH, parseJson, str } from './bytes.js';
import type { RekorBundle } from './detached.js';
import { parseCertificatesPem } from './pem.js';
import type { X509Certificate } from '@sigstore/core';

/** cosign writes both spellings over its history; custody reads either. */
const PREFIXES = ['dev.cosignproject.cosign/', 'dev.sigstore.cosign/'];

export function cosignAnnotation(annotations: Record<string, string> | undefined, name: string): string | undefined {
  if (!annotations) return undefined;
  for (const prefix of PREFIXES) {
    const value = annotations[prefix + name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

export function hasCosignSignature(annotations: Record<string, string> | undefined): boolean {
  return cosignAnnotation(annotations, 'signature') !== undefined;
}

/** The signing material cosign keeps in layer annotations. */
export interface CosignMaterial {
  /** Decoded `signature`; undefined when the annotation is empty (DSSE layers keep it in the envelope). */
  signature?: Buffer;
  certificate?: X509Certificate;
  chain: X509Certificate[];
  rekor?: RekorBundle;
  /** The `rfc3161timestamp` annotation was present (not checked by custody, see docs/trust.md). */
  hasTimestamp: boolean;
}

/** Read cosign's annotations; a string says which one is broken. */
export function readCosignMaterial(annotations: Record<string, string> | undefined): CosignMaterial | string {
  const sigText = cosignAnnotation(annotations, 'signature');
  const out: CosignMaterial = { chain: [], hasTimestamp: cosignAnnotation(annotations, 'rfc3161timestamp') !== undefined };
  if (sigText !== undefined && sigText.trim() !== '') {
    const sig = sigText.length <= MAX_CERT_BYTES ? decodeBase64(sigText.trim()) : undefined;
    if (!sig || sig.length === 0) return 'signature annotation is not base64';
    out.signature = sig;
  }
  const certText = cosignAnnotation(annotations, 'certificate');
  if (certText !== undefined && certText.trim() !== '') {
    const certs = readCerts(certText, 1);
    if (typeof certs === 'string' || certs.length !== 1) return `certificate annotation: ${typeof certs === 'string' ? certs : 'expected one certificate'}`;
    out.certificate = certs[0];
  }
  const chainText = cosignAnnotation(annotations, 'chain');
  if (chainText !== undefined && chainText.trim() !== '') {
    const certs = readCerts(chainText, MAX_CHAIN_LENGTH);
    if (typeof certs === 'string') return `chain annotation: ${certs}`;
    out.chain = certs;
  }
  const bundleText = cosignAnnotation(annotations, 'bundle');
  if (bundleText !== undefined && bundleText.trim() !== '') {
    const rekor = parseRekorBundle(bundleText);
    if (!rekor) return 'bundle annotation is not a Rekor SignedEntryTimestamp bundle';
    out.rekor = rekor;
  }
  return out;
}

function readCerts(text: string, max: number): X509Certificate[] | string {
  if (text.length > MAX_CERT_BYTES * max) return 'too large';
  try {
    const certs = parseCertificatesPem(text, max);
    return certs.length === 0 ? 'no PEM certificate' : certs;
  } catch (err) {
    return (err as Error).message;
  }
}

/** cosign's `bundle` annotation: {SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}. */
export function parseRekorBundle(text: string): RekorBundle | undefined {
  const value = parseJson(Buffer.from(text, 'utf8'), 4 * MAX_CERT_BYTES);
  if (!isRecord(value) || !isRecord(value.Payload)) return undefined;
  const p = value.Payload;
  const set = decodeBase64(str(value.SignedEntryTimestamp) ?? '');
  const body = decodeBase64(str(p.body) ?? '');
  const { integratedTime, logIndex } = p;
  const logID = str(p.logID);
  if (!set || !body || !Number.isSafeInteger(integratedTime) || !Number.isSafeInteger(logIndex)) return undefined;
  if (!logID || !/^[0-9a-f]{64}$/.test(logID)) return undefined;
  return { set, body, integratedTime: integratedTime as number, logIndex: logIndex as number, logID };
}
