import { createPublicKey } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import type { Identity, Verification } from '../types.js';
import { verifyCertificateChain } from './chain.js';
import { certificateIdentity, checkIdentity, toIdentity } from './identity.js';
import { spkiDer, verifySignature, type TrustedKeyLike } from './keys.js';
import type { TrustMaterial } from './material.js';
import { matchEntryBody, verifySet, type LoggedClaim, type RekorBundle } from './rekor.js';
import { claimsTrustedKey } from './signer-claims.js';
import { failed, verified, type VerdictCode } from './verdict.js';

/** A detached signature as cosign stores it (simple signing layer, `.att` DSSE layer, bare DSSE). */
export interface SignedObject {
  /** The bytes the signature is over: the payload, or the DSSE PAE. */
  data: Buffer;
  /** Candidate signatures (a DSSE envelope may carry several). */
  signatures: Buffer[];
  certificate?: X509Certificate;
  /** Untrusted intermediates shipped with the signature (the chain annotation). */
  chain: X509Certificate[];
  rekor?: RekorBundle;
  /** What the Rekor entry must say, given the signature that verified and its verifier. */
  claim: (signature: Buffer, verifierDer: Buffer) => LoggedClaim;
  /** Said in the reason of a pass: material custody saw but did not check. */
  notes?: string[];
  /** Checked once the signature verified; a finding here is the verdict. */
  subject: () => { code: VerdictCode; reason: string } | undefined;
  /** Key ids the signature names (DSSE `keyid`): unauthenticated, used only to tell an altered signature from another signer's. */
  keyIds?: string[];
}

export interface VerifyContext {
  trust: TrustMaterial;
  now: Date;
  /** What was verified, for the reason text: "cosign signature", "DSSE envelope"... */
  what: string;
}

/**
 * cosign's verification of a detached signature (pkg/cosign/verify.go
 * VerifyImageSignature): the signature with the trusted key, or with the
 * certificate's key and the certificate chained to a trusted CA at the time
 * the Rekor SET proves (else now), the entry body matching this signature,
 * then the identity policy; the subject check runs after the signature.
 */
export function verifySignedObject(obj: SignedObject, ctx: VerifyContext): Verification {
  const { trust } = ctx;
  if (obj.certificate && trust.certificateAuthorities.length > 0) return verifyWithCertificate(obj, obj.certificate, ctx);
  if (trust.keys.length > 0) return verifyWithKeys(obj, ctx);
  if (obj.certificate) {
    const identity = toIdentity(certificateIdentity(obj.certificate));
    return failed('no-trust-material', `${ctx.what} is signed with a certificate, but no trusted root or CA was given`, { identity });
  }
  return failed('no-trust-material', `${ctx.what} is signed with a key, but no public key was given`);
}

function verifyWithKeys(obj: SignedObject, ctx: VerifyContext): Verification {
  const { trust } = ctx;
  let match: { key: TrustedKeyLike; signature: Buffer } | undefined;
  for (const key of trust.keys) {
    const signature = obj.signatures.find((sig) => verifySignature(key.key, obj.data, sig));
    if (signature) {
      match = { key, signature };
      break;
    }
  }
  if (!match) {
    // Which key signed is not known until one verifies; what the signature claims tells an altered one from another signer's.
    if (claimsTrustedKey({ ...(obj.keyIds ? { keyIds: obj.keyIds } : {}), ...(obj.rekor ? { rekorBody: obj.rekor.body } : {}) }, trust.keys)) {
      return failed('signature-invalid', `${ctx.what} names a trusted key but does not verify with it (altered)`);
    }
    return failed('untrusted-key', `${ctx.what} verifies with none of the ${trust.keys.length} trusted key(s): signed by another key (or altered)`);
  }
  const identity: Identity = { keyHint: match.key.hint };
  const used = [match.key.source];
  const subject = obj.subject();
  if (subject) return failed(subject.code, subject.reason, { identity, trustMaterial: used });
  let tlog = 'tlog: none';
  if (obj.rekor) {
    if (trust.tlogs.length === 0) {
      tlog = 'tlog: not checked (no Rekor key in the trust material)';
    } else {
      const set = verifySet(obj.rekor, trust.tlogs);
      if ('finding' in set) return failed(set.finding.code, set.finding.reason, { identity, trustMaterial: used });
      const body = matchEntryBody(obj.rekor.body, obj.claim(match.signature, spkiDer(match.key.key)));
      if (body) return failed(body.code, body.reason, { identity, trustMaterial: used });
      used.push(set.log.source);
      tlog = `tlog: Rekor entry ${obj.rekor.logIndex} at ${isoSeconds(obj.rekor.integratedTime)}`;
    }
  }
  return verified(`${ctx.what} verified with trusted key ${match.key.hint.slice(0, 16)}…; ${tlog}${notes(obj)}`, { identity, trustMaterial: used });
}

function verifyWithCertificate(obj: SignedObject, cert: X509Certificate, ctx: VerifyContext): Verification {
  const { trust } = ctx;
  const id = certificateIdentity(cert);
  const identity = toIdentity(id);
  let certKey;
  try {
    certKey = createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' });
  } catch {
    return failed('malformed', `${ctx.what}: the signing certificate holds an unreadable public key`, { identity });
  }
  const signature = obj.signatures.find((sig) => verifySignature(certKey, obj.data, sig));
  if (!signature) return failed('signature-invalid', `${ctx.what} does not verify with its certificate's key`, { identity });
  const subject = obj.subject();
  if (subject) return failed(subject.code, subject.reason, { identity });

  const used: string[] = [];
  let at = ctx.now;
  let tlog = 'tlog: none';
  let rekorUnchecked = false;
  if (obj.rekor) {
    if (trust.tlogs.length === 0) {
      rekorUnchecked = true;
      tlog = 'tlog: not checked (no Rekor key in the trust material)';
    } else {
      const set = verifySet(obj.rekor, trust.tlogs);
      if ('finding' in set) return failed(set.finding.code, set.finding.reason, { identity });
      const body = matchEntryBody(obj.rekor.body, obj.claim(signature, cert.root.toDER()));
      if (body) return failed(body.code, body.reason, { identity });
      used.push(set.log.source);
      at = new Date(obj.rekor.integratedTime * 1000);
      tlog = `tlog: Rekor entry ${obj.rekor.logIndex} at ${isoSeconds(obj.rekor.integratedTime)}`;
    }
  }
  const untrusted = [...obj.chain, ...trust.intermediates.map((i) => i.cert)];
  const chain = verifyCertificateChain(cert, untrusted, trust.certificateAuthorities, at);
  if (!chain.ok) {
    if (chain.code === 'certificate-expired' && rekorUnchecked) {
      return failed('no-trust-material', `${chain.reason}; its Rekor entry could prove the signing time, but no Rekor key was given`, { identity });
    }
    const when = obj.rekor && !rekorUnchecked ? ' (at the Rekor integrated time)' : obj.rekor ? '' : ' (no transparency-log entry proves an earlier signing time)';
    return failed(chain.code, `${ctx.what}: ${chain.reason}${chain.code === 'certificate-expired' ? when : ''}`, { identity, trustMaterial: used });
  }
  used.push(chain.ca.source);
  // Sigstore keyless: a short-lived Fulcio certificate is only good with a log entry proving when it signed.
  if (chain.ca.kind === 'fulcio' && (!obj.rekor || rekorUnchecked)) {
    return rekorUnchecked
      ? failed('no-trust-material', `${ctx.what}: a Fulcio certificate needs its Rekor entry checked, but no Rekor key was given`, { identity, trustMaterial: used })
      : failed('tlog-invalid', `${ctx.what}: a Fulcio certificate without a transparency-log entry proves nothing about when it signed`, { identity, trustMaterial: used });
  }
  const policy = checkIdentity(id, trust.policy, chain.ca.kind === 'fulcio' || id.issuer !== undefined);
  if (policy) return failed(policy.code, `${ctx.what}: ${policy.reason}`, { identity, trustMaterial: used });
  const anchor = chain.ca.kind === 'fulcio' ? 'a Fulcio CA of the trusted root' : 'a --ca-roots anchor';
  return verified(`${ctx.what} verified: certificate for ${identity.san ?? '(no SAN)'} chains to ${anchor}; ${tlog}${notes(obj)}`, {
    identity,
    trustMaterial: used,
  });
}

function notes(obj: SignedObject): string {
  return obj.notes?.length ? `; ${obj.notes.join('; ')}` : '';
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
