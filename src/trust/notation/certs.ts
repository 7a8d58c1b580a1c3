import type { ASN1Obj, X509Certificate } from '@sigstore/core';
import { isSelfSigned, parseCertificateDer } from '../pem.js';

/**
 * Certificate rules of the Notary Project signature specification
 * ("Certificate Requirements"), over @sigstore/core's X.509 parser.
 */
const OID_EKU = '2.5.29.37';
export const EKU_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
export const EKU_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** Short names Go's pkix.Name (and so Notation) prints and parses. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.17': 'POSTALCODE',
};

export function parseChain(ders: Buffer[]): X509Certificate[] | string {
  const certs: X509Certificate[] = [];
  for (const [i, der] of ders.entries()) {
    try {
      certs.push(parseCertificateDer(der));
    } catch (err) {
      return `certificate ${i} of the chain is not an X.509 certificate: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return certs;
}

/** Extended key usages, or undefined when the extension is absent. */
export function extendedKeyUsages(cert: X509Certificate): string[] | undefined {
  const ext = cert.extension(OID_EKU);
  if (!ext) return undefined;
  // extnValue is an OCTET STRING wrapping SEQUENCE OF KeyPurposeId.
  const sequence = ext.valueObj.subs[0];
  if (!sequence) throw new Error('extended key usage is empty');
  return sequence.subs.map((s) => s.toOID());
}

/** Is `child` issued by `parent`: names match and the signature verifies with the parent's key. */
export function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  if (!child.issuer.equals(parent.subject)) return false;
  try {
    return child.verify(parent);
  } catch {
    return false;
  }
}

/**
 * A code-signing chain as Notation requires it: leaf first, each certificate
 * issued by the next, the last one a self-signed root; CA certificates with
 * basic constraints CA and keyCertSign, within their path length; the leaf
 * not a CA, with digitalSignature and (when it lists any) the codeSigning EKU.
 * Undefined when it holds, else why not.
 */
export function checkCodeSigningChain(certs: X509Certificate[]): string | undefined {
  if (certs.length === 0) return 'the certificate chain is empty';
  for (let i = 0; i < certs.length - 1; i++) {
    if (!issuedBy(certs[i]!, certs[i + 1]!)) {
      return `certificate ${i} (${describe(certs[i]!)}) is not issued by certificate ${i + 1} (${describe(certs[i + 1]!)})`;
    }
  }
  const root = certs[certs.length - 1]!;
  if (!isSelfSigned(root)) {
    return certs.length === 1
      ? `the only certificate (${describe(root)}) is not self-signed: the chain must end with its root`
      : `the last certificate (${describe(root)}) is not a self-signed root`;
  }
  for (let i = 1; i < certs.length; i++) {
    const problem = checkCa(certs[i]!, i - 1);
    if (problem) return `certificate ${i} (${describe(certs[i]!)}) ${problem}`;
  }
  const leaf = checkLeaf(certs[0]!, EKU_CODE_SIGNING, 'codeSigning');
  return leaf ? `the signing certificate (${describe(certs[0]!)}) ${leaf}` : undefined;
}

/** `below`: how many intermediate CAs sit between it and the leaf. */
export function checkCa(cert: X509Certificate, below: number): string | undefined {
  let constraints;
  let usage;
  try {
    constraints = cert.extBasicConstraints;
    usage = cert.extKeyUsage;
  } catch {
    return 'has unreadable basic constraints or key usage';
  }
  if (!constraints?.isCA) return 'is not a CA (basic constraints CA is not set)';
  if (!usage?.keyCertSign) return 'may not sign certificates (key usage keyCertSign is not set)';
  const pathLen = constraints.pathLenConstraint;
  if (pathLen !== undefined && BigInt(below) > pathLen) return `allows ${pathLen} intermediate(s) below it, the chain has ${below}`;
  return undefined;
}

/** The signing (or timestamping) leaf: not a CA, digitalSignature, the purpose's EKU when EKUs are listed. */
export function checkLeaf(cert: X509Certificate, eku: string, ekuName: string): string | undefined {
  let constraints;
  let usage;
  let ekus;
  try {
    constraints = cert.extBasicConstraints;
    usage = cert.extKeyUsage;
    ekus = extendedKeyUsages(cert);
  } catch {
    return 'has unreadable extensions';
  }
  if (constraints?.isCA) return 'is a CA certificate (basic constraints CA is set)';
  if (!usage?.digitalSignature) return 'lacks the digitalSignature key usage';
  if (ekus !== undefined && !ekus.includes(eku)) return `lacks the ${ekuName} extended key usage`;
  return undefined;
}

/** The first certificate not valid at `at`, described; undefined when all are. */
export function invalidAt(certs: X509Certificate[], at: Date): string | undefined {
  for (const cert of certs) {
    if (at < cert.notBefore) return `certificate ${describe(cert)} is not valid before ${cert.notBefore.toISOString()}`;
    if (at > cert.notAfter) return `certificate ${describe(cert)} expired at ${cert.notAfter.toISOString()}`;
  }
  return undefined;
}

// ---------------------------------------------------------------- distinguished names

export type DistinguishedName = Map<string, string>;

function stringValue(obj: ASN1Obj): string {
  // BMPString is UTF-16BE; the other string types Go accepts are read as UTF-8 (ASCII subsets included).
  if (obj.tag.number === 30) {
    const bytes = Buffer.from(obj.value);
    return bytes.swap16().toString('utf16le');
  }
  return Buffer.from(obj.value).toString('utf8');
}

/** The subject of a certificate as attribute → value; duplicate or multi-valued attributes are refused, as Notation does. */
export function subjectName(cert: X509Certificate): DistinguishedName | string {
  const tbs = cert.tbsCertificate;
  // TBSCertificate: [0] version, serial, signature, issuer, validity, subject, …
  const offset = tbs.subs[0]?.tag.isContextSpecific(0) ? 0 : -1;
  const subject = tbs.subs[5 + offset];
  if (!subject) return 'the certificate has no subject';
  const dn: DistinguishedName = new Map();
  for (const rdn of subject.subs) {
    if (rdn.subs.length !== 1) return 'the certificate subject has a multi-valued RDN';
    const [type, value] = rdn.subs[0]!.subs;
    if (!type || !value) return 'the certificate subject has an unreadable attribute';
    const oid = type.toOID();
    const name = ATTRIBUTE_NAMES[oid] ?? oid;
    if (dn.has(name)) return `the certificate subject has ${name} twice`;
    dn.set(name, stringValue(value));
  }
  return dn;
}

function escapeValue(value: string): string {
  return value
    .replace(/[,+"\\<>;]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

/** RFC 4514 string, most specific first, as Go prints it: `CN=…,O=…,L=…,ST=…,C=…`. */
export function formatName(dn: DistinguishedName): string {
  return [...dn]
    .reverse()
    .map(([k, v]) => `${k}=${escapeValue(v)}`)
    .join(',');
}

export function describe(cert: X509Certificate): string {
  const dn = subjectName(cert);
  return typeof dn === 'string' ? 'unnamed' : `"${formatName(dn)}"`;
}

/**
 * Parse an RFC 4514 DN string from a trust policy (`C=US, ST=WA, O=acme`).
 * Attribute names are case-insensitive; each RDN single-valued; no attribute
 * twice. Returns the reason when it is not one.
 */
export function parseName(text: string): DistinguishedName | string {
  const dn: DistinguishedName = new Map();
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text[i] === ' ') i++;
    const eq = text.indexOf('=', i);
    if (eq < 0) return `"${text}" is not a distinguished name (no = after ${JSON.stringify(text.slice(i))})`;
    const rawName = text.slice(i, eq).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/.test(rawName)) return `"${rawName}" is not an attribute type`;
    const name = /^\d/.test(rawName) ? (ATTRIBUTE_NAMES[rawName] ?? rawName) : rawName.toUpperCase();
    i = eq + 1;
    let value = '';
    let pendingSpaces = '';
    while (i < n && text[i] === ' ') i++;
    for (; i < n; i++) {
      const c = text[i]!;
      if (c === '\\') {
        const next = text.slice(i + 1, i + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(next)) {
          value += pendingSpaces + String.fromCharCode(parseInt(next, 16));
          i += 2;
        } else if (i + 1 < n) {
          value += pendingSpaces + text[i + 1];
          i += 1;
        } else return `"${text}" ends with a lone backslash`;
        pendingSpaces = '';
        continue;
      }
      if (c === ',' || c === ';') break;
      if (c === '+') return `"${text}" has a multi-valued RDN, which Notation does not support`;
      if (c === ' ') pendingSpaces += c;
      else {
        value += pendingSpaces + c;
        pendingSpaces = '';
      }
    }
    i++; // past the separator
    if (value === '') return `"${text}" has an empty value for ${name}`;
    if (dn.has(name)) return `"${text}" names ${name} twice`;
    dn.set(name, value);
  }
  if (dn.size === 0) return 'the distinguished name is empty';
  return dn;
}

/** trust-store-trust-policy.md: a trusted identity matches when every attribute it names has the same value in the leaf's subject. */
export function isSubsetName(trusted: DistinguishedName, subject: DistinguishedName): boolean {
  for (const [k, v] of trusted) if (subject.get(k) !== v) return false;
  return true;
}
