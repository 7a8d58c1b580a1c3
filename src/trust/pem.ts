import { X509Certificate } from '@sigstore/core';
import { decodeBase64, MAX_CERT_BYTES, MAX_CHAIN_LENGTH } from './bytes.js';

export interface PemBlock {
  type: string;
  der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * Every PEM block in `text`, strictly decoded (RFC 7468: base64 body, optional
 * headers refused). Throws with a plain message on the first bad block; an
 * input with no block at all returns [].
 */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [, begin, body, end] = match;
    if (begin !== end) throw new Error(`PEM block BEGIN ${begin} ends with END ${end}`);
    if (body!.includes(':')) throw new Error(`PEM block ${begin} has headers (encrypted or legacy PEM is not supported)`);
    const der = decodeBase64(body!.replace(/\s+/g, ''));
    if (!der || der.length === 0) throw new Error(`PEM block ${begin} is not valid base64`);
    blocks.push({ type: begin!, der });
  }
  return blocks;
}

/** Parse one certificate from DER; throws on anything that is not one. */
export function parseCertificateDer(der: Buffer): X509Certificate {
  if (der.length > MAX_CERT_BYTES) throw new Error(`certificate of ${der.length} bytes exceeds ${MAX_CERT_BYTES}`);
  const cert = X509Certificate.parse(Buffer.from(der));
  // Touch the fields every check reads, so a truncated structure fails here.
  void cert.subject;
  void cert.issuer;
  void cert.publicKey;
  void cert.notBefore;
  void cert.notAfter;
  return cert;
}

/** Every CERTIFICATE block of a PEM text (a chain or a bundle of roots). */
export function parseCertificatesPem(text: string, maxCerts = MAX_CHAIN_LENGTH): X509Certificate[] {
  if (text.length > MAX_CERT_BYTES * maxCerts) throw new Error('certificate PEM text is too large');
  const blocks = parsePemBlocks(text).filter((b) => b.type === 'CERTIFICATE');
  if (blocks.length > maxCerts) throw new Error(`more than ${maxCerts} certificates`);
  return blocks.map((b) => parseCertificateDer(b.der));
}

export function isSelfSigned(cert: X509Certificate): boolean {
  if (!cert.subject.equals(cert.issuer)) return false;
  try {
    return cert.verify();
  } catch {
    return false;
  }
}

export function certificateToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
