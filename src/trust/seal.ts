import { sign as nodeSign, createPublicKey, type KeyObject } from 'node:crypto';
import { basename, join } from 'node:path';
import { bundleToJSON } from '@sigstore/bundle';
import { FulcioSigner, MessageSignatureBundleBuilder, RekorWitness, type Signature, type Signer } from '@sigstore/sign';
import { MANIFEST, SEAL_FILE } from '../lib/archive-format.js';
import { writeFileAtomic } from '../lib/atomic.js';
import { CustodyError } from '../errors.js';
import { isMissingFile, readRegularFile } from '../lib/read-file.js';
import type { Verification } from '../types.js';
import { sha256Hex } from '../lib/hash.js';
import { verifySigstoreBundle } from './bundle.js';
import { keyHint, parsePrivateKeyPem } from './keys.js';
import type { TrustMaterial } from './material.js';
import { failed } from './verdict.js';

/** A PEM private key is a few kilobytes; anything larger is not one. */
export const MAX_KEY_FILE = 1024 * 1024;

export type SealOptions =
  | { keyPath: string }
  | {
      /** OIDC identity token (e.g. SIGSTORE_ID_TOKEN). */
      identityToken: string;
      fulcioURL: string;
      rekorURL: string;
      /** Per request, in ms. */
      timeout?: number;
    };

export interface SealResult {
  /** Path of the bundle written. */
  path: string;
  /** sha256 of the bundle file. */
  sha256: string;
  /** sha256 of the manifest it seals. */
  manifestSha256: string;
  mode: 'key' | 'keyless';
  /** Key hint (key mode) or certificate SAN (keyless). */
  signer: string;
}

/**
 * Signs a Node private key's way into @sigstore/sign: the bundle carries the
 * key hint (sha256 of the SPKI DER), never the key, and no log entry.
 */
export class KeySigner implements Signer {
  readonly hint: string;
  constructor(private readonly key: KeyObject) {
    if (key.type !== 'private') throw new CustodyError('INVALID_KEY', 'a signing key must be a private key');
    this.hint = keyHint(key);
  }

  async sign(data: Buffer): Promise<Signature> {
    // @sigstore/verify checks a message signature with the bundle's digest algorithm, SHA-256.
    const signature = nodeSign('sha256', data, this.key);
    const publicKey = createPublicKey(this.key).export({ type: 'spki', format: 'pem' }).toString();
    return { signature, key: { $case: 'publicKey', publicKey, hint: this.hint } };
  }
}

/**
 * Seal a day folder: a Sigstore bundle (message signature over the exact
 * bytes of manifest.json) written atomically to manifest.json.sigstore.json,
 * with its `.sha256` beside it like every archived file. With a key: no
 * transparency log. Keyless: Fulcio certificate for the identity token, entry
 * in Rekor; the only network calls of src/trust/, made here on request.
 */
export async function sealDayManifest(dayDir: string, options: SealOptions): Promise<SealResult> {
  const manifestPath = join(dayDir, MANIFEST);
  const manifest = await readRegularFile(manifestPath, { what: 'day manifest', noFollow: true });
  let builder: MessageSignatureBundleBuilder;
  let signer: string;
  if ('keyPath' in options) {
    const key = await readSigningKey(options.keyPath);
    const keySigner = new KeySigner(key);
    builder = new MessageSignatureBundleBuilder({ signer: keySigner, witnesses: [] });
    signer = keySigner.hint;
  } else {
    const fulcio = new FulcioSigner({
      identityProvider: { getToken: async () => options.identityToken },
      fulcioBaseURL: options.fulcioURL,
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    });
    const rekor = new RekorWitness({ rekorBaseURL: options.rekorURL, ...(options.timeout !== undefined ? { timeout: options.timeout } : {}) });
    builder = new MessageSignatureBundleBuilder({ signer: fulcio, witnesses: [rekor] });
    signer = 'keyless';
  }
  let json: string;
  try {
    const bundle = await builder.create({ data: manifest });
    json = `${JSON.stringify(bundleToJSON(bundle), null, 2)}\n`;
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    throw new CustodyError('NETWORK', `cannot seal ${manifestPath}: ${describe(err)}`, { cause: err });
  }
  const path = join(dayDir, SEAL_FILE);
  await writeFileAtomic(path, json);
  const sha256 = sha256Hex(json);
  await writeFileAtomic(`${path}.sha256`, `${sha256}  ${basename(path)}\n`);
  return { path, sha256, manifestSha256: sha256Hex(manifest), mode: 'keyPath' in options ? 'key' : 'keyless', signer };
}

async function readSigningKey(path: string): Promise<KeyObject> {
  const text = (await readRegularFile(path, { what: 'signing key', maxBytes: MAX_KEY_FILE })).toString('utf8');
  const key = parsePrivateKeyPem(text, path);
  if (key.asymmetricKeyType === 'ed25519') {
    // @sigstore/verify 4 checks message signatures with a SHA-256 digest, which Ed25519 does not take.
    throw new CustodyError('INVALID_KEY', `${path}: Ed25519 keys cannot seal (Sigstore message signatures need ECDSA or RSA)`);
  }
  return key;
}

/**
 * Verify a day's seal against the day manifest as it is now: any change to
 * manifest.json after sealing fails (subject-mismatch). No seal is
 * `malformed` with a reason saying so.
 */
export async function verifySeal(dayDir: string, trust: TrustMaterial): Promise<Verification> {
  const manifestPath = join(dayDir, MANIFEST);
  const sealPath = join(dayDir, SEAL_FILE);
  const manifest = await readRegularFile(manifestPath, { what: 'day manifest', noFollow: true });
  let seal: Buffer;
  try {
    seal = await readRegularFile(sealPath, { what: 'seal', noFollow: true });
  } catch (err) {
    if (isMissingFile(err)) return failed('malformed', `${sealPath} does not exist: the day is not sealed`);
    throw err;
  }
  try {
    return verifySigstoreBundle(seal, { artifact: manifest }, trust);
  } catch (err) {
    return failed('malformed', `seal could not be verified: ${describe(err)}`);
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `${err.message}${cause}`;
}
