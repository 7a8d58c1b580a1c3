import { constants, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode, Tag } from 'cbor2';
import type { TestCert } from './x509.js';

/**
 * A Notation signer for tests, written from the envelope specifications
 * (signature-envelope-jws.md, signature-envelope-cose.md): JWS JSON or
 * COSE_Sign1 over a Notary payload, with the chain given, any algorithm.
 * Options break one rule at a time for the failure cases.
 */
export type Alg = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';
const COSE_ALG: Record<Alg, number> = { PS256: -37, PS384: -38, PS512: -39, ES256: -7, ES384: -35, ES512: -36 };
const HASH: Record<Alg, string> = { PS256: 'sha256', PS384: 'sha384', PS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

export interface NotationSignOptions {
  format: 'jws' | 'cose';
  alg: Alg;
  key: KeyObject;
  /** Leaf first. */
  chain: TestCert[];
  target: { mediaType: string; digest: string; size: number };
  scheme?: 'notary.x509' | 'notary.x509.signingAuthority';
  signingTime?: Date;
  expiry?: Date;
  /** Extra protected headers, each also listed in crit when `critical`. */
  extra?: { name: string; value: string; critical: boolean }[];
  /** Bytes the signature is made over instead of the real ones (a tampered envelope). */
  tamperPayload?: boolean;
  /** An RFC 3161 token to attach (not checked by the signer). */
  timestamp?: Buffer;
}

function signBytes(alg: Alg, key: KeyObject, data: Buffer): Buffer {
  const hash = HASH[alg];
  if (alg.startsWith('PS'))
    return sign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: { sha256: 32, sha384: 48, sha512: 64 }[hash]! });
  return sign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
}

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export function signNotation(o: NotationSignOptions): Buffer {
  const scheme = o.scheme ?? 'notary.x509';
  const time = o.signingTime ?? new Date(Date.now() - 60_000);
  const timeHeader = scheme === 'notary.x509' ? 'io.cncf.notary.signingTime' : 'io.cncf.notary.authenticSigningTime';
  const crit = ['io.cncf.notary.signingScheme'];
  if (scheme !== 'notary.x509') crit.push(timeHeader);
  if (o.expiry) crit.push('io.cncf.notary.expiry');
  for (const e of o.extra ?? []) if (e.critical) crit.push(e.name);
  const payload = Buffer.from(JSON.stringify({ targetArtifact: o.target }));
  const signedPayload = o.tamperPayload ? Buffer.from(JSON.stringify({ targetArtifact: { ...o.target, size: o.target.size + 1 } })) : payload;

  if (o.format === 'jws') {
    const header: Record<string, unknown> = {
      alg: o.alg,
      crit,
      cty: 'application/vnd.cncf.notary.payload.v1+json',
      'io.cncf.notary.signingScheme': scheme,
      [timeHeader]: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    if (o.expiry) header['io.cncf.notary.expiry'] = o.expiry.toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const e of o.extra ?? []) header[e.name] = e.value;
    const protectedText = Buffer.from(JSON.stringify(header)).toString('base64url');
    const signature = signBytes(o.alg, o.key, Buffer.from(`${protectedText}.${signedPayload.toString('base64url')}`));
    const unprotected: Record<string, unknown> = { x5c: o.chain.map((c) => c.der.toString('base64')), 'io.cncf.notary.signingAgent': 'custody-tests' };
    if (o.timestamp) unprotected['io.cncf.notary.timestampSignature'] = o.timestamp.toString('base64');
    return Buffer.from(
      JSON.stringify({ payload: payload.toString('base64url'), protected: protectedText, header: unprotected, signature: signature.toString('base64url') }),
    );
  }

  const protectedMap = new Map<unknown, unknown>([
    [1, COSE_ALG[o.alg]],
    [2, crit],
    [3, 'application/vnd.cncf.notary.payload.v1+json'],
    ['io.cncf.notary.signingScheme', scheme],
    [timeHeader, new Tag(1, Math.floor(time.getTime() / 1000))],
  ]);
  if (o.expiry) protectedMap.set('io.cncf.notary.expiry', new Tag(1, Math.floor(o.expiry.getTime() / 1000)));
  for (const e of o.extra ?? []) protectedMap.set(e.name, e.value);
  const protectedBytes = Buffer.from(encode(protectedMap));
  const toBeSigned = Buffer.from(encode(['Signature1', u8(protectedBytes), new Uint8Array(0), u8(signedPayload)]));
  const signature = signBytes(o.alg, o.key, toBeSigned);
  const unprotected = new Map<unknown, unknown>([
    [33, o.chain.map((c) => u8(c.der))],
    ['io.cncf.notary.signingAgent', 'custody-tests'],
  ]);
  if (o.timestamp) unprotected.set('io.cncf.notary.timestampSignature', u8(o.timestamp));
  return Buffer.from(encode(new Tag(18, [u8(protectedBytes), unprotected, u8(payload), u8(signature)])));
}

/** A Notation trust store folder: `{ 'ca:name': [certs] }` → DIR/x509/ca/name/0.pem … */
export function writeTrustStore(dir: string, stores: Record<string, TestCert[]>): string {
  for (const [key, certs] of Object.entries(stores)) {
    const [type, name] = key.split(':');
    const folder = join(dir, 'x509', type!, name!);
    mkdirSync(folder, { recursive: true });
    certs.forEach((c, i) => writeFileSync(join(folder, `${i}.pem`), c.pem));
  }
  return dir;
}

export interface PolicyStatementShape {
  name?: string;
  registryScopes?: string[];
  level?: string;
  override?: Record<string, string>;
  verifyTimestamp?: string;
  trustStores?: string[];
  trustedIdentities?: string[];
}

export function writePolicy(path: string, statements: PolicyStatementShape[]): string {
  const trustPolicies = statements.map((s, i) => ({
    name: s.name ?? `statement-${i}`,
    registryScopes: s.registryScopes ?? ['*'],
    signatureVerification: {
      level: s.level ?? 'strict',
      ...(s.override ? { override: s.override } : {}),
      ...(s.verifyTimestamp ? { verifyTimestamp: s.verifyTimestamp } : {}),
    },
    ...(s.level === 'skip' ? {} : { trustStores: s.trustStores ?? [], trustedIdentities: s.trustedIdentities ?? ['*'] }),
  }));
  writeFileSync(path, JSON.stringify({ version: '1.0', trustPolicies }));
  return path;
}
