import { createPublicKey, type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { toSignedEntity, type SignedEntity } from '@sigstore/verify';
import type { Identity, Verification } from '../types.js';
import { digestHex, isRecord, parseJson, str } from './bytes.js';
import { describeError, mapError, runVerifier, toLibraryTrust } from './sigstore-verify.js';
import { checkPayloadSubject } from './dsse.js';
import { certificateIdentity, checkIdentity, toIdentity } from './identity.js';
import type { TrustMaterial } from './material.js';
import { isMatcher, toMatcher, type Target, type TargetMatcher } from './target.js';
import { claimsTrustedKey } from './signer-claims.js';
import { failed, finding, verified, type Finding } from './verdict.js';

/** Sigstore bundle media types custody verifies (protobuf-specs bundle.proto). */
export const BUNDLE_MEDIA_TYPES = [
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
];

export function isBundleMediaType(mediaType: string): boolean {
  return /^application\/vnd\.dev\.sigstore\.bundle(\+json|\.v[0-9.]+\+json)/.test(mediaType.trim());
}

/**
 * A Sigstore bundle v0.1–v0.3, checked by @sigstore/verify (signature,
 * certificate chain at the log or TSA time, SCTs, SETs, inclusion proofs and
 * checkpoints, Rekor v2 entries, TSA timestamps) plus what custody adds:
 * a known media type, no root certificate inside the bundle, cosign's identity
 * policy, and the subject (artifact digest or in-toto subject).
 */
export function verifySigstoreBundle(bytes: Uint8Array, target: Target, trust: TrustMaterial): Verification {
  const what = 'Sigstore bundle';
  const json = parseJson(bytes);
  if (!isRecord(json)) return failed('malformed', `${what}: not a JSON object`);
  const mediaType = str(json.mediaType) ?? '';
  if (!BUNDLE_MEDIA_TYPES.includes(mediaType)) {
    return failed('unsupported', `${what}: media type ${JSON.stringify(json.mediaType)} is not a bundle version custody knows (v0.1–v0.3)`);
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (err) {
    return failed('malformed', `${what}: ${describeError(err)}`);
  }
  const structural = checkStructure(bundle);
  if (structural) return failed(structural.code, `${what}: ${structural.reason}`);
  const matcher = toMatcher(target);
  if (!isMatcher(matcher)) return failed(matcher!.code, `${what}: ${matcher!.reason}`);
  const early = checkArtifactGiven(bundle, target);
  if (early) return failed(early.code, `${what}: ${early.reason}`);

  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, Buffer.from(target.artifact ?? new Uint8Array()));
  } catch (err) {
    return failed('malformed', `${what}: ${describeError(err)}`);
  }
  const verdict =
    entity.key.$case === 'public-key'
      ? verifyWithKeys(entity, entity.key.hint, trust, what)
      : verifyWithCertificate(entity, entity.key.certificate, trust, what);
  if (!verdict.verified) return verdict;
  // The subject only means something once the signature over it is known good.
  const subject = checkSubject(bundle, matcher);
  if (subject) return failed(subject.code, `${what}: ${subject.reason}`, verdict);
  return verdict;
}

/** A message signature is over the artifact itself: without its bytes there is nothing to check. */
function checkArtifactGiven(bundle: Bundle, target: Target): Finding {
  if (bundle.content.$case !== 'messageSignature') return undefined;
  if (!target.artifact) {
    return finding('unsupported', 'a message signature can only be checked against the artifact bytes (--artifact), not a digest');
  }
  return checkMessageDigest(bundle.content.messageSignature.messageDigest, target.artifact);
}

/**
 * Bundle rules the library does not enforce. protobuf-specs bundle.proto:
 * the first certificate MUST be the leaf; extra CA certificates (old bundles
 * carry the whole chain, root included) are ignored, never trusted: the
 * anchors come from the trust material only.
 */
function checkStructure(bundle: Bundle): Finding {
  const content = bundle.verificationMaterial.content;
  const first =
    content.$case === 'x509CertificateChain'
      ? content.x509CertificateChain.certificates[0]?.rawBytes
      : content.$case === 'certificate'
        ? content.certificate.rawBytes
        : undefined;
  if (first) {
    try {
      if (X509Certificate.parse(Buffer.from(first)).isCA) return finding('malformed', 'the first certificate is a CA, not the signing leaf');
    } catch (err) {
      return finding('malformed', `unreadable signing certificate: ${describeError(err)}`);
    }
  }
  for (const [i, entry] of bundle.verificationMaterial.tlogEntries.entries()) {
    // The library dereferences the checkpoint unconditionally (conformance bundle-with-root-cert).
    if (entry.inclusionProof && !entry.inclusionProof.checkpoint) return finding('malformed', `tlog entry ${i} has an inclusion proof without a checkpoint`);
  }
  return undefined;
}

function checkSubject(bundle: Bundle, matcher: TargetMatcher): Finding {
  const content = bundle.content;
  return content.$case === 'dsseEnvelope' ? checkPayloadSubject(content.dsseEnvelope, matcher) : undefined;
}

/** protobuf-specs HashAlgorithm → Node hash name (unspecified means SHA-256, as in @sigstore/verify). */
const MESSAGE_DIGEST_ALGORITHMS: Record<number, string> = { 0: 'sha256', 1: 'sha256', 2: 'sha384', 3: 'sha512', 4: 'sha3-256', 5: 'sha3-384' };

/** The log entry binds messageDigest, the signature binds the artifact: they must be one thing. */
function checkMessageDigest(digest: { algorithm: number; digest: Buffer }, artifact: Uint8Array): Finding {
  const algorithm = MESSAGE_DIGEST_ALGORITHMS[digest.algorithm] ?? 'sha256';
  if (digestHex(algorithm, artifact) !== Buffer.from(digest.digest).toString('hex')) {
    return finding('subject-mismatch', `the artifact's ${algorithm} is not the message digest the bundle signs`);
  }
  return undefined;
}

function verifyWithKeys(entity: SignedEntity, hint: string, trust: TrustMaterial, what: string): Verification {
  if (trust.keys.length === 0) return failed('no-trust-material', `${what} is signed with a key (hint ${JSON.stringify(hint)}), but no public key was given`);
  const key = trust.keys.find((k) => keySigned(entity, k.key));
  if (!key) {
    // The hint is not authenticated: it only tells an altered signature (it names a trusted key) from another signer's.
    if (claimsTrustedKey({ keyIds: [hint] }, trust.keys)) {
      return failed('signature-invalid', `${what}: names trusted key ${JSON.stringify(hint)} but does not verify with it (altered)`);
    }
    return failed(
      'untrusted-key',
      `${what}: signature verifies with none of the ${trust.keys.length} trusted key(s) (bundle key hint ${JSON.stringify(hint)})`,
    );
  }
  const checkTlog = trust.tlogs.length > 0;
  const scoped: SignedEntity = checkTlog ? entity : { ...entity, tlogEntries: [], timestamps: entity.timestamps.filter((t) => t.$case !== 'transparency-log') };
  const result = runVerifier(scoped, toLibraryTrust(trust, key.key), { tlogThreshold: 0, timestampThreshold: 0, ctlogThreshold: 0 });
  const identity: Identity = { keyHint: key.hint };
  if (!result.ok) {
    const mapped = mapError(result.error, entity);
    return failed(mapped.code, `${what}: ${mapped.reason}`, { identity, trustMaterial: [key.source] });
  }
  const used = [key.source, ...(checkTlog && entity.tlogEntries.length > 0 ? trust.tlogs.map((t) => t.source) : [])];
  return verified(`${what} verified with trusted key ${key.hint.slice(0, 16)}…; ${tlogText(entity, checkTlog)}`, { identity, trustMaterial: used });
}

function keySigned(entity: SignedEntity, key: KeyObject): boolean {
  try {
    return entity.signature.verifySignature(key);
  } catch {
    return false;
  }
}

function verifyWithCertificate(entity: SignedEntity, cert: X509Certificate, trust: TrustMaterial, what: string): Verification {
  const id = certificateIdentity(cert);
  const identity = toIdentity(id);
  const cas = trust.certificateAuthorities;
  if (cas.length === 0) return failed('no-trust-material', `${what} is signed with a certificate, but no trusted root or CA was given`, { identity });
  // The library checks the log entry before the signature; custody names a bad signature as such.
  if (!signatureVerifies(entity, cert)) return failed('signature-invalid', `${what}: signature does not verify with the certificate's key`, { identity });
  const result = runVerifier(entity, toLibraryTrust(trust), {
    tlogThreshold: trust.tlogs.length > 0 ? 1 : 0,
    ctlogThreshold: trust.ctlogs.length > 0 ? 1 : 0,
    timestampThreshold: 1,
  });
  const used = [...cas, ...trust.tlogs, ...trust.ctlogs, ...trust.timestampAuthorities].map((a) => a.source);
  if (!result.ok) {
    const mapped = mapError(result.error, entity);
    return failed(mapped.code, `${what}: ${mapped.reason}`, { identity });
  }
  const requireIssuer = id.issuer !== undefined || cas.every((ca) => ca.kind === 'fulcio');
  const policy = checkIdentity(id, trust.policy, requireIssuer);
  if (policy) return failed(policy.code, `${what}: ${policy.reason}`, { identity, trustMaterial: used });
  return verified(`${what} verified: certificate for ${identity.san ?? '(no SAN)'}; ${tlogText(entity, true)}`, { identity, trustMaterial: used });
}

function signatureVerifies(entity: SignedEntity, cert: X509Certificate): boolean {
  try {
    return entity.signature.verifySignature(createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' }));
  } catch {
    return false;
  }
}

function tlogText(entity: SignedEntity, checked: boolean): string {
  const tsa = entity.timestamps.filter((t) => t.$case === 'timestamp-authority').length;
  const ts = tsa > 0 ? `, ${tsa} RFC 3161 timestamp(s)` : '';
  if (entity.tlogEntries.length === 0) return `tlog: none${ts}`;
  if (!checked) return `tlog: ${entity.tlogEntries.length} entr(ies) not checked (no Rekor key in the trust material)${ts}`;
  return `tlog: ${entity.tlogEntries.length} entr(ies) verified${ts}`;
}
