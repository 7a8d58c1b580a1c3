import type { Verification } from '../types.js';
import { isRecord, parseJson, str } from './bytes.js';
import { readCosignMaterial } from './annotations.js';
import type { TrustMaterial } from './material.js';
import { isMatcher, parseDigest, toMatcher, type Target } from './target.js';
import { failed, finding } from './verdict.js';
import { verifySignedObject } from './detached.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

/**
 * A cosign simple-signing signature (cosign specs/SIGNATURE_SPEC.md): the
 * layer bytes are the payload, the signature annotation signs exactly those
 * bytes, and the payload's critical.image.docker-manifest-digest names the
 * signed image.
 */
export function verifyCosignSignature(
  payload: Uint8Array,
  annotations: Record<string, string> | undefined,
  target: Target,
  trust: TrustMaterial,
  now: Date,
): Verification {
  const what = 'cosign signature';
  const material = readCosignMaterial(annotations);
  if (typeof material === 'string') return failed('malformed', `${what}: ${material}`);
  if (!material.signature) return failed('malformed', `${what}: no dev.cosignproject.cosign/signature annotation`);
  const claims = parseJson(payload);
  const critical = isRecord(claims) && isRecord(claims.critical) ? claims.critical : undefined;
  if (!critical) return failed('malformed', `${what}: payload is not a simple-signing JSON document`);
  if (str(critical.type) !== SIMPLE_SIGNING_TYPE) {
    return failed('unsupported', `${what}: payload type ${JSON.stringify(critical.type)} is not "${SIMPLE_SIGNING_TYPE}"`);
  }
  const image = isRecord(critical.image) ? critical.image : {};
  const signedDigest = str(image['docker-manifest-digest']);
  const parsed = signedDigest !== undefined ? parseDigest(signedDigest) : undefined;
  if (!parsed || !parsed.algorithm.startsWith('sha')) return failed('malformed', `${what}: payload has no valid critical.image.docker-manifest-digest`);
  const matcher = toMatcher(target);
  if (!isMatcher(matcher)) return failed(matcher!.code, `${what}: ${matcher!.reason}`);

  const bytes = Buffer.from(payload);
  const signature = material.signature;
  return verifySignedObject(
    {
      data: bytes,
      payload: bytes,
      signatures: [signature],
      ...(material.certificate ? { certificate: material.certificate } : {}),
      chain: material.chain,
      notes: material.hasTimestamp ? ['RFC 3161 timestamp annotation not checked'] : [],
      ...(material.rekor ? { rekor: material.rekor } : {}),
      subject: () =>
        matcher.matches(parsed.algorithm, parsed.hex) ? undefined : finding('subject-mismatch', `${what} is for ${signedDigest}, not ${matcher.describe}`),
    },
    { trust, now, what },
  );
}
