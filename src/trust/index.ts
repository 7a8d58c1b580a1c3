/**
 * Signature verification and sealing (issue 5). Trust material is loaded
 * once; every verifier is a pure function of bytes + trust material and
 * never touches the network.
 */
export { VERDICT_CODES, failingSignatures, OTHER_SIGNER_CODES, UNJUDGED_CODES, type VerdictCode } from './verdict.js';
export {
  loadTrustMaterial,
  readTrustInputs,
  buildTrustMaterial,
  type TrustOptions,
  type TrustMaterial,
  type TrustFile,
  type TrustFileRole,
  type TrustInput,
  trustFromCopies,
} from './material.js';
export { isSigned, signedScope, signedTarget, signedTargetOf } from './signed-target.js';
export { verifyEvidence, verifyEvidenceSync, detectSignedFormat, type EvidenceInput, type VerifyOptions, type SignedFormat } from './dispatch.js';
export type { Target } from './target.js';
export { verifySigstoreBundle, BUNDLE_MEDIA_TYPES } from './bundle.js';
export { verifyCosignSignature, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign.js';
export { verifyDsseEnvelope, preAuthEncoding, DSSE_MEDIA_TYPE } from './dsse.js';
export { keyHint, parsePublicKeyPem, parsePrivateKeyPem } from './keys.js';
export { readNotationTrustStore } from './notation/store.js';
export { verifyNotationSignature, type NotationTrust } from './notation/verify.js';
export { sealDayManifest, verifySeal, KeySigner, type SealOptions, type SealResult } from './seal.js';
