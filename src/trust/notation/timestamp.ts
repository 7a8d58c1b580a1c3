import { createHash, createPublicKey, verify as nodeVerify, constants } from 'node:crypto';
import { ASN1Obj, RFC3161Timestamp, type X509Certificate } from '@sigstore/core';
import { MAX_CHAIN_LENGTH } from '../bytes.js';
import { checkCa, checkLeaf, describe, EKU_TIME_STAMPING, issuedBy } from './certs.js';

/**
 * RFC 3161 timestamp countersignatures (signature-specification.md,
 * "Timestamp"): a TimeStampToken (CMS SignedData over a TSTInfo) whose
 * message imprint is the hash of the signature bytes, signed by a TSA
 * certificate that chains to a `tsa` trust store. @sigstore/core parses the
 * token and the TSTInfo; the signer, its chain and the signed attributes are
 * read from its ASN.1 tree.
 */
export interface TimestampResult {
  /** genTime. */
  time: Date;
  /** genTime ± accuracy: the signature existed no later than `latest`, and `earliest` bounds the claim from below. */
  earliest: Date;
  latest: Date;
  /** The TSA certificate that signed it. */
  tsa: X509Certificate;
}

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_CERT_V1 = '1.2.840.113549.1.9.16.2.12';
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';
const HASHES: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.14.3.2.26': 'sha1',
};
const RSA_SIGNATURES: Record<string, string | null> = {
  '1.2.840.113549.1.1.1': null, // rsaEncryption: the hash is the signer's digest algorithm
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA_SIGNATURES: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** The parts of the token @sigstore/core does not expose, found in its ASN.1 tree. */
interface TokenParts {
  signedData: ASN1Obj;
  certificates: X509Certificate[];
  signerInfo: ASN1Obj;
  signedAttrs: ASN1Obj;
}

function fail(reason: string): never {
  throw new Error(reason);
}

function parts(token: ASN1Obj, parseCert: (der: Buffer) => X509Certificate): TokenParts {
  // ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT SignedData }
  const signedData = token.subs.find((s) => s.tag.isContextSpecific(0))?.subs[0] ?? fail('the token has no SignedData');
  const certSet = signedData.subs.find((s) => s.tag.isContextSpecific(0));
  const certificates: X509Certificate[] = [];
  for (const c of certSet?.subs ?? []) {
    if (certificates.length >= MAX_CHAIN_LENGTH * 2) break;
    if (c.tag.number === 16 && c.tag.class === 0) certificates.push(parseCert(c.toDER()));
  }
  const signerInfos = signedData.subs[signedData.subs.length - 1] ?? fail('the token has no signerInfos');
  if (signerInfos.subs.length !== 1) fail(`the token has ${signerInfos.subs.length} signers, not one`);
  const signerInfo = signerInfos.subs[0]!;
  const signedAttrs = signerInfo.subs.find((s) => s.tag.isContextSpecific(0)) ?? fail('the token signer has no signed attributes');
  return { signedData, certificates, signerInfo, signedAttrs };
}

function attribute(attrs: ASN1Obj, oid: string): ASN1Obj | undefined {
  return attrs.subs.find((a) => a.subs[0]?.tag.isOID() && a.subs[0].toOID() === oid)?.subs[1]?.subs[0];
}

/** The certificate the SignerIdentifier names: issuerAndSerialNumber or [0] subjectKeyIdentifier. */
function findSigner(sid: ASN1Obj, certificates: X509Certificate[]): X509Certificate | undefined {
  if (sid.tag.isContextSpecific(0)) {
    return certificates.find((c) => {
      try {
        return c.extSubjectKeyID?.keyIdentifier.equals(sid.value) ?? false;
      } catch {
        return false;
      }
    });
  }
  const [issuer, serial] = sid.subs;
  if (!issuer || !serial) return undefined;
  return certificates.find((c) => c.issuer.equals(issuer.value) && c.serialNumber.equals(serial.value));
}

/** RFC 3161 §2.4.2 Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] OPTIONAL, micros [1] OPTIONAL }, in ms. */
function accuracyMs(tstInfo: ASN1Obj): number {
  // TSTInfo: version, policy, messageImprint, serialNumber, genTime, accuracy?, …
  const accuracy = tstInfo.subs[5];
  if (!accuracy || accuracy.tag.number !== 16 || accuracy.tag.class !== 0) return 0;
  let ms = 0;
  for (const field of accuracy.subs) {
    const n = Number(field.tag.isContextSpecific() ? BigInt(`0x${field.value.toString('hex') || '0'}`) : field.toInteger());
    if (field.tag.isContextSpecific(0)) ms += n;
    else if (field.tag.isContextSpecific(1)) ms += n / 1000;
    else ms += n * 1000;
  }
  return ms;
}

/**
 * Verify a TimeStampToken over `data` (the envelope's signature bytes) with
 * the TSA roots of the policy's `tsa` stores. Throws with the reason on any
 * failure.
 */
export function verifyTimestampToken(der: Buffer, data: Buffer, roots: X509Certificate[], parseCert: (der: Buffer) => X509Certificate): TimestampResult {
  if (roots.length === 0) fail('no trusted TSA certificate (the policy names no tsa store with certificates)');
  const { token, tstInfo, genTime } = readToken(der, data);
  const { certificates, signerInfo, signedAttrs } = parts(token, parseCert);
  const signer = findSigner(signerInfo.subs[1] ?? fail('the token signer has no identifier'), certificates);
  if (!signer) fail('the signing certificate was not found in the timestamp token');
  const digestAlg = checkSignedAttributes(signerInfo, signedAttrs, tstInfo, signer);
  checkTokenSignature(signerInfo, signedAttrs, signer, digestAlg);

  const accuracy = accuracyMs(tstInfo.root);
  const earliest = new Date(genTime.getTime() - accuracy);
  const latest = new Date(genTime.getTime() + accuracy);
  const leaf = checkLeaf(signer, EKU_TIME_STAMPING, 'timeStamping');
  if (leaf) fail(`the TSA certificate ${describe(signer)} ${leaf}`);
  verifyTsaChain(signer, certificates, roots, genTime);
  return { time: genTime, earliest, latest, tsa: signer };
}

type TstInfo = RFC3161Timestamp['tstInfo'];

/** The token parsed (canonical DER, SignedData over a TSTInfo), its time read, its message imprint checked against `data`. */
function readToken(der: Buffer, data: Buffer): { token: ASN1Obj; tstInfo: TstInfo; genTime: Date } {
  let token: ASN1Obj;
  try {
    token = ASN1Obj.parseBuffer(Buffer.from(der));
  } catch (err) {
    fail(`not DER: ${(err as Error).message}`);
  }
  if (!token.toDER().equals(der)) fail('not DER (trailing or non-canonical bytes)');
  // @sigstore/core reads a TimeStampResp; a Notation countersignature is the bare token, so give it a granted status.
  const status = ASN1Obj.parseBuffer(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]));
  const ts = new RFC3161Timestamp(new ASN1Obj(token.tag, Buffer.alloc(0), [status, token]));
  if (ts.contentType !== OID_SIGNED_DATA) fail(`content type ${ts.contentType} is not SignedData`);
  if (ts.eContentType !== OID_TST_INFO) fail(`unexpected content type ${ts.eContentType}, expected id-ct-TSTInfo (${OID_TST_INFO})`);
  let genTime: Date;
  const tstInfo = ts.tstInfo;
  try {
    genTime = tstInfo.genTime;
  } catch (err) {
    fail(`TSTInfo genTime is unreadable: ${(err as Error).message}`);
  }
  if (Number.isNaN(genTime.getTime())) fail('TSTInfo genTime is not a time');
  const imprintAlg = tstInfo.messageImprintHashAlgorithm;
  if (!imprintAlg) fail('TSTInfo message imprint uses an unknown hash');
  // Also checks the imprint (message) of the token against the signature bytes.
  try {
    tstInfo.verify(data);
  } catch {
    fail('TSTInfo message imprint does not match the signature (mismatched message)');
  }
  return { token, tstInfo, genTime };
}

/**
 * RFC 5652 §5.3-5.4: the signed attributes carry the content type and the
 * digest of the TSTInfo; RFC 5816 / RFC 2634: the ESS signing-certificate
 * attribute binds the signer's certificate. Returns the signer's digest
 * algorithm (SHA-2).
 */
function checkSignedAttributes(signerInfo: ASN1Obj, signedAttrs: ASN1Obj, tstInfo: TstInfo, signer: X509Certificate): string {
  const digestOid = signerInfo.subs[2]?.subs[0]?.toOID() ?? '';
  const digestAlg = HASHES[digestOid];
  if (!digestAlg || digestAlg === 'sha1') fail(`the signer's digest algorithm ${digestOid} is not SHA-2`);
  const contentType = attribute(signedAttrs, OID_CONTENT_TYPE);
  if (!contentType || contentType.toOID() !== OID_TST_INFO) fail('the signed content-type attribute is not id-ct-TSTInfo');
  const messageDigest = attribute(signedAttrs, OID_MESSAGE_DIGEST);
  if (!messageDigest || !createHash(digestAlg).update(tstInfo.raw).digest().equals(messageDigest.value)) {
    fail('the signed message-digest attribute does not match the TSTInfo');
  }
  const essV2 = attribute(signedAttrs, OID_SIGNING_CERT_V2);
  const essV1 = attribute(signedAttrs, OID_SIGNING_CERT_V1);
  if (!essV2 && !essV1) fail('the token has no signing-certificate attribute (RFC 5816)');
  const certId = (essV2 ?? essV1)!.subs[0]?.subs[0];
  if (!certId) fail('the signing-certificate attribute is empty');
  let essHashAlg = essV2 ? 'sha256' : 'sha1';
  let hashObj = certId.subs[0];
  if (essV2 && hashObj && hashObj.tag.number === 16) {
    essHashAlg = HASHES[hashObj.subs[0]?.toOID() ?? ''] ?? fail('the signing-certificate attribute uses an unknown hash');
    hashObj = certId.subs[1];
  }
  if (!hashObj || !createHash(essHashAlg).update(signer.root.toDER()).digest().equals(hashObj.value)) {
    fail('the signing-certificate attribute does not name the certificate that signed the token');
  }
  return digestAlg;
}

/** The signer's signature over its signed attributes verifies with its certificate's key (RSA PKCS#1 v1.5 or ECDSA). */
function checkTokenSignature(signerInfo: ASN1Obj, signedAttrs: ASN1Obj, signer: X509Certificate, digestAlg: string): void {
  const signatureAlgOid = signerInfo.subs[signerInfo.subs.indexOf(signedAttrs) + 1]?.subs[0]?.toOID() ?? '';
  const signature = signerInfo.subs[signerInfo.subs.indexOf(signedAttrs) + 2]?.value ?? fail('the token has no signature');
  const attrs = signedAttrs.toDER();
  attrs[0] = 0x31; // RFC 5652 §5.4: the signature is over the DER of SET OF attributes
  const key = createPublicKey({ key: signer.publicKey, format: 'der', type: 'spki' });
  let ok = false;
  if (signatureAlgOid in RSA_SIGNATURES && key.asymmetricKeyType === 'rsa') {
    ok = nodeVerify(RSA_SIGNATURES[signatureAlgOid] ?? digestAlg, attrs, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } else if (signatureAlgOid in ECDSA_SIGNATURES && key.asymmetricKeyType === 'ec') {
    ok = nodeVerify(ECDSA_SIGNATURES[signatureAlgOid]!, attrs, key, signature);
  } else {
    fail(`the token's signature algorithm ${signatureAlgOid} is not supported`);
  }
  if (!ok) fail('the token signature does not verify with its signing certificate');
}

/**
 * The TSA certificate, through intermediates from the token, to a root of a
 * `tsa` trust store; every certificate valid at genTime (RFC 3161 §4.3).
 */
function verifyTsaChain(signer: X509Certificate, pool: X509Certificate[], roots: X509Certificate[], at: Date): void {
  let current = signer;
  const path: X509Certificate[] = [signer];
  for (let depth = 0; depth <= MAX_CHAIN_LENGTH; depth++) {
    if (at < current.notBefore || at > current.notAfter) {
      fail(`the TSA chain certificate ${describe(current)} was not valid at the timestamp ${at.toISOString()}`);
    }
    const trusted = roots.find((r) => r.equals(current)) ?? roots.find((r) => issuedBy(current, r));
    if (trusted) {
      if (!trusted.equals(current)) {
        const problem = checkCa(trusted, path.length - 1);
        if (problem) fail(`the TSA root ${describe(trusted)} ${problem}`);
        if (at < trusted.notBefore || at > trusted.notAfter) fail(`the TSA root ${describe(trusted)} was not valid at ${at.toISOString()}`);
      }
      return;
    }
    const parent = pool.find((c) => !c.equals(current) && !path.some((p) => p.equals(c)) && issuedBy(current, c));
    if (!parent) fail(`the TSA certificate ${describe(signer)} does not chain to a trusted TSA root (certificate signed by unknown authority)`);
    const problem = checkCa(parent, path.length - 1);
    if (problem) fail(`the TSA chain certificate ${describe(parent)} ${problem}`);
    path.push(parent);
    current = parent;
  }
  fail('the TSA chain is too long');
}
