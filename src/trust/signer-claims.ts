import { createHash } from 'node:crypto';
import { decodeBase64, isRecord, parseJson, str } from './bytes.js';
import { spkiDer, type TrustedKeyLike } from './keys.js';
import { parsePemBlocks } from './pem.js';

/**
 * Who a signature says it is from, before it is verified: a DSSE `keyid`, a
 * bundle's public-key hint, the key a Rekor entry was logged with. None of
 * this is authenticated, so it is only ever used to make a verdict stricter:
 * a signature that names a trusted key and does not verify with it was
 * altered (`signature-invalid`, failing the run); one that names no trusted
 * key is another signer's (`untrusted-key`, which does not fail a co-signed
 * image whose trusted signature verifies).
 */
export interface SignerClaims {
  keyIds?: readonly string[];
  /** A Rekor entry body (cosign's bundle annotation). */
  rekorBody?: Buffer;
}

/** The spellings of a key id that name this key: custody's hint (sha256 hex of the SPKI), its base64 forms, and the ids it was published under. */
function keyIdsOf(key: TrustedKeyLike): Set<string> {
  const digest = createHash('sha256').update(spkiDer(key.key)).digest();
  const b64 = digest.toString('base64');
  return new Set([key.hint, `sha256:${key.hint}`, b64, b64.replace(/=+$/, ''), `SHA256:${b64.replace(/=+$/, '')}`, ...(key.keyIds ?? [])]);
}

export function claimsTrustedKey(claims: SignerClaims, keys: readonly TrustedKeyLike[]): boolean {
  if (keys.length === 0) return false;
  const ids = (claims.keyIds ?? []).filter((id) => id !== '');
  if (ids.length > 0 && keys.some((key) => ids.some((id) => keyIdsOf(key).has(id)))) return true;
  if (claims.rekorBody) {
    const trusted = new Set(keys.map((k) => spkiDer(k.key).toString('hex')));
    return loggedVerifiers(claims.rekorBody).some((der) => trusted.has(der.toString('hex')));
  }
  return false;
}

/** DER of every key (or certificate) a Rekor entry body names as its verifier (hashedrekord, dsse, intoto). */
export function loggedVerifiers(body: Buffer): Buffer[] {
  const entry = parseJson(body);
  if (!isRecord(entry) || !isRecord(entry.spec)) return [];
  const spec = entry.spec;
  const texts: (string | undefined)[] = [];
  if (isRecord(spec.signature) && isRecord(spec.signature.publicKey)) texts.push(str(spec.signature.publicKey.content));
  if (Array.isArray(spec.signatures)) for (const s of spec.signatures) if (isRecord(s)) texts.push(str(s.verifier));
  if (isRecord(spec.content) && isRecord(spec.content.envelope) && Array.isArray(spec.content.envelope.signatures)) {
    for (const s of spec.content.envelope.signatures) if (isRecord(s)) texts.push(str(s.publicKey));
  }
  texts.push(str(spec.publicKey));
  const out: Buffer[] = [];
  for (const text of texts) {
    const pem = decodeBase64(text ?? '');
    if (!pem) continue;
    try {
      for (const block of parsePemBlocks(pem.toString('utf8'))) if (block.type === 'PUBLIC KEY') out.push(block.der);
    } catch {
      // An unreadable logged key claims nothing.
    }
  }
  return out;
}
