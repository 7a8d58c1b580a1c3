import { detectSignedFormat, type SignedFormat } from '../../trust/dispatch.js';
import { decodeBase64, parseJsonBytes, record, sha256Digest, text } from './json.js';
import type { StatementFacts } from './statement.js';

/** cosign's predicate for image signatures in the new bundle format (`cosign sign --new-bundle-format`). */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const CONTAINERS_IMAGE_PREFIX = '\x00sigstore-json\n';

export interface SignedFacts {
  format: SignedFormat;
  /** A signature over the image (cosign sign) or an attestation about it (cosign attest, in-toto). */
  purpose: 'signature' | 'attestation';
  /** Digests the signed payload says it is about. */
  claims: string[];
}

export interface SignedInput {
  bytes: Uint8Array;
  mediaType: string;
  annotations?: Record<string, string>;
}

/** What kind of signed material this is, if any; the signature itself is checked later, against the policy. */
export function readSigned(input: SignedInput, statement: StatementFacts | undefined): SignedFacts | undefined {
  const format = detectSignedFormat(input);
  if (format === 'unknown' || format === 'malformed') return undefined;
  if (format === 'cosign-simplesigning' || format === 'containers-image' || format === 'notation') {
    return { format, purpose: 'signature', claims: simpleSigningClaims(input.bytes, format) };
  }
  // in-toto v0.9 links and layouts: step evidence and policy, not signatures over the image.
  if (format === 'in-toto-metadata') return { format, purpose: 'attestation', claims: [] };
  if (statement) {
    return { format, purpose: statement.predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation', claims: statement.subjects };
  }
  // A Sigstore bundle with a message signature (or a DSSE of another payload type): a signature over bytes.
  return { format, purpose: 'signature', claims: [] };
}

/** `critical.image.docker-manifest-digest` of a cosign simple-signing payload (also inside the containers/image form). */
function simpleSigningClaims(bytes: Uint8Array, format: SignedFormat): string[] {
  let payload: unknown;
  if (format === 'containers-image') {
    const envelope = parseJsonBytes(Buffer.from(bytes).subarray(CONTAINERS_IMAGE_PREFIX.length));
    const decoded = decodeBase64(text(envelope, 'payload'));
    payload = decoded ? parseJsonBytes(decoded) : undefined;
  } else {
    payload = parseJsonBytes(bytes);
  }
  const digest = sha256Digest(text(record(payload, 'critical', 'image'), 'docker-manifest-digest'));
  return digest ? [digest] : [];
}
