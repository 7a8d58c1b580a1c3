import type { Identity, Verification } from '../types.js';
import { isRecord, parseJson } from './bytes.js';
import { IN_TOTO_PAYLOAD_TYPE, parseEnvelope, preAuthEncoding } from './dsse.js';
import { verifySignature } from './keys.js';
import type { TrustMaterial } from './material.js';
import { claimsTrustedKey } from './signer-claims.js';
import { matchStatementSubject } from './statement.js';
import { isMatcher, toMatcher, type Target, type TargetMatcher } from './target.js';
import { failed, verified, type VerdictCode } from './verdict.js';

/**
 * Google Cloud Build provenance as `gcloud artifacts docker images describe
 * --show-provenance` prints it: per build, a DSSE envelope signed with one of
 * GCB's KMS keys (given with `--key`). GCB's regional keys
 * (`projects/verified-builder/locations/<region>/…`) sign the payload itself,
 * not the DSSE pre-authentication encoding; its `global-pae` keys sign the
 * PAE. Both are accepted, each only as GCB makes it. A signature must name
 * its key (`keyid`): GCB always does, and slsa-verifier rejects one that does not.
 *
 * The document verifies when one build's envelope verifies and its statement
 * names the target (as slsa-verifier accepts the first valid provenance);
 * otherwise the verdict is the first build's failure.
 */
const REGIONAL_KEY = /^projects\/verified-builder\/locations\/[a-z0-9-]+\/keyRings\/attestor\/cryptoKeys\/builtByGCB\/cryptoKeyVersions\/\d+$/;

export function looksLikeGcbProvenance(json: unknown): boolean {
  return isRecord(json) && isRecord(json.provenance_summary) && Array.isArray(json.provenance_summary.provenance);
}

export function verifyGcbProvenance(json: unknown, target: Target, trust: TrustMaterial): Verification {
  const what = 'GCB provenance';
  const entries =
    isRecord(json) && isRecord(json.provenance_summary) && Array.isArray(json.provenance_summary.provenance) ? json.provenance_summary.provenance : [];
  if (entries.length === 0) return failed('malformed', `${what}: no provenance_summary.provenance[] build`);
  const matcher = toMatcher(target);
  if (!isMatcher(matcher)) return failed(matcher!.code, `${what}: ${matcher!.reason}`);
  if (trust.keys.length === 0) return failed('no-trust-material', `${what} is signed with Google Cloud Build's KMS keys, but no public key was given`);

  let first: Verification | undefined;
  for (const [i, entry] of entries.entries()) {
    const verdict = verifyBuild(isRecord(entry) ? entry.envelope : undefined, `${what} build ${i}`, trust, matcher);
    if (verdict.verified) return verdict;
    first ??= verdict;
  }
  return first!;
}

function verifyBuild(value: unknown, what: string, trust: TrustMaterial, matcher: TargetMatcher): Verification {
  const envelope = parseEnvelope(value);
  if (typeof envelope === 'string') return failed('malformed', `${what}: envelope ${envelope}`);
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return failed('malformed', `${what}: payloadType ${JSON.stringify(envelope.payloadType)} is not in-toto`);
  const unnamed = envelope.signatures.findIndex((s) => !s.keyid);
  if (unnamed >= 0) return failed('malformed', `${what}: signatures[${unnamed}] has no keyid (GCB names the KMS key of every signature)`);
  const pae = preAuthEncoding(envelope.payloadType, envelope.payload);
  for (const key of trust.keys) {
    for (const s of envelope.signatures) {
      const overPae = verifySignature(key.key, pae, s.sig);
      const overPayload = !overPae && REGIONAL_KEY.test(s.keyid!) && verifySignature(key.key, envelope.payload, s.sig);
      if (!overPae && !overPayload) continue;
      const identity: Identity = { keyHint: key.hint };
      const statement = parseJson(envelope.payload);
      const subject =
        statement === undefined ? { code: 'malformed' as VerdictCode, reason: 'in-toto payload is not JSON' } : matchStatementSubject(statement, matcher);
      if (subject) return failed(subject.code, `${what}: ${subject.reason}`, { identity, trustMaterial: [key.source] });
      const how = overPayload ? 'over the payload (a GCB regional key; not the DSSE PAE)' : 'over the DSSE PAE';
      return verified(`${what} verified with trusted key ${key.hint.slice(0, 16)}… (${s.keyid}), signed ${how}`, { identity, trustMaterial: [key.source] });
    }
  }
  if (claimsTrustedKey({ keyIds: envelope.signatures.flatMap((s) => (s.keyid ? [s.keyid] : [])) }, trust.keys)) {
    return failed('signature-invalid', `${what}: names a trusted key but does not verify with it (altered)`);
  }
  return failed(
    'untrusted-key',
    `${what}: verifies with none of the ${trust.keys.length} trusted key(s) (key ${envelope.signatures.map((s) => s.keyid).join(', ')}), or was altered`,
  );
}
