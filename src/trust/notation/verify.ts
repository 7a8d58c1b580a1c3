import { constants, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { X509Certificate } from '@sigstore/core';
import type { Identity, Verification } from '../../types.js';
import { parseCertificateDer } from '../pem.js';
import { isMatcher, parseDigest, toMatcher, type Target } from '../target.js';
import { failed, verified, type VerdictCode } from '../verdict.js';
import { checkCodeSigningChain, describe, formatName, invalidAt, isSubsetName, parseChain, subjectName } from './certs.js';
import { parseNotationEnvelope, type NotationAlg, type NotationEnvelope } from './envelope.js';
import { selectStatement, type Action, type Check, type NotationPolicy, type PolicyStatement } from './policy.js';
import { certificatesIn, type NotationStores } from './store.js';
import { verifyTimestampToken } from './timestamp.js';

/** Notation trust: the stores, the policy, and the sha256 of the files they came from. */
export interface NotationTrust {
  stores: NotationStores;
  policy: NotationPolicy;
  sources: string[];
}

export interface NotationVerifyOptions {
  /** The verification time: certificate validity and expiry are checked at it. */
  now: Date;
  /** registry/repository the signature was found in, to pick the trust policy statement. */
  scope?: string;
}

const HASH: Record<NotationAlg, string> = { PS256: 'sha256', PS384: 'sha384', PS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };
const HASH_BYTES: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

interface Outcome {
  check: Check;
  code: VerdictCode;
  reason: string;
}

/**
 * Verify a Notation signature envelope offline, as `notation verify` does
 * (trust-store-trust-policy.md, "Signature Verification details"):
 * integrity (always enforced), the signed target, then authenticity,
 * authentic timestamp and expiry, each enforced, logged or skipped as the
 * applicable trust policy statement's level says. Revocation needs OCSP/CRL
 * servers: it is recorded as not checked, never as passed.
 */
export function verifyNotationSignature(bytes: Uint8Array, target: Target, trust: NotationTrust | undefined, options: NotationVerifyOptions): Verification {
  if (!trust) return failed('no-trust-material', 'Notation signature: no Notation trust store was given (--notation-trust-store)');
  const details = { trustMaterial: trust.sources };
  const statement = selectStatement(trust.policy, options.scope);
  if (typeof statement === 'string') return failed('no-trust-material', `Notation signature: ${statement}`, details);
  const label = `trust policy statement "${statement.name}" (${statement.level})`;
  if (statement.level === 'skip') return failed('no-trust-material', `Notation signature not verified: ${label} says skip`, details);

  const envelope = parseNotationEnvelope(bytes);
  if ('code' in envelope) return failed(envelope.code, envelope.reason, details);
  const kind = `Notation ${envelope.format.toUpperCase()} signature`;
  const fail = (code: VerdictCode, reason: string, identity?: Identity) =>
    failed(code, `${kind}: ${reason}; ${label}`, { ...details, ...(identity ? { identity } : {}) });

  // 1. Integrity: the leaf's key signed these exact bytes with the algorithm its key type calls for.
  const chain = parseChain(envelope.certificates);
  if (typeof chain === 'string') return fail('malformed', chain);
  const leaf = chain[0]!;
  const leafName = subjectName(leaf);
  if (typeof leafName === 'string') return fail('untrusted-key', leafName);
  const identity: Identity = { subject: formatName(leafName) };
  const integrity = checkIntegrity(envelope, leaf);
  if (integrity) return fail(integrity.code, integrity.reason, identity);
  const structure = checkCodeSigningChain(chain);
  if (structure) return fail('untrusted-key', `the certificate chain is not a valid code-signing chain: ${structure}`, identity);

  // Notation hands signatures that name a verification plugin to that plugin; custody runs none.
  if (envelope.verificationPlugin !== undefined) {
    const version = envelope.verificationPluginMinVersion ? ` (minimum version ${envelope.verificationPluginMinVersion})` : '';
    return fail('plugin-required', `it requires the verification plugin "${envelope.verificationPlugin}"${version}, which custody does not run`, identity);
  }
  if (envelope.unknownCritical.length > 0) {
    return fail(
      'unsupported',
      `critical header(s) ${envelope.unknownCritical.join(', ')} are not defined by the Notary Project specification and cannot be processed`,
      identity,
    );
  }

  // 2. The signed target is the artifact it hangs from.
  const subject = checkTarget(envelope, target);
  if (subject) return fail(subject.code, subject.reason, identity);

  // 3-5. Authenticity, authentic timestamp, expiry: as the statement's level says.
  const enforced: Outcome[] = [];
  const logged: Outcome[] = [];
  const notes: string[] = [];
  const record = (outcome: Outcome | undefined) => {
    if (!outcome) return;
    const action: Action = statement.actions[outcome.check];
    if (action === 'enforce') enforced.push(outcome);
    else if (action === 'log') logged.push(outcome);
  };
  if (statement.actions.authenticity !== 'skip') record(checkAuthenticity(envelope, chain, leafName, statement, trust.stores, notes));
  if (statement.actions.authenticTimestamp !== 'skip') record(checkAuthenticTimestamp(envelope, chain, statement, trust.stores, options.now, notes));
  if (statement.actions.expiry !== 'skip' && envelope.expiry && options.now > envelope.expiry) {
    record({ check: 'expiry', code: 'certificate-expired', reason: `the signature expired at ${envelope.expiry.toISOString()} (io.cncf.notary.expiry)` });
  }
  const first = enforced[0];
  if (first) return fail(first.code, first.reason, identity);

  const revocation = statement.actions.revocation === 'skip' ? 'revocation: skipped by the policy' : 'revocation: not checked (offline; no OCSP/CRL)';
  const log = logged.length > 0 ? `; logged, not enforced: ${logged.map((o) => `${o.check}: ${o.reason}`).join('; ')}` : '';
  const signedAt = envelope.authenticSigningTime
    ? `authentic signing time ${envelope.authenticSigningTime.toISOString()}`
    : `signing time ${envelope.signingTime!.toISOString()} (claimed)`;
  return verified(
    `${kind} by ${describe(leaf)} (${envelope.signingScheme}, ${envelope.alg}) over ${envelope.targetArtifact.digest}; ${label}; ${[...notes, signedAt, revocation].join('; ')}${log}`,
    {
      ...details,
      identity,
    },
  );
}

function keyAlgorithm(key: KeyObject): NotationAlg | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return ({ 2048: 'PS256', 3072: 'PS384', 4096: 'PS512' } as Record<number, NotationAlg>)[details?.modulusLength ?? 0];
  if (key.asymmetricKeyType === 'ec')
    return ({ prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' } as Record<string, NotationAlg>)[details?.namedCurve ?? ''];
  return undefined;
}

/** signature-specification.md, "Algorithm Selection": the key decides the algorithm; the envelope's must be it. */
function checkIntegrity(envelope: NotationEnvelope, leaf: X509Certificate): Outcome | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: leaf.publicKey, format: 'der', type: 'spki' });
  } catch {
    return { check: 'authenticity', code: 'malformed', reason: `the signing certificate ${describe(leaf)} has an unreadable public key` };
  }
  const expected = keyAlgorithm(key);
  if (!expected) {
    const size = key.asymmetricKeyDetails?.modulusLength ?? key.asymmetricKeyDetails?.namedCurve ?? '';
    return {
      check: 'authenticity',
      code: 'unsupported',
      reason: `the signing key (${key.asymmetricKeyType} ${size}) is not one Notation allows (RSA 2048/3072/4096, ECDSA P-256/384/521)`,
    };
  }
  if (expected !== envelope.alg) {
    return { check: 'authenticity', code: 'signature-invalid', reason: `alg ${envelope.alg} does not fit the signing key, which calls for ${expected}` };
  }
  const hash = HASH[envelope.alg];
  let ok = false;
  try {
    ok = envelope.alg.startsWith('PS')
      ? nodeVerify(hash, envelope.signingInput, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_BYTES[hash]! }, envelope.signature)
      : nodeVerify(hash, envelope.signingInput, { key, dsaEncoding: 'ieee-p1363' }, envelope.signature);
  } catch {
    ok = false;
  }
  if (!ok)
    return {
      check: 'authenticity',
      code: 'signature-invalid',
      reason: `the ${envelope.alg} signature does not verify over the signed ${envelope.format === 'jws' ? 'protected header and payload' : 'COSE Sig_structure'} with the signing certificate's key`,
    };
  return undefined;
}

/** The payload's targetArtifact must be the descriptor of the artifact the signature hangs from. */
function checkTarget(envelope: NotationEnvelope, target: Target): Outcome | undefined {
  const matcher = toMatcher(target);
  if (!isMatcher(matcher)) return { check: 'authenticity', code: matcher!.code, reason: matcher!.reason };
  const signed = envelope.targetArtifact;
  const digest = parseDigest(signed.digest);
  if (!digest || !matcher.matches(digest.algorithm, digest.hex)) {
    return { check: 'authenticity', code: 'subject-mismatch', reason: `payload targetArtifact.digest is ${signed.digest}, not ${matcher.describe}` };
  }
  if (target.mediaType !== undefined && signed.mediaType !== target.mediaType) {
    return {
      check: 'authenticity',
      code: 'subject-mismatch',
      reason: `payload targetArtifact.mediaType is ${signed.mediaType}, the artifact is ${target.mediaType}`,
    };
  }
  const size = target.size ?? target.artifact?.length;
  if (size !== undefined && signed.size !== size) {
    return { check: 'authenticity', code: 'subject-mismatch', reason: `payload targetArtifact.size is ${signed.size}, the artifact has ${size} bytes` };
  }
  return undefined;
}

/**
 * The chain holds a certificate of one of the statement's stores of the
 * type the signing scheme calls for (notary.x509 → ca, notary.x509.signingAuthority
 * → signingAuthority), and the leaf's subject is a trusted identity.
 */
function checkAuthenticity(
  envelope: NotationEnvelope,
  chain: X509Certificate[],
  leafName: Map<string, string>,
  statement: PolicyStatement,
  stores: NotationStores,
  notes: string[],
): Outcome | undefined {
  const type = envelope.signingScheme === 'notary.x509' ? 'ca' : 'signingAuthority';
  const named = statement.trustStores.filter((s) => s.startsWith(`${type}:`));
  const trusted = certificatesIn(stores, named, type);
  if (trusted.length === 0) {
    return {
      check: 'authenticity',
      code: 'untrusted-key',
      reason: `scheme ${envelope.signingScheme} is checked against ${type} trust stores, and the statement's (${named.join(', ') || 'none'}) hold no certificate`,
    };
  }
  const anchor = chain.find((c) => trusted.some((t) => t.equals(c)));
  if (!anchor) {
    return { check: 'authenticity', code: 'untrusted-key', reason: `the certificate chain contains no certificate of the trust stores ${named.join(', ')}` };
  }
  const store = named.find((n) => stores.get(n)?.certificates.some((t) => t.equals(anchor)));
  notes.push(`chain to ${describe(anchor)} in ${store ?? type}`);
  const identities = statement.trustedIdentities;
  if (identities.some((i) => i.subject === undefined)) return undefined;
  if (identities.some((i) => isSubsetName(i.subject!, leafName))) {
    notes.push('trusted identity matched');
    return undefined;
  }
  return {
    check: 'authenticity',
    code: 'identity-mismatch',
    reason: `the signing certificate subject "${formatName(leafName)}" is not among trustedIdentities (${identities.map((i) => i.text).join('; ')})`,
  };
}

/**
 * notary.x509.signingAuthority: the chain was valid at the authentic signing
 * time. notary.x509: with a tsa store in the statement (and verifyTimestamp
 * always, or afterCertExpiry once a certificate has expired) the RFC 3161
 * countersignature must verify and the chain be valid over its whole time
 * range; otherwise the chain must be valid now.
 */
function checkAuthenticTimestamp(
  envelope: NotationEnvelope,
  chain: X509Certificate[],
  statement: PolicyStatement,
  stores: NotationStores,
  now: Date,
  notes: string[],
): Outcome | undefined {
  const outcome = (code: VerdictCode, reason: string): Outcome => ({ check: 'authenticTimestamp', code, reason });
  if (envelope.signingScheme === 'notary.x509.signingAuthority') {
    const at = envelope.authenticSigningTime!;
    const invalid = invalidAt(chain, at);
    return invalid ? outcome('certificate-expired', `${invalid}: not valid when the signature was made (authenticSigningTime ${at.toISOString()})`) : undefined;
  }
  const tsaStores = statement.trustStores.filter((s) => s.startsWith('tsa:'));
  const expiredNow = chain.some((c) => now > c.notAfter);
  const perform = tsaStores.length > 0 && (statement.verifyTimestamp === 'always' || expiredNow);
  if (!perform) {
    const invalid = invalidAt(chain, now);
    if (!invalid) return undefined;
    const why =
      tsaStores.length === 0
        ? 'no tsa store in the policy, so the chain must be valid at the verification time'
        : 'the chain must be valid at the verification time';
    return outcome('certificate-expired', `${invalid} (verification time ${now.toISOString()}; ${why})`);
  }
  if (!envelope.timestamp) {
    return outcome(
      'timestamp-invalid',
      `no timestamp countersignature was found in the signature envelope, and the policy's tsa store(s) ${tsaStores.join(', ')} require one`,
    );
  }
  let result;
  try {
    result = verifyTimestampToken(envelope.timestamp, envelope.signature, certificatesIn(stores, tsaStores, 'tsa'), (der) => parseCertificateDer(der));
  } catch (err) {
    return outcome(
      'timestamp-invalid',
      `the timestamp countersignature does not verify with ${tsaStores.join(', ')}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  for (const cert of chain) {
    if (result.earliest < cert.notBefore) {
      return outcome(
        'certificate-expired',
        `the timestamp ${result.time.toISOString()} can be before certificate ${describe(cert)} was valid (from ${cert.notBefore.toISOString()})`,
      );
    }
    if (result.latest > cert.notAfter) {
      return outcome(
        'certificate-expired',
        `the timestamp ${result.time.toISOString()} can be after certificate ${describe(cert)} expired (at ${cert.notAfter.toISOString()})`,
      );
    }
  }
  notes.push(`timestamp ${result.time.toISOString()} by ${describe(result.tsa)}`);
  return undefined;
}
