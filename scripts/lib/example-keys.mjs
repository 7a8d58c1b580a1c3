// Keys derived from a fixed seed, for examples whose output must not change
// from run to run. Throwaway keys, public by construction: never use them
// for anything real.
import { createECDH, createHash, createPrivateKey, createPublicKey } from 'node:crypto';

const seed = (text) => createHash('sha256').update(text).digest();

/** An ECDSA P-256 key pair from a seed phrase (its signatures are still randomised). */
export function seededP256(phrase) {
  const d = seed(phrase);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(null, 'uncompressed');
  const b64url = (b) => Buffer.from(b).toString('base64url');
  const jwk = { kty: 'EC', crv: 'P-256', d: b64url(d), x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** An Ed25519 key pair from a seed phrase: its signatures are deterministic too (RFC 8032). */
export function seededEd25519(phrase) {
  const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed(phrase)]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
