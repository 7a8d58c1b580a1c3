import { lstat, readdir } from 'node:fs/promises';
import { readRegularFile } from '../../lib/read-file.js';
import { join } from 'node:path';
import type { X509Certificate } from '@sigstore/core';
import { CustodyError, fromFsError } from '../../errors.js';
import { isRecord, parseJson } from '../bytes.js';
import { isSelfSigned, parseCertificateDer, parsePemBlocks } from '../pem.js';

/**
 * A Notation trust store (trust-store-trust-policy.md, "Trust Store"):
 * `x509/{ca,signingAuthority,tsa}/NAME/` folders of PEM or DER certificates.
 *
 * custody reads the folder once into one JSON document (every file's path
 * and bytes, sorted), so the trust material is a single file with one
 * sha256 that the archive keeps in `DAY/trust/` and `verify` rebuilds the
 * store from, offline.
 */
export const STORE_TYPES = ['ca', 'signingAuthority', 'tsa'] as const;
export type StoreType = (typeof STORE_TYPES)[number];

export const STORE_DOCUMENT_TYPE = 'custody/notation-trust-store/v1';
const NAME = /^[A-Za-z0-9_.-]+$/;
const MAX_FILES = 1000;
const MAX_FILE = 1024 * 1024;

export interface NamedStore {
  type: StoreType;
  name: string;
  certificates: X509Certificate[];
}

/** `type:name` → its certificates. */
export type NotationStores = Map<string, NamedStore>;

/** Read `DIR` (holding `x509/`, or itself the `x509` folder) into the store document's bytes. */
export async function readNotationTrustStore(dir: string): Promise<Buffer> {
  let base = join(dir, 'x509');
  try {
    if (!(await lstat(base)).isDirectory()) throw new CustodyError('INVALID_INPUT', `${base} is not a folder`);
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    // Accept the x509 folder itself.
    const own = await listOrFail(dir);
    if (!own.some((n) => (STORE_TYPES as readonly string[]).includes(n))) {
      throw new CustodyError('INVALID_INPUT', `${dir} is not a Notation trust store: no x509/{ca,signingAuthority,tsa}/ folders in it`);
    }
    base = dir;
  }
  const files: Record<string, string> = {};
  let count = 0;
  for (const type of STORE_TYPES) {
    const typeDir = join(base, type);
    let names: string[];
    try {
      names = await readdir(typeDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw fromFsError(err, typeDir, 'read the Notation trust store');
    }
    for (const name of names.sort()) {
      const storeDir = join(typeDir, name);
      if (!NAME.test(name)) throw new CustodyError('INVALID_INPUT', `${storeDir}: a trust store name may only hold letters, digits, '_', '.' and '-'`);
      if (!(await lstat(storeDir)).isDirectory())
        throw new CustodyError('INVALID_INPUT', `${storeDir} is not a folder (a trust store is a folder of certificates)`);
      for (const file of (await listOrFail(storeDir)).sort()) {
        const path = join(storeDir, file);
        if (++count > MAX_FILES) throw new CustodyError('INPUT_TOO_LARGE', `${dir}: more than ${MAX_FILES} trust store files`);
        // Links, folders and FIFOs are refused in a trust store (never followed, never waited on).
        const bytes = await readRegularFile(path, { what: 'trust store certificate', noFollow: true, maxBytes: MAX_FILE, code: 'INVALID_INPUT' });
        files[`x509/${type}/${name}/${file}`] = bytes.toString('base64');
      }
    }
  }
  return Buffer.from(`${JSON.stringify({ type: STORE_DOCUMENT_TYPE, files }, null, 2)}\n`);
}

async function listOrFail(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    throw fromFsError(err, dir, 'read the Notation trust store');
  }
}

/** Certificates of one file: PEM (one or more CERTIFICATE blocks) or DER (Notation accepts both). */
function certificatesOf(bytes: Buffer, where: string): X509Certificate[] {
  const text = bytes.toString('latin1');
  try {
    if (text.includes('-----BEGIN')) {
      const blocks = parsePemBlocks(text).filter((b) => b.type === 'CERTIFICATE');
      if (blocks.length === 0) throw new Error('no CERTIFICATE block');
      return blocks.map((b) => parseCertificateDer(b.der));
    }
    return [parseCertificateDer(bytes)];
  } catch (err) {
    throw new CustodyError('INVALID_INPUT', `${where}: not a PEM or DER certificate: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Parse the store document (from `readNotationTrustStore` or a day folder's copy). Throws INVALID_INPUT naming `path`. */
export function parseNotationTrustStore(bytes: Uint8Array, path: string): NotationStores {
  const doc = parseJson(bytes);
  if (!isRecord(doc) || doc.type !== STORE_DOCUMENT_TYPE || !isRecord(doc.files)) {
    throw new CustodyError('INVALID_INPUT', `${path}: not a custody Notation trust store document (${STORE_DOCUMENT_TYPE})`);
  }
  const stores: NotationStores = new Map();
  for (const [file, b64] of Object.entries(doc.files)) {
    const m = /^x509\/(ca|signingAuthority|tsa)\/([A-Za-z0-9_.-]+)\/[^/]+$/.exec(file);
    if (!m || typeof b64 !== 'string')
      throw new CustodyError('INVALID_INPUT', `${path}: ${JSON.stringify(file)} is not x509/{ca,signingAuthority,tsa}/NAME/FILE`);
    const type = m[1] as StoreType;
    const key = `${type}:${m[2]!}`;
    const store = stores.get(key) ?? { type, name: m[2]!, certificates: [] };
    for (const cert of certificatesOf(Buffer.from(b64, 'base64'), `${path}#${file}`)) {
      // trust-store-trust-policy.md: ca and signingAuthority stores hold CA or self-signed signing certificates; tsa stores hold root CAs.
      const ca = isCa(cert);
      const ok = type === 'tsa' ? ca && isSelfSigned(cert) : ca || isSelfSigned(cert);
      if (!ok) {
        const what = type === 'tsa' ? 'a self-signed root CA certificate' : 'a CA certificate or a self-signed signing certificate';
        throw new CustodyError('INVALID_INPUT', `${path}#${file}: a ${type} trust store certificate must be ${what}`);
      }
      store.certificates.push(cert);
    }
    stores.set(key, store);
  }
  return stores;
}

function isCa(cert: X509Certificate): boolean {
  try {
    return cert.extBasicConstraints?.isCA === true;
  } catch {
    return false;
  }
}

/** The certificates of the named stores of one type (a store named but absent contributes none). */
export function certificatesIn(stores: NotationStores, names: string[], type: StoreType): X509Certificate[] {
  return names.filter((n) => n.startsWith(`${type}:`)).flatMap((n) => stores.get(n)?.certificates ?? []);
}
