import { createPublicKey, type KeyObject } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import { CustodyError } from '../errors.js';
import { compilePattern, type Pattern } from '../lib/pattern.js';
import { readRegularFile } from '../lib/read-file.js';
import type { IdentityConstraints, TrustRecord } from '../types.js';
import { sha256Hex } from '../lib/hash.js';
import { parseJson } from './bytes.js';
import { ALL_TIME, anchorsFromTrustedRoot, logAuthorityFromKey, type CertAuthority, type LogAuthority } from './anchors.js';
import type { IdentityPolicy } from './identity.js';
import { keyHint, parsePublicKeyPem } from './keys.js';
import { parseCertificatesPem } from './pem.js';
import { implicitPolicy, parseNotationPolicy, type NotationPolicy } from './notation/policy.js';
import { parseNotationTrustStore, readNotationTrustStore, type NotationStores } from './notation/store.js';
import type { NotationTrust } from './notation/verify.js';

/** Trust flags, as `custody verify-evidence` / `custody verify` take them. */
export interface TrustOptions {
  /** `--key`: PEM public keys (SPKI, PKCS#1) or private keys whose public half is used. */
  keys?: string[];
  /** `--trusted-root`: Sigstore trusted_root.json files (Fulcio CAs, Rekor and CT log keys, TSAs). */
  trustedRoots?: string[];
  /** `--certificate-identity`: exact SAN (email, URI, ...) the signing certificate must carry. */
  certificateIdentity?: string;
  /** `--certificate-identity-regexp`: RE2 pattern one SAN must match (searched, like cosign: anchor it yourself). */
  certificateIdentityRegexp?: string;
  /** `--certificate-oidc-issuer`: exact Fulcio OIDC issuer. */
  certificateOidcIssuer?: string;
  /** `--certificate-oidc-issuer-regexp`: RE2 pattern the issuer must match (searched). */
  certificateOidcIssuerRegexp?: string;
  /** `--ca-roots`: PEM bundles of private-PKI trust anchors for cosign certificates. */
  caRoots?: string[];
  /** `--ca-intermediates`: PEM bundles of private-PKI intermediates (untrusted path helpers). */
  caIntermediates?: string[];
  /** `--rekor-key`: a Rekor log public key on its own (instead of a trusted root), for SETs. */
  rekorKeys?: string[];
  /** `--notation-trust-store`: a Notation trust store folder (`x509/{ca,signingAuthority,tsa}/NAME/`). */
  notationTrustStore?: string;
  /** `--notation-trust-policy`: a Notation trust policy document (version 1.0). */
  notationTrustPolicy?: string;
}

export type TrustFileRole = 'key' | 'trusted-root' | 'ca-roots' | 'ca-intermediates' | 'rekor-key' | 'notation-trust-store' | 'notation-trust-policy';

/** One file of trust material, so the archive can keep a copy and name it by hash. */
export interface TrustFile {
  path: string;
  role: TrustFileRole;
  sha256: string;
  size: number;
}

export interface TrustedKey {
  key: KeyObject;
  /** sha256 hex of the SPKI DER. */
  hint: string;
  source: string;
  /** Ids the key is published under when they are not derived from it (npm registry keys). */
  keyIds?: string[];
}

export interface Intermediate {
  cert: X509Certificate;
  source: string;
}

/** Everything verification trusts, loaded once. Immutable; verifiers never do I/O. */
export interface TrustMaterial {
  files: TrustFile[];
  keys: TrustedKey[];
  /** Fulcio CAs from trusted roots and private-PKI anchors from --ca-roots. */
  certificateAuthorities: CertAuthority[];
  timestampAuthorities: CertAuthority[];
  tlogs: LogAuthority[];
  ctlogs: LogAuthority[];
  intermediates: Intermediate[];
  policy: IdentityPolicy;
  /** Notation trust store and policy, when given. */
  notation?: NotationTrust;
  /** Parts of the trust files that were left out, each a sentence naming the file. */
  warnings: string[];
}

/** Raw input of one trust file: what `loadTrustMaterial` reads from disk. */
export interface TrustInput {
  path: string;
  role: TrustFileRole;
  bytes: Uint8Array;
}

const MAX_TRUST_FILE = 16 * 1024 * 1024;
/** A CA bundle may be a whole system store. */
const MAX_TRUST_CERTS = 1000;

/** Read the trust files named by `options` and build the TrustMaterial. The only I/O of src/trust/ verification. */
export async function loadTrustMaterial(options: TrustOptions): Promise<TrustMaterial> {
  return buildTrustMaterial(await readTrustInputs(options), options);
}

/** The trust files named by `options`, read into memory with their roles. */
export async function readTrustInputs(options: TrustOptions): Promise<TrustInput[]> {
  const named: [TrustFileRole, string[] | undefined][] = [
    ['key', options.keys],
    ['trusted-root', options.trustedRoots],
    ['ca-roots', options.caRoots],
    ['ca-intermediates', options.caIntermediates],
    ['rekor-key', options.rekorKeys],
  ];
  const inputs: TrustInput[] = [];
  if (options.notationTrustStore !== undefined) {
    // A folder: read into one document, so it is one trust file with one hash.
    inputs.push({ path: options.notationTrustStore, role: 'notation-trust-store', bytes: await readNotationTrustStore(options.notationTrustStore) });
  }
  if (options.notationTrustPolicy !== undefined) named.push(['notation-trust-policy', [options.notationTrustPolicy]]);
  for (const [role, paths] of named) {
    for (const path of paths ?? []) {
      // The role is the flag's name: `--key F is a FIFO, not a regular file`.
      const bytes = await readRegularFile(path, { what: `--${role}`, maxBytes: MAX_TRUST_FILE });
      inputs.push({ path, role, bytes });
    }
  }
  return inputs;
}

/** Pure half of loadTrustMaterial: trust files already in memory. */
export function buildTrustMaterial(inputs: TrustInput[], options: Omit<TrustOptions, TrustFileKeys> = {}): TrustMaterial {
  const tm: TrustMaterial = {
    files: [],
    keys: [],
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    intermediates: [],
    policy: toPolicy(options),
    warnings: [],
  };
  let notationStores: { stores: NotationStores; sha256: string; path: string } | undefined;
  let notationPolicy: { policy: NotationPolicy; sha256: string; path: string } | undefined;
  for (const input of inputs) {
    if (input.bytes.length > MAX_TRUST_FILE) {
      throw new CustodyError('INPUT_TOO_LARGE', `${input.path}: ${input.bytes.length} bytes is too large for trust material`);
    }
    const sha256 = sha256Hex(input.bytes);
    tm.files.push({ path: input.path, role: input.role, sha256, size: input.bytes.length });
    if (input.role === 'notation-trust-store') {
      if (notationStores) throw new CustodyError('USAGE', `${input.path}: only one Notation trust store can be given`);
      notationStores = { stores: parseNotationTrustStore(input.bytes, input.path), sha256, path: input.path };
    } else if (input.role === 'notation-trust-policy') {
      if (notationPolicy) throw new CustodyError('USAGE', `${input.path}: only one Notation trust policy can be given`);
      notationPolicy = { policy: parseNotationPolicy(input.bytes, input.path), sha256, path: input.path };
    } else addInput(tm, input, sha256);
  }
  if (notationPolicy && !notationStores) {
    throw new CustodyError('USAGE', `${notationPolicy.path}: a Notation trust policy needs the trust store it names (--notation-trust-store)`);
  }
  if (notationStores) {
    const policy = notationPolicy?.policy ?? implicitPolicy(notationStores.stores);
    if (!notationPolicy) {
      tm.warnings.push(
        `no Notation trust policy given: every store of ${notationStores.path} is trusted for every repository and any identity (strict; timestamps checked once a certificate has expired)`,
      );
    }
    tm.notation = { stores: notationStores.stores, policy, sources: [notationStores.sha256, ...(notationPolicy ? [notationPolicy.sha256] : [])] };
    for (const statement of policy.statements) {
      for (const store of statement.trustStores) {
        if (!notationStores.stores.has(store))
          tm.warnings.push(`Notation trust policy statement "${statement.name}" names ${store}, which the trust store does not hold`);
      }
    }
  }
  return tm;
}

type TrustFileKeys = 'keys' | 'trustedRoots' | 'caRoots' | 'caIntermediates' | 'rekorKeys' | 'notationTrustStore' | 'notationTrustPolicy';

function addInput(tm: TrustMaterial, input: TrustInput, sha256: string): void {
  const text = Buffer.from(input.bytes).toString('utf8');
  switch (input.role) {
    case 'key': {
      const published = npmRegistryKeys(input.bytes, input.path);
      if (published) {
        for (const { key, keyIds } of published) tm.keys.push({ key, hint: keyHint(key), source: sha256, keyIds });
        return;
      }
      const key = parsePublicKeyPem(text, input.path);
      tm.keys.push({ key, hint: keyHint(key), source: sha256 });
      return;
    }
    case 'rekor-key':
      tm.tlogs.push(logAuthorityFromKey(parsePublicKeyPem(text, input.path), sha256));
      return;
    case 'trusted-root': {
      const json = parseJson(input.bytes, MAX_TRUST_FILE);
      if (json === undefined || typeof json !== 'object' || json === null) {
        throw new CustodyError('INVALID_INPUT', `${input.path}: not a JSON trusted root`);
      }
      let anchors;
      try {
        anchors = anchorsFromTrustedRoot(json, input.path, sha256);
      } catch (err) {
        throw new CustodyError('INVALID_INPUT', `${input.path}: not a Sigstore trusted root: ${(err as Error).message}`, { cause: err });
      }
      tm.certificateAuthorities.push(...anchors.certificateAuthorities);
      tm.timestampAuthorities.push(...anchors.timestampAuthorities);
      tm.tlogs.push(...anchors.tlogs);
      tm.ctlogs.push(...anchors.ctlogs);
      tm.warnings.push(...anchors.warnings);
      if (anchors.certificateAuthorities.length + anchors.tlogs.length + anchors.timestampAuthorities.length === 0) {
        tm.warnings.push(`${input.path}: trusted root has no usable certificate authority, log or timestamp authority`);
      }
      return;
    }
    case 'ca-roots':
    case 'ca-intermediates': {
      const certs = readCerts(text, input.path);
      if (input.role === 'ca-intermediates') {
        tm.intermediates.push(...certs.map((cert) => ({ cert, source: sha256 })));
      } else {
        tm.certificateAuthorities.push(...certs.map((cert) => ({ kind: 'pki' as const, certChain: [cert], validFor: ALL_TIME, source: sha256 })));
      }
      return;
    }
  }
}

function readCerts(text: string, path: string): X509Certificate[] {
  let certs: X509Certificate[];
  try {
    certs = parseCertificatesPem(text, MAX_TRUST_CERTS);
  } catch (err) {
    throw new CustodyError('INVALID_INPUT', `${path}: not a PEM certificate bundle: ${(err as Error).message}`, { cause: err });
  }
  if (certs.length === 0) throw new CustodyError('INVALID_INPUT', `${path}: no PEM certificate found`);
  return certs;
}

function toPolicy(options: TrustOptions): IdentityPolicy {
  if (options.certificateIdentity !== undefined && options.certificateIdentityRegexp !== undefined) {
    throw new CustodyError('USAGE', '--certificate-identity and --certificate-identity-regexp are mutually exclusive');
  }
  if (options.certificateOidcIssuer !== undefined && options.certificateOidcIssuerRegexp !== undefined) {
    throw new CustodyError('USAGE', '--certificate-oidc-issuer and --certificate-oidc-issuer-regexp are mutually exclusive');
  }
  const policy: IdentityPolicy = {};
  if (options.certificateIdentity !== undefined) policy.identity = options.certificateIdentity;
  if (options.certificateIdentityRegexp !== undefined) policy.identityRegexp = compile(options.certificateIdentityRegexp, '--certificate-identity-regexp');
  if (options.certificateOidcIssuer !== undefined) policy.issuer = options.certificateOidcIssuer;
  if (options.certificateOidcIssuerRegexp !== undefined) policy.issuerRegexp = compile(options.certificateOidcIssuerRegexp, '--certificate-oidc-issuer-regexp');
  return policy;
}

/** Compiled here, once per trust material: a pattern RE2 refuses is a usage error naming the flag. */
function compile(pattern: string, flag: string): Pattern {
  try {
    return compilePattern(pattern);
  } catch (err) {
    throw new CustodyError('USAGE', `${flag} ${JSON.stringify(pattern)} ${(err as Error).message}`, { cause: err });
  }
}

/**
 * npm's registry keys (`https://registry.npmjs.org/-/npm/v1/keys`, also the
 * `keys.json` TUF target): `{keys: [{keyId, keyUsage, publicKey: {rawBytes}}]}`.
 * The key ids are not derived from the keys, so they are kept: a bundle whose
 * hint names one of them and does not verify was altered, not signed by
 * someone else. Undefined when the file is not such a document (a PEM key).
 */
function npmRegistryKeys(bytes: Uint8Array, path: string): { key: KeyObject; keyIds: string[] }[] | undefined {
  const text = Buffer.from(bytes).toString('utf8').trimStart();
  if (!text.startsWith('{')) return undefined;
  const json = parseJson(bytes, MAX_TRUST_FILE);
  const list = typeof json === 'object' && json !== null && Array.isArray((json as { keys?: unknown }).keys) ? (json as { keys: unknown[] }).keys : undefined;
  if (!list) throw new CustodyError('INVALID_KEY', `${path}: a JSON key file must be npm's registry keys document ({keys: [{keyId, publicKey: {rawBytes}}]})`);
  const byKey = new Map<string, { key: KeyObject; keyIds: string[] }>();
  for (const [i, entry] of list.entries()) {
    const keyId = typeof entry === 'object' && entry !== null ? (entry as { keyId?: unknown }).keyId : undefined;
    const raw = typeof entry === 'object' && entry !== null ? (entry as { publicKey?: { rawBytes?: unknown } }).publicKey?.rawBytes : undefined;
    if (typeof keyId !== 'string' || typeof raw !== 'string') throw new CustodyError('INVALID_KEY', `${path}: keys[${i}] has no keyId or publicKey.rawBytes`);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(raw, 'base64'), format: 'der', type: 'spki' });
    } catch (err) {
      throw new CustodyError('INVALID_KEY', `${path}: keys[${i}].publicKey.rawBytes is not an SPKI public key: ${(err as Error).message}`, { cause: err });
    }
    const found = byKey.get(raw) ?? { key, keyIds: [] };
    if (!found.keyIds.includes(keyId)) found.keyIds.push(keyId);
    byKey.set(raw, found);
  }
  if (byKey.size === 0) throw new CustodyError('INVALID_KEY', `${path}: npm registry keys document lists no key`);
  return [...byKey.values()];
}

/**
 * Trust material rebuilt from the copies a day folder keeps, for repeating
 * archive-time checks offline: only the files a verdict names, with the
 * identity constraints it recorded.
 */
export function trustFromCopies(copies: { record: TrustRecord; bytes: Uint8Array }[], constraints: IdentityConstraints): TrustMaterial {
  return buildTrustMaterial(
    copies.map(({ record, bytes }) => ({ path: record.path, role: record.role, bytes })),
    constraints,
  );
}
