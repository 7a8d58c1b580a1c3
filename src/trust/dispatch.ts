import type { Verification } from '../types.js';
import { hasCosignSignature } from './annotations.js';
import { isBundleMediaType, verifySigstoreBundle } from './bundle.js';
import { decodeBase64, isRecord, MAX_EVIDENCE_BYTES, parseJson, str } from './bytes.js';
import { SIMPLE_SIGNING_MEDIA_TYPE, verifyCosignSignature } from './cosign.js';
import { DSSE_MEDIA_TYPE, verifyDsseEnvelope } from './dsse.js';
import { looksLikeNotation } from './notation/envelope.js';
import { verifyNotationSignature } from './notation/verify.js';
import type { TrustMaterial } from './material.js';
import type { Target } from './target.js';
import { looksLikeGcbProvenance, verifyGcbProvenance } from './gcb.js';
import { looksLikeInTotoMetadata, verifyInTotoMetadata } from './in-toto-metadata.js';
import { looksLikeNpmAttestations, verifyNpmAttestations } from './npm-attestations.js';
import { failed } from './verdict.js';

/** One piece of signed evidence as collected: its bytes, media type and (layer) annotations. */
export interface EvidenceInput {
  bytes: Uint8Array;
  mediaType: string;
  annotations?: Record<string, string>;
}

export interface VerifyOptions {
  /** The time a certificate must be valid at when no log or timestamp proves the signing time. Default: now. */
  now?: Date;
  /** registry/repository the evidence was found in: picks the Notation trust policy statement (`registryScopes`). */
  scope?: string;
}

export type SignedFormat =
  | 'sigstore-bundle'
  | 'cosign-simplesigning'
  | 'dsse'
  | 'containers-image'
  | 'notation'
  | 'npm-attestations'
  | 'gcb-provenance'
  | 'in-toto-metadata'
  | 'malformed'
  | 'unknown';

const NOTATION_MEDIA_TYPES = new Set(['application/vnd.cncf.notary.signature', 'application/jose+json', 'application/cose']);
/** containers/image's on-disk sigstore signature: this prefix, then JSON {mimeType, payload, annotations}. */
const CONTAINERS_IMAGE_PREFIX = Buffer.from('\x00sigstore-json\n', 'latin1');

/** Which verifier handles this input: media type first, then a look at the content. Pure. */
export function detectSignedFormat(input: EvidenceInput): SignedFormat {
  const mediaType = input.mediaType.trim().toLowerCase();
  const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  if (bytes.subarray(0, CONTAINERS_IMAGE_PREFIX.length).equals(CONTAINERS_IMAGE_PREFIX)) return 'containers-image';
  if (isBundleMediaType(mediaType)) return 'sigstore-bundle';
  if (mediaType === SIMPLE_SIGNING_MEDIA_TYPE) return 'cosign-simplesigning';
  if (mediaType === DSSE_MEDIA_TYPE) return 'dsse';
  if (NOTATION_MEDIA_TYPES.has(mediaType) || Object.keys(input.annotations ?? {}).some((k) => k.startsWith('io.cncf.notary'))) {
    return 'notation';
  }
  if (looksLikeNotation(bytes)) return 'notation';
  const json = parseJson(bytes);
  if (json === undefined && looksLikeJson(bytes)) return 'malformed';
  if (!isRecord(json)) return 'unknown';
  if (isBundleMediaType(str(json.mediaType) ?? '')) return 'sigstore-bundle';
  // Documents that hold signed material: each part is checked.
  if (looksLikeNpmAttestations(json)) return 'npm-attestations';
  if (looksLikeGcbProvenance(json)) return 'gcb-provenance';
  if (typeof json.payloadType === 'string' && typeof json.payload === 'string' && Array.isArray(json.signatures)) return 'dsse';
  if (looksLikeInTotoMetadata(json)) return 'in-toto-metadata';
  // A simple-signing payload is signed material even without its signature annotation: the verifier names what is missing.
  if (isRecord(json.critical) && (hasCosignSignature(input.annotations) || isSimpleSigningType(json.critical.type))) return 'cosign-simplesigning';
  return 'unknown';
}

/**
 * Verify one signed object against the target it must be about, with the
 * given trust material. Never throws: hostile bytes give `malformed`, no
 * trust material gives `no-trust-material`, never a pass.
 */
export async function verifyEvidence(input: EvidenceInput, target: Target, trust: TrustMaterial, options: VerifyOptions = {}): Promise<Verification> {
  try {
    return verifyEvidenceSync(input, target, trust, options);
  } catch (err) {
    return failed('malformed', `verification failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function verifyEvidenceSync(input: EvidenceInput, target: Target, trust: TrustMaterial, options: VerifyOptions = {}): Verification {
  if (input.bytes.length > MAX_EVIDENCE_BYTES) return failed('malformed', `${input.bytes.length} bytes is more than custody verifies`);
  const now = options.now ?? new Date();
  const format = detectSignedFormat(input);
  if (format === 'malformed') return failed('malformed', 'starts like JSON but is not valid JSON');
  if (format === 'unknown') return failed('unsupported', `${input.mediaType || 'this media type'} is not signed material custody can verify`);
  switch (format) {
    case 'sigstore-bundle':
      return verifySigstoreBundle(input.bytes, target, trust);
    case 'cosign-simplesigning':
      return verifyCosignSignature(input.bytes, input.annotations, target, trust, now);
    case 'dsse':
      return verifyDsseEnvelope(input.bytes, input.annotations, target, trust, now);
    case 'containers-image':
      return verifyContainersImageSignature(input.bytes, target, trust, now);
    case 'notation':
      return verifyNotationSignature(input.bytes, target, trust.notation, { now, ...(options.scope !== undefined ? { scope: options.scope } : {}) });
    case 'npm-attestations':
      return verifyNpmAttestations(parseJson(input.bytes), target, trust);
    case 'gcb-provenance':
      return verifyGcbProvenance(parseJson(input.bytes), target, trust);
    case 'in-toto-metadata':
      return verifyInTotoMetadata(parseJson(input.bytes), target, trust);
  }
}

/** cosign's simple-signing type, and the containers/image ("atomic") one it grew from. */
function isSimpleSigningType(type: unknown): boolean {
  return type === 'cosign container image signature' || type === 'atomic container signature';
}

function looksLikeJson(bytes: Buffer): boolean {
  const start = bytes.subarray(0, 64).toString('utf8').trimStart();
  return start.startsWith('{');
}

/** containers/image signature/sigstore: `\x00sigstore-json\n` + {mimeType, payload (base64), annotations}. */
function verifyContainersImageSignature(bytes: Uint8Array, target: Target, trust: TrustMaterial, now: Date): Verification {
  const json = parseJson(bytes.subarray(CONTAINERS_IMAGE_PREFIX.length));
  if (!isRecord(json)) return failed('malformed', 'containers/image signature: not JSON after the sigstore-json prefix');
  const mimeType = str(json.mimeType);
  const payloadText = str(json.payload);
  const annotations = isRecord(json.annotations) ? json.annotations : undefined;
  if (!mimeType || payloadText === undefined || !annotations)
    return failed('malformed', 'containers/image signature: mimeType, payload or annotations missing');
  if (Object.values(annotations).some((v) => typeof v !== 'string')) return failed('malformed', 'containers/image signature: annotations must be strings');
  const payload = decodeBase64(payloadText);
  if (!payload) return failed('malformed', 'containers/image signature: payload is not base64');
  const inner = { bytes: payload, mediaType: mimeType, annotations: annotations as Record<string, string> };
  const format = detectSignedFormat(inner);
  if (format !== 'cosign-simplesigning' && format !== 'dsse') {
    return failed('unsupported', `containers/image signature holds ${mimeType}, not a cosign simple-signing payload`);
  }
  return verifyEvidenceSync(inner, target, trust, { now });
}
