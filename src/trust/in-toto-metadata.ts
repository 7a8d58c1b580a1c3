import { constants, createHash, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { Identity, Verification } from '../types.js';
import { isRecord, str } from './bytes.js';
import { canonicalJson } from './canonical-json.js';
import type { TrustedKeyLike } from './keys.js';
import type { TrustMaterial } from './material.js';
import { toMatcher, isMatcher, type Target, type TargetMatcher } from './target.js';
import { failed, verified } from './verdict.js';

/**
 * in-toto v0.9 metadata as in-toto-run / in-toto-sign 1.x write it:
 * `{signed: {_type: link|layout, ...}, signatures: [{keyid, sig}]}`, each
 * signature (hex) over the canonical JSON of `signed`, made with an RSA
 * (RSASSA-PSS, or PKCS#1 v1.5, SHA-256), Ed25519 or ECDSA key. The keys are
 * given as PEM (`--key`); a key id is securesystemslib's (sha256 of the
 * canonical JSON of the key), used only to tell an altered signature from
 * another signer's.
 */
export function looksLikeInTotoMetadata(json: unknown): boolean {
  if (!isRecord(json) || !isRecord(json.signed) || !Array.isArray(json.signatures)) return false;
  const type = str(json.signed._type);
  return type === 'link' || type === 'layout';
}

export function verifyInTotoMetadata(json: unknown, target: Target, trust: TrustMaterial): Verification {
  if (!isRecord(json) || !isRecord(json.signed) || !Array.isArray(json.signatures)) return failed('malformed', 'in-toto metadata: not {signed, signatures}');
  const signed = json.signed;
  const type = str(signed._type) ?? '';
  const what = `in-toto ${type} ${JSON.stringify(str(signed.name) ?? str(signed.readme) ?? '')}`.trim();
  const canonical = canonicalJson(signed);
  if (canonical === undefined)
    return failed('malformed', `${what}: signed part cannot be canonicalised (a non-integer number): in-toto tooling did not sign it`);
  const signatures: { keyid: string; sig: Buffer }[] = [];
  for (const [i, s] of json.signatures.entries()) {
    const sig = isRecord(s) ? str(s.sig) : undefined;
    if (sig === undefined || !/^([0-9a-fA-F]{2})+$/.test(sig)) return failed('malformed', `${what}: signatures[${i}].sig is not hex`);
    signatures.push({ keyid: (isRecord(s) ? str(s.keyid) : undefined) ?? '', sig: Buffer.from(sig, 'hex') });
  }
  if (signatures.length === 0) return failed('malformed', `${what}: no signature`);
  if (trust.keys.length === 0) return failed('no-trust-material', `${what} is signed with a key, but no public key was given`);
  const data = Buffer.from(canonical, 'utf8');
  for (const key of trust.keys) {
    if (!signatures.some((s) => verifies(key.key, data, s.sig))) continue;
    const identity: Identity = { keyHint: key.hint };
    return verified(`${what} verified with trusted key ${key.hint.slice(0, 16)}…; ${subjectNote(signed, target)}`, { identity, trustMaterial: [key.source] });
  }
  const named = trust.keys.some((key) => signatures.some((s) => securesystemslibKeyIds(key).has(s.keyid)));
  if (named) return failed('signature-invalid', `${what} names a trusted key but does not verify with it (altered)`);
  return failed(
    'untrusted-key',
    `${what} verifies with none of the ${trust.keys.length} trusted key(s) (signed by key ids ${signatures.map((s) => s.keyid.slice(0, 8)).join(', ')})`,
  );
}

/** The signature algorithms securesystemslib uses with each key type; RSA-PSS with any salt length. */
function verifies(key: KeyObject, data: Buffer, sig: Buffer): boolean {
  try {
    switch (key.asymmetricKeyType) {
      case 'ed25519':
        return nodeVerify(null, data, key, sig);
      case 'rsa':
        return (
          nodeVerify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig) ||
          nodeVerify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, sig)
        );
      case 'ec': {
        const curve = key.asymmetricKeyDetails?.namedCurve;
        return nodeVerify(curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256', data, key, sig);
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** securesystemslib key ids a PEM key has (in-toto-keygen's formats), for telling an altered signature apart. */
function securesystemslibKeyIds(key: TrustedKeyLike): Set<string> {
  const pem = key.key.export({ type: 'spki', format: 'pem' }).toString();
  const dicts: Record<string, unknown>[] = [];
  const hashes = ['sha256', 'sha512'];
  if (key.key.asymmetricKeyType === 'rsa') {
    for (const scheme of ['rsassa-pss-sha256', 'rsa-pkcs1v15-sha256']) {
      for (const text of [pem.trim(), pem]) dicts.push({ keytype: 'rsa', scheme, keyid_hash_algorithms: hashes, keyval: { public: text } });
    }
  } else if (key.key.asymmetricKeyType === 'ed25519') {
    const raw = key.key.export({ type: 'spki', format: 'der' }).subarray(-32).toString('hex');
    dicts.push({ keytype: 'ed25519', scheme: 'ed25519', keyid_hash_algorithms: hashes, keyval: { public: raw } });
  } else if (key.key.asymmetricKeyType === 'ec') {
    const scheme = key.key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'ecdsa-sha2-nistp384' : 'ecdsa-sha2-nistp256';
    for (const keytype of ['ecdsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384']) {
      for (const text of [pem, pem.trim()]) dicts.push({ keytype, scheme, keyid_hash_algorithms: hashes, keyval: { public: text } });
    }
  }
  return new Set(dicts.map((d) => createHash('sha256').update(canonicalJson(d)!).digest('hex')));
}

/**
 * A link names artifacts in its materials and products; whether the image is
 * among them is said, not required: a link is bound to an image only by a
 * layout's rules (in-toto-verify), which custody does not evaluate. A layout
 * names no artifact.
 */
function subjectNote(signed: Record<string, unknown>, target: Target): string {
  if (signed._type !== 'link') return 'a layout names no artifact (its steps are not evaluated)';
  const matcher = toMatcher(target);
  if (!isMatcher(matcher)) return 'no target to look for among the materials and products';
  return namesTarget(signed, matcher)
    ? `its materials/products name ${matcher.describe}`
    : `its materials/products do not name ${matcher.describe} (a link is bound to an image by a layout, not evaluated here)`;
}

function namesTarget(signed: Record<string, unknown>, matcher: TargetMatcher): boolean {
  for (const member of ['materials', 'products']) {
    const artifacts = signed[member];
    if (!isRecord(artifacts)) continue;
    for (const hashes of Object.values(artifacts)) {
      if (!isRecord(hashes)) continue;
      for (const [algorithm, hex] of Object.entries(hashes)) if (typeof hex === 'string' && matcher.matches(algorithm, hex)) return true;
    }
  }
  return false;
}
