import type { Limits } from '../lib/limits.js';
import type { EvidenceKind, FormatProblem } from '../types.js';
import { decodePayload, envelopeSubjects, summarizeEnvelope, validateEnvelope } from './dsse-model.js';
import { decodeBase64 } from './lib/base64.js';
import { certificateSummary, describeCertificate } from './lib/certificate.js';
import { fromAlgorithmHex } from './lib/digest.js';
import { arrayField, at, field, isObject, objectField, stringField } from './lib/json.js';
import { checkSchema, childPath, problem } from './lib/problems.js';
import { looksLikeStatement } from './in-toto-model.js';

/**
 * Sigstore bundles (protobuf-specs Bundle in proto3 JSON), v0.1 to v0.3.
 * Structure only: whether the signature, the certificate chain and the log
 * entries verify is decided in src/trust with trust material.
 */

const SCHEMA = 'formats/sigstore-bundle.schema.json';

/** `…bundle+json;version=0.2` → `0.2`; `…bundle.v0.3+json` → `0.3`. */
export function bundleVersion(mediaType: string | undefined): string | undefined {
  if (!mediaType) return undefined;
  const m = /^application\/vnd\.dev\.sigstore\.bundle(?:\+json;\s*version=([\d.]+)|\.v([\d.]+)\+json)$/i.exec(mediaType.trim());
  return m ? (m[1] ?? m[2]) : undefined;
}

export function looksLikeBundle(json: unknown): boolean {
  const mt = stringField(json, 'mediaType');
  return mt !== undefined && /^application\/vnd\.dev\.sigstore\.bundle/i.test(mt);
}

/** A bundle carrying an in-toto statement is an attestation; a message signature or other DSSE payload is a signature. */
export function bundleKind(bundle: unknown, limits?: Limits): EvidenceKind {
  const envelope = field(bundle, 'dsseEnvelope');
  if (!isObject(envelope)) return 'signature';
  const { statement } = decodePayload(envelope, limits);
  return statement !== undefined && looksLikeStatement(statement) ? 'attestation' : 'signature';
}

const ONE_OF_CONTENT = ['messageSignature', 'dsseEnvelope'] as const;
const ONE_OF_MATERIAL = ['publicKey', 'x509CertificateChain', 'certificate'] as const;

export function validateBundle(bundle: unknown, prefix = '', limits?: Limits): FormatProblem[] {
  const problems = checkSchema(SCHEMA, bundle, prefix);
  if (!isObject(bundle)) return problems;
  const present = ONE_OF_CONTENT.filter((k) => field(bundle, k) !== undefined && field(bundle, k) !== null);
  if (present.length !== 1) {
    const path = present.length === 0 ? childPath(prefix, 'messageSignature') : childPath(prefix, present[1]!);
    problems.push(problem('sigstore-bundle-content', path, `${path} a bundle holds exactly one of messageSignature or dsseEnvelope (found ${present.length})`));
  }
  const material = objectField(bundle, 'verificationMaterial');
  if (material) {
    const kinds = ONE_OF_MATERIAL.filter((k) => field(material, k) !== undefined && field(material, k) !== null);
    if (kinds.length !== 1) {
      const path = childPath(prefix, 'verificationMaterial', kinds[1] ?? 'certificate');
      problems.push(
        problem(
          'sigstore-bundle-verification-material',
          path,
          `${path} verificationMaterial holds exactly one of publicKey, x509CertificateChain or certificate (found ${kinds.length})`,
        ),
      );
    }
  }
  const envelope = field(bundle, 'dsseEnvelope');
  if (isObject(envelope)) {
    // The bundle schema already checked the envelope's structure; add the payload and the statement in it,
    // keeping one problem per field.
    const inner = validateEnvelope(envelope, childPath(prefix, 'dsseEnvelope'), limits, null);
    const reported = new Set(problems.map((p) => p.path));
    for (const p of inner) if (!reported.has(p.path)) problems.push(p);
  }
  return problems;
}

const DIGEST_ALGORITHMS: Record<string, string> = { SHA2_256: 'sha256', SHA2_512: 'sha512' };

/** DSSE statement subjects, or the message signature's artifact digest. */
export function bundleSubjects(bundle: unknown, limits?: Limits): string[] {
  const envelope = field(bundle, 'dsseEnvelope');
  if (isObject(envelope)) return envelopeSubjects(envelope, limits);
  const digest = at(bundle, 'messageSignature', 'messageDigest');
  const alg = DIGEST_ALGORITHMS[stringField(digest, 'algorithm') ?? ''];
  const bytes = decodeBase64(field(digest, 'digest'));
  const value = alg && bytes ? fromAlgorithmHex(alg, bytes.toString('hex')) : undefined;
  return value ? [value] : [];
}

/** The signer: the leaf certificate (v0.3 `certificate`, or the chain's first) or the public key hint. */
export function bundleSigner(bundle: unknown): Record<string, unknown> {
  const material = objectField(bundle, 'verificationMaterial');
  const hint = stringField(objectField(material, 'publicKey'), 'hint');
  if (hint !== undefined) return { keyHint: hint };
  const leaf =
    field(objectField(material, 'certificate'), 'rawBytes') ?? field(arrayField(objectField(material, 'x509CertificateChain'), 'certificates')[0], 'rawBytes');
  const der = decodeBase64(leaf);
  return certificateSummary(describeCertificate(der));
}

export function summarizeBundle(bundle: unknown, limits?: Limits): Record<string, unknown> {
  const material = objectField(bundle, 'verificationMaterial');
  const entries = arrayField(material, 'tlogEntries');
  const summary: Record<string, unknown> = {
    bundleVersion: bundleVersion(stringField(bundle, 'mediaType')) ?? null,
    content: isObject(field(bundle, 'dsseEnvelope')) ? 'dsseEnvelope' : isObject(field(bundle, 'messageSignature')) ? 'messageSignature' : null,
    ...bundleSigner(bundle),
    tlogEntryCount: entries.length,
    timestampCount: arrayField(objectField(material, 'timestampVerificationData'), 'rfc3161Timestamps').length,
  };
  const first = entries[0];
  if (first !== undefined) {
    const logIndex = field(first, 'logIndex');
    if (logIndex !== undefined) summary.tlogLogIndex = String(logIndex);
    const integrated = field(first, 'integratedTime');
    const seconds = typeof integrated === 'string' || typeof integrated === 'number' ? Number(integrated) : NaN;
    if (Number.isFinite(seconds) && seconds > 0) summary.tlogIntegratedTime = new Date(seconds * 1000).toISOString();
    const kind = stringField(field(first, 'kindVersion'), 'kind');
    if (kind) summary.tlogEntryKind = kind;
  }
  const subjects = bundleSubjects(bundle, limits);
  const envelope = field(bundle, 'dsseEnvelope');
  if (isObject(envelope)) {
    const inner = summarizeEnvelope(envelope, limits);
    delete inner.signatureCount;
    Object.assign(summary, inner);
  } else if (subjects[0]) {
    summary.signedDigest = subjects[0];
  }
  return summary;
}
