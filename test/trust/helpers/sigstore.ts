import { createHash, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from '@sigstore/core';
import { ecKeyPair, publicPem, type TestCA, type TestCert, type TestKeyPair } from './x509.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');

/** A Rekor log key standing in for the public-good log: signs SETs and checkpoints. */
export interface TestLog {
  keys: TestKeyPair;
  logID: Buffer;
  pem: string;
  /** cosign's `dev.sigstore.cosign/bundle` annotation for an entry body. */
  cosignBundle(body: object, integratedTime: number, logIndex?: number): string;
}

export function makeLog(): TestLog {
  const keys = ecKeyPair();
  const logID = createHash('sha256')
    .update(keys.publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
  return {
    keys,
    logID,
    pem: publicPem(keys.publicKey),
    cosignBundle(body, integratedTime, logIndex = 1) {
      const payload = { body: b64(json.canonicalize(body)), integratedTime, logIndex, logID: logID.toString('hex') };
      const set = sign('sha256', Buffer.from(json.canonicalize(payload)), keys.privateKey);
      return JSON.stringify({ SignedEntryTimestamp: b64(set), Payload: payload });
    },
  };
}

/** Rekor hashedrekord 0.0.1 body as cosign uploads it for a simple-signing signature. */
export function hashedRekordBody(payload: Buffer, signature: Buffer, verifierPem: string): object {
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: sha256(payload) } },
      signature: { content: b64(signature), publicKey: { content: b64(verifierPem) } },
    },
  };
}

/** Rekor dsse 0.0.1 body as cosign uploads it for an attestation. */
export function dsseBody(envelope: Buffer, payload: Buffer, signature: Buffer, verifierPem: string): object {
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(envelope) },
      payloadHash: { algorithm: 'sha256', value: sha256(payload) },
      signatures: [{ signature: b64(signature), verifier: b64(verifierPem) }],
    },
  };
}

export function simpleSigningPayload(digest: string, ref = 'registry.test/acme/app'): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': ref }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: null,
    }),
  );
}

export function statement(digest: string, predicateType = 'https://slsa.dev/provenance/v1'): Buffer {
  const [alg, hex] = digest.split(':');
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'registry.test/acme/app', digest: { [alg!]: hex } }],
      predicateType,
      predicate: { buildDefinition: { buildType: 'https://custody.test/build' } },
    }),
  );
}

export function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

export function dsseEnvelope(payload: Buffer, key: KeyObject, payloadType = 'application/vnd.in-toto+json'): { bytes: Buffer; signature: Buffer } {
  const signature = sign('sha256', pae(payloadType, payload), key);
  const bytes = Buffer.from(JSON.stringify({ payloadType, payload: b64(payload), signatures: [{ keyid: '', sig: b64(signature) }] }));
  return { bytes, signature };
}

/** A Sigstore trusted_root.json naming a test CA and a test log. */
export function trustedRootJson(options: {
  ca?: TestCA;
  log?: TestLog;
  logBaseUrl?: string;
  caStart?: Date;
  caEnd?: Date;
  logStart?: Date | null;
  logEnd?: Date;
}): string {
  const start = (d?: Date) => (d ?? new Date(Date.now() - 86400_000)).toISOString();
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: options.log
      ? [
          {
            baseUrl: options.logBaseUrl ?? 'https://rekor.custody.test',
            hashAlgorithm: 'SHA2_256',
            publicKey: {
              rawBytes: b64(options.log.keys.publicKey.export({ type: 'spki', format: 'der' })),
              keyDetails: 'PKIX_ECDSA_P256_SHA_256',
              validFor:
                options.logStart === null
                  ? {}
                  : { start: start(options.logStart ?? undefined), ...(options.logEnd ? { end: options.logEnd.toISOString() } : {}) },
            },
            logId: { keyId: b64(options.log.logID) },
          },
        ]
      : [],
    certificateAuthorities: options.ca
      ? [
          {
            subject: { organization: 'custody-test', commonName: 'custody-test' },
            uri: 'https://fulcio.custody.test',
            certChain: { certificates: [{ rawBytes: b64(options.ca.intermediate.der) }, { rawBytes: b64(options.ca.root.der) }] },
            validFor: { start: start(options.caStart), ...(options.caEnd ? { end: options.caEnd.toISOString() } : {}) },
          },
        ]
      : [],
    ctlogs: [],
    timestampAuthorities: [],
  });
}

/** Write files into a fresh temp folder; returns name → path. */
export function writeTemp(files: Record<string, string | Buffer>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'custody-trust-'));
  const out: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    out[name] = join(dir, name);
    writeFileSync(out[name]!, content);
  }
  return out;
}

export type { TestCert };
