import { json as canonicalJson } from '@sigstore/core';
import { contains, type LogAuthority } from './anchors.js';
import { decodeBase64, isRecord, MAX_CERT_BYTES, parseJson, str } from './bytes.js';
import { verifySignature } from './keys.js';
import { parsePemBlocks } from './pem.js';
import { finding, type Finding } from './verdict.js';

/** cosign's `dev.sigstore.cosign/bundle` annotation: a Rekor v1 entry with its SignedEntryTimestamp. */
export interface RekorBundle {
  set: Buffer;
  body: Buffer;
  integratedTime: number;
  logIndex: number;
  logID: string;
}

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

/**
 * Rekor's SignedEntryTimestamp is the log's signature over the canonical
 * JSON of {body, integratedTime, logIndex, logID} (rekor pkg/api/entries.go);
 * it is checked with a log key whose ID matches and that was valid at the
 * integrated time. Returns the log that signed it, or a finding.
 */
export function verifySet(bundle: RekorBundle, tlogs: LogAuthority[]): { log: LogAuthority } | { finding: NonNullable<Finding> } {
  const at = new Date(bundle.integratedTime * 1000);
  const candidates = tlogs.filter((t) => t.logID.toString('hex') === bundle.logID);
  if (candidates.length === 0) {
    return { finding: failure('tlog-invalid', `Rekor entry from log ${bundle.logID.slice(0, 16)}…, which is not in the trust material`) };
  }
  const payload = Buffer.from(
    canonicalJson.canonicalize({
      body: bundle.body.toString('base64'),
      integratedTime: bundle.integratedTime,
      logIndex: bundle.logIndex,
      logID: bundle.logID,
    }),
    'utf8',
  );
  const inWindow = candidates.filter((t) => contains(t.validFor, at));
  if (inWindow.length === 0) {
    return { finding: failure('tlog-invalid', `Rekor log key was not valid at the integrated time ${at.toISOString()}`) };
  }
  const log = inWindow.find((t) => verifySignature(t.publicKey, payload, bundle.set));
  if (!log) return { finding: failure('tlog-invalid', 'Rekor SignedEntryTimestamp does not verify with the log key') };
  return { log };
}

/** What the signed object says was logged: custody compares it with the entry body. */
export interface LoggedClaim {
  /** Raw signature bytes. */
  signature: Buffer;
  /** sha256 hex of the signed payload (simple signing payload, or DSSE payload). */
  payloadSha256: string;
  /** DER of the signing certificate, or SPKI DER of the signing key. */
  verifierDer: Buffer;
  /** For DSSE: sha256 hex of the envelope bytes as stored. */
  envelopeSha256?: string;
}

/**
 * The entry body must describe this very signature: same signature bytes,
 * same payload hash, same certificate or key (hashedrekord 0.0.1, dsse
 * 0.0.1, intoto 0.0.1/0.0.2 as cosign uploads them).
 */
export function matchEntryBody(body: Buffer, claim: LoggedClaim): Finding {
  const entry = parseJson(body);
  if (!isRecord(entry) || !isRecord(entry.spec)) return finding('tlog-invalid', 'Rekor entry body is not JSON');
  const kind = `${str(entry.kind)}/${str(entry.apiVersion)}`;
  const spec = entry.spec;
  switch (kind) {
    case 'hashedrekord/0.0.1':
      return matchHashedRekord(spec, claim);
    case 'dsse/0.0.1':
      return matchDsse(spec, claim);
    case 'intoto/0.0.2':
    case 'intoto/0.0.1':
      return matchIntoto(spec, claim);
    default:
      return finding('tlog-invalid', `Rekor entry kind ${kind} is not one custody can match`);
  }
}

function matchHashedRekord(spec: Record<string, unknown>, claim: LoggedClaim): Finding {
  const sig = isRecord(spec.signature) ? spec.signature : {};
  const hash = isRecord(spec.data) && isRecord(spec.data.hash) ? spec.data.hash : {};
  if (str(hash.algorithm) !== 'sha256' || str(hash.value)?.toLowerCase() !== claim.payloadSha256) {
    return finding('tlog-invalid', 'Rekor entry is for another payload (hash differs)');
  }
  if (!sameBytes(decodeBase64(str(sig.content) ?? ''), claim.signature)) {
    return finding('tlog-invalid', 'Rekor entry is for another signature');
  }
  const keyText = isRecord(sig.publicKey) ? str(sig.publicKey.content) : undefined;
  return matchVerifier(keyText, claim);
}

function matchDsse(spec: Record<string, unknown>, claim: LoggedClaim): Finding {
  const payloadHash = isRecord(spec.payloadHash) ? spec.payloadHash : {};
  if (str(payloadHash.value)?.toLowerCase() !== claim.payloadSha256) {
    return finding('tlog-invalid', 'Rekor entry is for another DSSE payload (hash differs)');
  }
  const sigs = Array.isArray(spec.signatures) ? spec.signatures.filter(isRecord) : [];
  const match = sigs.find((s) => sameBytes(decodeBase64(str(s.signature) ?? ''), claim.signature));
  if (!match) return finding('tlog-invalid', 'Rekor entry does not hold this DSSE signature');
  return matchVerifier(str(match.verifier), claim);
}

function matchIntoto(spec: Record<string, unknown>, claim: LoggedClaim): Finding {
  const content = isRecord(spec.content) ? spec.content : {};
  const payloadHash = isRecord(content.payloadHash) ? str(content.payloadHash.value) : undefined;
  const envelopeHash = isRecord(content.hash) ? str(content.hash.value) : undefined;
  const payloadOk = payloadHash !== undefined && payloadHash.toLowerCase() === claim.payloadSha256;
  const envelopeOk = envelopeHash !== undefined && envelopeHash.toLowerCase() === claim.envelopeSha256;
  if (!payloadOk && !envelopeOk) return finding('tlog-invalid', 'Rekor entry is for another in-toto envelope (hash differs)');
  const envelope = isRecord(content.envelope) ? content.envelope : undefined;
  if (envelope) {
    const sigs = Array.isArray(envelope.signatures) ? envelope.signatures.filter(isRecord) : [];
    // intoto 0.0.2 stores each signature base64-encoded twice.
    const match = sigs.find((s) => {
      const once = decodeBase64(str(s.sig) ?? '');
      return once !== undefined && sameBytes(decodeBase64(once.toString('utf8')), claim.signature);
    });
    if (!match) return finding('tlog-invalid', 'Rekor entry does not hold this DSSE signature');
    return matchVerifier(str(match.publicKey), claim);
  }
  return matchVerifier(str(spec.publicKey), claim);
}

/** The logged key or certificate (base64 of PEM) must be the one that verified the signature. */
function matchVerifier(base64Pem: string | undefined, claim: LoggedClaim): Finding {
  const pem = decodeBase64(base64Pem ?? '');
  if (!pem) return finding('tlog-invalid', 'Rekor entry has no readable key or certificate');
  let blocks;
  try {
    blocks = parsePemBlocks(pem.toString('utf8'));
  } catch {
    return finding('tlog-invalid', 'Rekor entry has an unreadable key or certificate');
  }
  if (!blocks.some((b) => b.der.equals(claim.verifierDer))) {
    return finding('tlog-invalid', 'Rekor entry was logged for another key or certificate');
  }
  return undefined;
}

function failure(code: 'tlog-invalid', reason: string): NonNullable<Finding> {
  return { code, reason };
}

function sameBytes(a: Buffer | undefined, b: Buffer): boolean {
  return a !== undefined && a.length === b.length && a.equals(b);
}

