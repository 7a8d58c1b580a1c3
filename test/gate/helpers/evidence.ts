import { createHash } from 'node:crypto';
import type { GateEvidence, GateInput, TargetVerdict } from '../../../src/gate/evidence.js';
import type { EvidenceFacts } from '../../../src/gate/facts/extract.js';
import type { Finding } from '../../../src/gate/facts/findings.js';
import type { Policy, Signers } from '../../../src/gate/policy/types.js';
import type { Subject } from '../../../src/types.js';

/** A made-up digest from a label. */
export function digest(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}

export const INDEX = digest('index');
export const AMD64 = digest('amd64');
export const ARM64 = digest('arm64');
export const SINGLE = digest('single');

export function singleImage(): Subject {
  return { ref: `ghcr.io/acme/app@${SINGLE}`, digest: SINGLE, mediaType: 'application/vnd.oci.image.manifest.v1+json', platforms: [] };
}

export function twoPlatformIndex(): Subject {
  return {
    ref: `ghcr.io/acme/app:1.0`,
    digest: INDEX,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    platforms: [
      { digest: AMD64, mediaType: 'application/vnd.oci.image.manifest.v1+json', platform: { os: 'linux', architecture: 'amd64' } },
      { digest: ARM64, mediaType: 'application/vnd.oci.image.manifest.v1+json', platform: { os: 'linux', architecture: 'arm64' } },
    ],
  };
}

let counter = 0;

/** Evidence as `prepareInput` would hand it to the rules, built by hand: defaults are a valid, unsigned nothing. */
export function evidence(about: string[], facts: Partial<EvidenceFacts>, extra: Partial<GateEvidence> = {}): GateEvidence {
  counter++;
  return {
    id: `evidence/item-${counter}.json`,
    kind: 'other',
    format: 'test',
    mediaType: 'application/json',
    valid: true,
    problems: [],
    about,
    facts: { errors: [], ...facts },
    verdicts: {},
    ...extra,
  };
}

export function verified(digestValue: string, identity: TargetVerdict['identity'] = { keyHint: 'a'.repeat(64) }): TargetVerdict {
  return { verified: true, digest: digestValue, identity, reason: 'verified with trusted key', trustMaterial: ['b'.repeat(64)] };
}

export function rejected(digestValue: string, code: string, reason: string, identity?: TargetVerdict['identity']): TargetVerdict {
  return { verified: false, digest: digestValue, code, reason, ...(identity ? { identity } : {}) };
}

export function input(subject: Subject, items: GateEvidence[]): GateInput {
  return { subject, evidence: items };
}

export function finding(id: string, severity: Finding['severity'], pkg = 'openssl'): Finding {
  return { id, aliases: [], severity, package: { name: pkg, version: '3.0.1-r0', purl: `pkg:apk/alpine/${pkg}@3.0.1-r0?arch=x86_64` } };
}

export const NO_SIGNERS: Signers = { keys: [], keyless: [], trustedRoots: [], caRoots: [], caIntermediates: [], rekorKeys: [] };
export const KEY_SIGNERS: Signers = { ...NO_SIGNERS, keys: ['/keys/release.pub'] };

/** A policy with just the given rules (as loadPolicy would return it). */
export function policyWith(rules: Policy['rules']): Policy {
  return { path: 'policy.yaml', rules, lines: {}, warnings: [] };
}

export const NOW = new Date('2026-06-15T12:00:00Z');
