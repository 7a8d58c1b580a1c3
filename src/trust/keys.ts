import { createPrivateKey, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { CustodyError } from '../errors.js';
import { sha256Hex } from '../lib/hash.js';
import { parsePemBlocks } from './pem.js';

/** PEM types that hold a public key directly or a private key it can be derived from. */
const PUBLIC_TYPES = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY']);
const PRIVATE_TYPES = new Set(['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY']);
const ENCRYPTED_TYPES = new Set(['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** sha256 (hex) of the key's SPKI DER: the key hint custody records and writes into bundles. */
export function keyHint(key: KeyObject): string {
  return sha256Hex(spkiDer(key));
}

export function spkiDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

function checkAlgorithm(key: KeyObject, name: string): void {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519' || type === 'rsa') return;
  if (type === 'ec' && SUPPORTED_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) return;
  throw new CustodyError('INVALID_KEY', `${name}: unsupported key type ${type ?? 'unknown'} (ECDSA P-256/P-384, Ed25519 and RSA are supported)`);
}

function encryptedKeyError(name: string, type: string): CustodyError {
  return new CustodyError(
    'INVALID_KEY',
    `${name}: ${type} is encrypted; custody cannot decrypt it (no maintained NaCl secretbox library is available). ` +
      'Use an unencrypted PKCS#8 or SEC1 key, e.g. one made with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`.',
  );
}

/**
 * Public key from PEM text: SPKI (`PUBLIC KEY`), PKCS#1 (`RSA PUBLIC KEY`), or a
 * private key (PKCS#8, SEC1, PKCS#1) whose public half is taken. Anything
 * else, or a broken block, is INVALID_KEY naming `name`.
 */
export function parsePublicKeyPem(text: string, name: string): KeyObject {
  const block = onlyKeyBlock(text, name);
  if (ENCRYPTED_TYPES.has(block.type)) throw encryptedKeyError(name, block.type);
  let key: KeyObject;
  try {
    if (block.type === 'PUBLIC KEY') key = createPublicKey({ key: block.der, format: 'der', type: 'spki' });
    else if (block.type === 'RSA PUBLIC KEY') key = createPublicKey({ key: block.der, format: 'der', type: 'pkcs1' });
    else key = createPublicKey(privateFromBlock(block.type, block.der));
  } catch (err) {
    throw new CustodyError('INVALID_KEY', `${name}: not a valid ${block.type}: ${(err as Error).message}`, { cause: err });
  }
  checkAlgorithm(key, name);
  return key;
}

/** Private signing key from PEM text: PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`), PKCS#1 RSA. */
export function parsePrivateKeyPem(text: string, name: string): KeyObject {
  const block = onlyKeyBlock(text, name);
  if (ENCRYPTED_TYPES.has(block.type)) throw encryptedKeyError(name, block.type);
  if (!PRIVATE_TYPES.has(block.type)) throw new CustodyError('INVALID_KEY', `${name}: ${block.type} is not a private key`);
  let key: KeyObject;
  try {
    key = privateFromBlock(block.type, block.der);
  } catch (err) {
    throw new CustodyError('INVALID_KEY', `${name}: not a valid ${block.type}: ${(err as Error).message}`, { cause: err });
  }
  checkAlgorithm(key, name);
  return key;
}

function privateFromBlock(type: string, der: Buffer): KeyObject {
  if (type === 'PRIVATE KEY') return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  if (type === 'EC PRIVATE KEY') return createPrivateKey({ key: der, format: 'der', type: 'sec1' });
  if (type === 'RSA PRIVATE KEY') return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  throw new Error(`unsupported PEM type ${type}`);
}

function onlyKeyBlock(text: string, name: string): { type: string; der: Buffer } {
  let blocks;
  try {
    blocks = parsePemBlocks(text);
  } catch (err) {
    throw new CustodyError('INVALID_KEY', `${name}: ${(err as Error).message}`, { cause: err });
  }
  const keys = blocks.filter((b) => PUBLIC_TYPES.has(b.type) || PRIVATE_TYPES.has(b.type) || ENCRYPTED_TYPES.has(b.type));
  if (keys.length === 0) throw new CustodyError('INVALID_KEY', `${name}: no PEM key block found`);
  if (keys.length > 1) throw new CustodyError('INVALID_KEY', `${name}: more than one key in one file; pass each key with its own --key`);
  return keys[0]!;
}

/**
 * Verify `signature` over `data`. ECDSA signers differ on the hash (cosign
 * hashes with SHA-256 whatever the curve; Sigstore pairs P-384 with SHA-384),
 * so both are tried; Ed25519 signs the message itself.
 */
export function verifySignature(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length === 0 || signature.length > 1024) return false;
  const type = key.asymmetricKeyType;
  const algorithms: (string | null)[] = type === 'ed25519' ? [null] : type === 'ec' ? ['sha256', ...curveHash(key)] : ['sha256', 'sha384', 'sha512'];
  // ECDSA signatures come DER-encoded, or as raw r||s (IEEE P1363) from some KMS signers (Google BCID).
  const encodings: ('der' | 'ieee-p1363')[] = type === 'ec' && signature.length === p1363Length(key) ? ['der', 'ieee-p1363'] : ['der'];
  return algorithms.some((alg) =>
    encodings.some((dsaEncoding) => {
      try {
        return nodeVerify(alg, data, type === 'ec' ? { key, dsaEncoding } : key, signature);
      } catch {
        return false;
      }
    }),
  );
}

function p1363Length(key: KeyObject): number {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === 'secp384r1' ? 96 : curve === 'secp521r1' ? 132 : 64;
}

function curveHash(key: KeyObject): string[] {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return ['sha384'];
  if (curve === 'secp521r1') return ['sha512'];
  return [];
}

/** Name of the hash a signer should use with this key (Sigstore key details). */
export function signingHash(key: KeyObject): string | null {
  if (key.asymmetricKeyType === 'ed25519') return null;
  return curveHash(key)[0] ?? 'sha256';
}

/** The parts of a trusted key the verifiers read. */
export interface TrustedKeyLike {
  key: KeyObject;
  hint: string;
  source: string;
  /** Key ids the key is published under, when not derived from it (npm's registry keys.json `keyId`). */
  keyIds?: string[];
}
