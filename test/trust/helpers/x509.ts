import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A small DER certificate writer for tests: a local CA standing in for
 * Fulcio, private-PKI chains, leaves with Fulcio's SAN and OIDC issuer
 * extensions, chosen validity windows. ECDSA P-256/SHA-256 throughout.
 */

const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const octets = (b: Buffer) => tlv(0x04, b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));

function integer(value: Buffer | number): Buffer {
  let b = typeof value === 'number' ? Buffer.from([value]) : value;
  while (b.length > 1 && b[0] === 0 && b[1]! < 0x80) b = b.subarray(1);
  if (b[0]! >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}

const NAME_OIDS: Record<string, string> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };

/** A subject: a common name (O=custody-test is added), or `C=US,ST=WA,O=acme,CN=signer` written out in that order. */
function name(cn: string | undefined, org = 'custody-test'): Buffer {
  if (cn === undefined) return seq();
  if (/^(C|ST|L|O|OU|CN)=/.test(cn)) {
    return seq(
      ...cn.split(',').map((part) => {
        const [type, ...value] = part.split('=');
        return set(seq(oid(NAME_OIDS[type!.trim()]!), utf8(value.join('=').trim())));
      }),
    );
  }
  return seq(set(seq(oid('2.5.4.10'), utf8(org))), set(seq(oid('2.5.4.3'), utf8(cn))));
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, value: Buffer, critical = false): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function keyId(key: KeyObject): Buffer {
  return createHash('sha1')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest();
}

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function ecKeyPair(curve: 'P-256' | 'P-384' | 'P-521' = 'P-256'): TestKeyPair {
  return generateKeyPairSync('ec', { namedCurve: curve });
}

export interface CertOptions {
  subject?: string;
  /** Leaf SANs: `email:…`, `uri:…`. */
  sans?: string[];
  /** Fulcio OIDC issuer, written both as the v1 raw extension and the v2 UTF8String one. */
  oidcIssuer?: string;
  ca?: boolean;
  pathLen?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Extended key usage OIDs; default codeSigning for leaves. Empty array: leave the extension out. */
  eku?: string[];
}

export interface TestCert {
  der: Buffer;
  pem: string;
  keys: TestKeyPair;
  subject: string | undefined;
}

/** Issue a certificate for `keys` signed by `issuer` (self-signed when issuer is undefined). */
export function issue(keys: TestKeyPair, options: CertOptions, issuer?: TestCert): TestCert {
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - 60_000);
  const notAfter = options.notAfter ?? new Date(now + 3600_000);
  const signer = issuer ?? { keys, subject: options.subject };
  const exts: Buffer[] = [];
  if (options.ca) {
    exts.push(extension('2.5.29.19', seq(bool(true), ...(options.pathLen !== undefined ? [integer(options.pathLen)] : [])), true));
    exts.push(extension('2.5.29.15', bits(Buffer.from([0x06]), 1), true));
  } else {
    exts.push(extension('2.5.29.15', bits(Buffer.from([0x80]), 7), true));
    const eku = options.eku ?? ['1.3.6.1.5.5.7.3.3'];
    if (eku.length > 0) exts.push(extension('2.5.29.37', seq(...eku.map(oid))));
  }
  exts.push(extension('2.5.29.14', octets(keyId(keys.publicKey))));
  exts.push(extension('2.5.29.35', seq(tlv(0x80, keyId(signer.keys.publicKey)))));
  if (options.sans?.length) {
    const names = options.sans.map((san) => {
      const [kind, ...rest] = san.split(':');
      const value = Buffer.from(rest.join(':'), 'ascii');
      return tlv(kind === 'email' ? 0x81 : kind === 'dns' ? 0x82 : 0x86, value);
    });
    exts.push(extension('2.5.29.17', seq(...names), options.subject === undefined));
  }
  if (options.oidcIssuer) {
    exts.push(extension('1.3.6.1.4.1.57264.1.1', Buffer.from(options.oidcIssuer, 'utf8')));
    exts.push(extension('1.3.6.1.4.1.57264.1.8', utf8(options.oidcIssuer)));
  }
  const tbs = seq(
    explicit(0, integer(2)),
    integer(randomBytes(16)),
    ECDSA_SHA256,
    name(signer.subject),
    seq(time(notBefore), time(notAfter)),
    name(options.subject),
    keys.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, signer.keys.privateKey);
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  return { der, pem: toPem(der), keys, subject: options.subject };
}

export function toPem(der: Buffer, type = 'CERTIFICATE'): string {
  const lines = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${type}-----\n${lines}\n-----END ${type}-----\n`;
}

export function publicPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** A root and an intermediate CA, as Fulcio has them. */
export interface TestCA {
  root: TestCert;
  intermediate: TestCert;
  /** Issue a leaf from the intermediate. */
  leaf(options: CertOptions, keys?: TestKeyPair): TestCert;
}

export function makeCA(label = 'custody-test', window?: { notBefore: Date; notAfter: Date }): TestCA {
  const root = issue(ecKeyPair(), { subject: `${label} root`, ca: true, ...window });
  const intermediate = issue(ecKeyPair(), { subject: `${label} intermediate`, ca: true, pathLen: 0, ...window }, root);
  return {
    root,
    intermediate,
    leaf: (options, keys = ecKeyPair()) => issue(keys, options, intermediate),
  };
}
