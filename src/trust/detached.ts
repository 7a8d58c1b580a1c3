import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import type { TrustMaterial as LibraryTrust } from '@sigstore/verify';
// @sigstore/verify's own checks, the ones its Verifier runs, called in cosign's order: its Verifier always
// verifies embedded SCTs (cosign's private-PKI and --rekor-key setups have no CT log keys) and cannot date a
// certificate without a timestamp (a private-PKI certificate with no log entry is checked now, as cosign does).
import { verifyCertificateChain } from '@sigstore/verify/dist/key/certificate.js';
import { verifySCTs } from '@sigstore/verify/dist/key/sct.js';
import { verifyTLogBody, verifyTLogInclusion } from '@sigstore/verify/dist/tlog/index.js';
import type { Identity, Verification } from '../types.js';
import type { CertAuthority } from './anchors.js';
import { isRecord, parseJson, str } from './bytes.js';
import { certificateIdentity, checkIdentity, toIdentity } from './identity.js';
import { spkiDer, verifySignature, type TrustedKeyLike } from './keys.js';
import type { TrustMaterial } from './material.js';
import { isSelfSigned, parsePemBlocks } from './pem.js';
import { EKU_CODE_SIGNING, extendedKeyUsages } from './notation/certs.js';
import { libraryErrorVerdict, toLibraryTrust } from './sigstore-verify.js';
import { claimsTrustedKey } from './signer-claims.js';
import { failed, verified, type VerdictCode } from './verdict.js';

/** cosign's `dev.sigstore.cosign/bundle` annotation: a Rekor v1 entry with its SignedEntryTimestamp. */
export interface RekorBundle {
  set: Buffer;
  body: Buffer;
  integratedTime: number;
  logIndex: number;
  logID: string;
}

/** A detached signature as cosign stores it (simple signing layer, `.att` DSSE layer, bare DSSE). */
export interface SignedObject {
  /** The bytes the signature is over: the payload, or the DSSE PAE. */
  data: Buffer;
  /** What a Rekor entry's payload hash is of: the simple-signing payload, or the DSSE payload. */
  payload: Buffer;
  /** Candidate signatures (a DSSE envelope may carry several). */
  signatures: Buffer[];
  certificate?: X509Certificate;
  /** Untrusted intermediates shipped with the signature (the chain annotation). */
  chain: X509Certificate[];
  rekor?: RekorBundle;
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

const OID_ANY_EKU = '2.5.29.37.0';

/**
 * The signature content @sigstore/verify checks a detached cosign signature
 * through: the signature, the bytes it is over, and the payload digest a
 * log entry names. Signatures are verified with custody's key rules (cosign
 * hashes with SHA-256 whatever the curve; Sigstore pairs P-384 with SHA-384).
 */
class DetachedContent {
  constructor(
    readonly signature: Buffer,
    private readonly data: Buffer,
    private readonly payload: Buffer,
  ) {}
  compareSignature(signature: Buffer): boolean {
    return signature.equals(this.signature);
  }
  compareDigest(digest: Buffer): boolean {
    return digest.equals(createHash('sha256').update(this.payload).digest());
  }
  compareSignedDigest(digest: Buffer): boolean {
    return digest.equals(createHash('sha256').update(this.data).digest());
  }
  verifySignature(key: KeyObject): boolean {
    return verifySignature(key, this.data, this.signature);
  }
}

/** The annotation's Rekor v1 entry as the protobuf TransparencyLogEntry the library reads; undefined when its body is not an entry. */
function toTlogEntry(rekor: RekorBundle): TransparencyLogEntry | undefined {
  const body = parseJson(rekor.body);
  if (!isRecord(body) || !str(body.kind) || !str(body.apiVersion)) return undefined;
  return {
    logIndex: String(rekor.logIndex),
    logId: { keyId: Buffer.from(rekor.logID, 'hex') },
    kindVersion: { kind: str(body.kind)!, version: str(body.apiVersion)! },
    integratedTime: String(rekor.integratedTime),
    inclusionPromise: { signedEntryTimestamp: rekor.set },
    inclusionProof: undefined,
    canonicalizedBody: rekor.body,
  };
}

type Checked = { ok: true } | { ok: false; code: VerdictCode; reason: string };

/** The Rekor entry: its SET with a log key of that ID valid at the integrated time, then its body against this signature. */
function checkEntry(entry: TransparencyLogEntry, content: DetachedContent, trust: LibraryTrust): Checked {
  try {
    verifyTLogInclusion(entry, trust.tlogs);
    verifyTLogBody(entry, content);
    return { ok: true };
  } catch (err) {
    return { ok: false, ...mapError(err) };
  }
}

/** A detached signature's verdict from a library error: a log error names the Rekor entry. */
function mapError(err: unknown): { code: VerdictCode; reason: string } {
  return libraryErrorVerdict(
    err,
    (reason) => ({ code: /expired at the specified date/.test(reason) ? 'certificate-expired' : 'untrusted-key', reason }),
    (reason) => `Rekor entry: ${reason}`,
  );
}

/**
 * cosign's verification of a detached signature (pkg/cosign/verify.go
 * VerifyImageSignature), run by @sigstore/verify's Verifier: the signature
 * with a trusted key, or with the certificate's key and the certificate
 * chained to a trusted CA (its validity window, path length, every
 * certificate valid) at the time the Rekor SET proves, else now; the SET
 * with a log key valid then; the entry body holding this signature and
 * payload. custody adds what the library does not do: the logged key or
 * certificate must be the signer's, the leaf may sign code, a Fulcio
 * certificate needs a checked log entry, cosign's identity policy, and the
 * subject.
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
  const entry = obj.rekor && trust.tlogs.length > 0 ? toTlogEntry(obj.rekor) : undefined;
  if (obj.rekor && trust.tlogs.length === 0) tlog = 'tlog: not checked (no Rekor key in the trust material)';
  else if (obj.rekor) {
    if (!entry) return failed('tlog-invalid', 'Rekor entry body is not JSON', { identity, trustMaterial: used });
    const checked = checkEntry(entry, new DetachedContent(match.signature, obj.data, obj.payload), toLibraryTrust(trust));
    if (!checked.ok) return failed(checked.code, `${ctx.what}: ${checked.reason}`, { identity, trustMaterial: used });
    const logged = matchLoggedVerifier(obj.rekor.body, spkiDer(match.key.key));
    if (logged) return failed('tlog-invalid', `${ctx.what}: ${logged}`, { identity, trustMaterial: used });
    used.push(...logsFor(trust, obj.rekor));
    tlog = `tlog: Rekor entry ${obj.rekor.logIndex} at ${isoSeconds(obj.rekor.integratedTime)}`;
  }
  return verified(`${ctx.what} verified with trusted key ${match.key.hint.slice(0, 16)}…; ${tlog}${notes(obj)}`, { identity, trustMaterial: used });
}

function verifyWithCertificate(obj: SignedObject, cert: X509Certificate, ctx: VerifyContext): Verification {
  const { trust } = ctx;
  const id = certificateIdentity(cert);
  const identity = toIdentity(id);
  let certKey: KeyObject;
  try {
    certKey = createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' });
  } catch {
    return failed('malformed', `${ctx.what}: the signing certificate holds an unreadable public key`, { identity });
  }
  const signature = obj.signatures.find((sig) => verifySignature(certKey, obj.data, sig));
  if (!signature) return failed('signature-invalid', `${ctx.what} does not verify with its certificate's key`, { identity });
  const subject = obj.subject();
  if (subject) return failed(subject.code, subject.reason, { identity });
  const eku = checkCodeSigning(cert);
  if (eku) return failed('untrusted-key', `${ctx.what}: ${eku}`, { identity });

  // The library builds paths from the CA's certificates only: cosign's chain annotation and --ca-intermediates
  // are offered beside them, roots excluded, so the path must still end at a trusted self-signed root.
  const intermediates = [...obj.chain, ...trust.intermediates.map((i) => i.cert)].filter((c) => !isSelfSigned(c));
  const cas = trust.certificateAuthorities.map((ca) => ({ ca, library: { certChain: [...ca.certChain, ...intermediates], validFor: ca.validFor } }));
  const libraryTrust: LibraryTrust = { ...toLibraryTrust(trust), certificateAuthorities: cas.map((c) => c.library) };

  const log = checkRekorEntry(obj, signature, cert, libraryTrust, ctx);
  if ('failure' in log) return failed(log.failure.code, `${ctx.what}: ${log.failure.reason}`, { identity });
  const { at, tlog, unchecked: rekorUnchecked } = log;
  const used = [...log.logs];
  const chain = checkChainAt(obj, cert, cas, libraryTrust, at, rekorUnchecked);
  if ('failure' in chain)
    return failed(chain.failure.code, `${ctx.what}: ${chain.failure.reason}`, { identity, ...(chain.withLogs ? { trustMaterial: used } : {}) });
  const root = chain.path[chain.path.length - 1]!;
  const anchor = cas.find((c) => c.ca.certChain.some((x) => x.equals(root)) && c.ca.validFor.start <= at && at <= c.ca.validFor.end)?.ca;
  if (!anchor) return failed('untrusted-key', `${ctx.what}: certificate does not chain to a trusted certificate authority`, { identity });
  used.push(anchor.source);
  // Sigstore keyless: a short-lived Fulcio certificate is only good with a log entry proving when it signed.
  if (anchor.kind === 'fulcio' && (!obj.rekor || rekorUnchecked)) {
    return rekorUnchecked
      ? failed('no-trust-material', `${ctx.what}: a Fulcio certificate needs its Rekor entry checked, but no Rekor key was given`, {
          identity,
          trustMaterial: used,
        })
      : failed('tlog-invalid', `${ctx.what}: a Fulcio certificate without a transparency-log entry proves nothing about when it signed`, {
          identity,
          trustMaterial: used,
        });
  }
  const policy = checkIdentity(id, trust.policy, anchor.kind === 'fulcio' || id.issuer !== undefined);
  if (policy) return failed(policy.code, `${ctx.what}: ${policy.reason}`, { identity, trustMaterial: used });
  const by = anchor.kind === 'fulcio' ? 'a Fulcio CA of the trusted root' : 'a --ca-roots anchor';
  return verified(`${ctx.what} verified: certificate for ${identity.san ?? '(no SAN)'} chains to ${by}; ${tlog}${notes(obj)}`, {
    identity,
    trustMaterial: used,
  });
}

/** A trusted CA, and the same CA as the library sees it: its chain with the offered intermediates beside it. */
interface ScopedCa {
  ca: CertAuthority;
  library: { certChain: X509Certificate[]; validFor: { start: Date; end: Date } };
}

type Finding = { code: VerdictCode; reason: string };

/**
 * The Rekor entry, when there is one and a Rekor key to check it with: its
 * body and inclusion, and that it logs this certificate. Gives the time the
 * chain is checked at (the integrated time, else now), the tlog sentence of
 * the verdict, the log keys used, and whether an entry went unchecked.
 */
function checkRekorEntry(
  obj: SignedObject,
  signature: Buffer,
  cert: X509Certificate,
  libraryTrust: LibraryTrust,
  ctx: VerifyContext,
): { failure: Finding } | { at: Date; tlog: string; logs: string[]; unchecked: boolean } {
  const unchecked = obj.rekor !== undefined && ctx.trust.tlogs.length === 0;
  if (!obj.rekor) return { at: ctx.now, tlog: 'tlog: none', logs: [], unchecked };
  if (unchecked) return { at: ctx.now, tlog: 'tlog: not checked (no Rekor key in the trust material)', logs: [], unchecked };
  const entry = toTlogEntry(obj.rekor);
  if (!entry) return { failure: { code: 'tlog-invalid', reason: 'Rekor entry body is not JSON' } };
  const checked = checkEntry(entry, new DetachedContent(signature, obj.data, obj.payload), libraryTrust);
  if (!checked.ok) return { failure: { code: checked.code, reason: checked.reason } };
  const logged = matchLoggedVerifier(obj.rekor.body, cert.root.toDER());
  if (logged) return { failure: { code: 'tlog-invalid', reason: logged } };
  return {
    at: new Date(obj.rekor.integratedTime * 1000),
    tlog: `tlog: Rekor entry ${obj.rekor.logIndex} at ${isoSeconds(obj.rekor.integratedTime)}`,
    logs: logsFor(ctx.trust, obj.rekor),
    unchecked,
  };
}

/**
 * The chain, at the Rekor integrated time (else now): CA validity windows,
 * path length, every certificate valid then; embedded SCTs, when the trust
 * material names CT logs to check them with. A failure says whether the log
 * keys used go in the verdict's trust material.
 */
function checkChainAt(
  obj: SignedObject,
  cert: X509Certificate,
  cas: ScopedCa[],
  libraryTrust: LibraryTrust,
  at: Date,
  rekorUnchecked: boolean,
): { failure: Finding; withLogs: boolean } | { path: X509Certificate[] } {
  try {
    const path = verifyCertificateChain(at, cert, libraryTrust.certificateAuthorities);
    if (libraryTrust.ctlogs.length > 0 && path[1]) verifySCTs(path[0]!, path[1], libraryTrust.ctlogs);
    return { path };
  } catch (err) {
    const mapped = mapError(err);
    if (mapped.code === 'certificate-expired' && rekorUnchecked) {
      const reason = `${mapped.reason}; its Rekor entry could prove the signing time, but no Rekor key was given`;
      return { failure: { code: 'no-trust-material', reason }, withLogs: false };
    }
    const reason = windowReason(cert, cas, at) ?? mapped.reason;
    const when =
      mapped.code !== 'certificate-expired'
        ? ''
        : obj.rekor && !rekorUnchecked
          ? ` (at the Rekor integrated time ${at.toISOString()})`
          : ' (no transparency-log entry proves an earlier signing time)';
    return { failure: { code: mapped.code, reason: `${reason}${when}` }, withLogs: true };
  }
}

/** When the certificate would chain to a CA that the trust material trusts only at other times, say so. */
function windowReason(cert: X509Certificate, cas: ScopedCa[], at: Date): string | undefined {
  const outside = cas.filter((c) => !(c.ca.validFor.start <= at && at <= c.ca.validFor.end));
  for (const c of outside) {
    try {
      verifyCertificateChain(at, cert, [{ ...c.library, validFor: { start: at, end: at } }]);
      return `certificate chains to a CA trusted only from ${c.ca.validFor.start.toISOString()} to ${c.ca.validFor.end.toISOString()}, not at ${at.toISOString()}`;
    } catch {
      // not this CA
    }
  }
  return undefined;
}

/** The log keys that could have signed this entry, for the verdict's trust material. */
function logsFor(trust: TrustMaterial, rekor: RekorBundle): string[] {
  return trust.tlogs.filter((t) => t.logID.toString('hex') === rekor.logID).map((t) => t.source);
}

/** cosign requires the code-signing extended key usage where the certificate restricts its usage (the library does not look). */
function checkCodeSigning(leaf: X509Certificate): string | undefined {
  try {
    const oids = extendedKeyUsages(leaf);
    if (oids === undefined) return undefined;
    if (oids.includes(EKU_CODE_SIGNING) || oids.includes(OID_ANY_EKU)) return undefined;
    return 'signing certificate is not allowed to sign code (extended key usage lacks codeSigning)';
  } catch {
    return 'signing certificate has an unreadable extended key usage';
  }
}

/**
 * The library matches the entry's signature and payload hash; cosign also
 * requires that the key or certificate the entry logged is the one that
 * verified the signature (hashedrekord, dsse, intoto bodies).
 */
function matchLoggedVerifier(body: Buffer, verifierDer: Buffer): string | undefined {
  const entry = parseJson(body);
  const spec = isRecord(entry) && isRecord(entry.spec) ? entry.spec : {};
  const logged: (string | undefined)[] = [];
  const signature = isRecord(spec.signature) ? spec.signature : undefined;
  if (signature && isRecord(signature.publicKey)) logged.push(str(signature.publicKey.content));
  if (Array.isArray(spec.signatures)) for (const s of spec.signatures) if (isRecord(s)) logged.push(str(s.verifier));
  const content = isRecord(spec.content) ? spec.content : undefined;
  const envelope = content && isRecord(content.envelope) ? content.envelope : undefined;
  if (envelope && Array.isArray(envelope.signatures)) for (const s of envelope.signatures) if (isRecord(s)) logged.push(str(s.publicKey));
  if (logged.length === 0) logged.push(str(spec.publicKey));
  for (const text of logged) {
    if (!text) continue;
    let blocks;
    try {
      blocks = parsePemBlocks(Buffer.from(text, 'base64').toString('utf8'));
    } catch {
      continue;
    }
    if (blocks.some((b) => b.der.equals(verifierDer))) return undefined;
  }
  return 'Rekor entry was logged for another key or certificate';
}

function notes(obj: SignedObject): string {
  return obj.notes?.length ? `; ${obj.notes.join('; ')}` : '';
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
