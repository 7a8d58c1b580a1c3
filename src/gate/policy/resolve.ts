import { resolve } from 'node:path';
import { compilePattern } from '../../lib/pattern.js';
import { namesSigners } from './semantics.js';
import {
  SLSA_PREDICATE_TYPES,
  type AllowEntry,
  type ImageRule,
  type KeylessIdentity,
  type Mode,
  type Policy,
  type ProvenanceRule,
  type SbomFormat,
  type SbomRule,
  type ScanRule,
  type SignatureRule,
  type Signers,
} from './types.js';

type Json = Record<string, unknown>;

const asRecord = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const mode = (rule: Json): Mode => (rule.mode === 'warn' ? 'warn' : 'enforce');

/**
 * The validated document as the gate uses it: defaults applied (each the
 * strict choice), paths made absolute against the policy's folder. Called
 * only after schema and semantic checks found nothing.
 */
export function toPolicy(value: unknown, path: string, base: string): Policy {
  const doc = asRecord(value) ?? {};
  const rules = asRecord(doc.rules) ?? {};
  const policy: Policy = { path, rules: {}, lines: {}, warnings: [] };
  const name = asRecord(doc.metadata)?.name;
  if (typeof name === 'string') policy.name = name;

  const signatureDoc = asRecord(rules.signature);
  const signatureSigners = signatureDoc ? toSigners(signatureDoc, base) : undefined;
  if (signatureDoc && signatureSigners) {
    const rule: SignatureRule = { mode: mode(signatureDoc), signers: signatureSigners };
    policy.rules.signature = rule;
    warnUnrooted(policy, '/rules/signature', signatureSigners);
  }

  const sbomDoc = asRecord(rules.sbom);
  if (sbomDoc) {
    const formats = strings(sbomDoc.formats) as SbomFormat[];
    const rule: SbomRule = {
      mode: mode(sbomDoc),
      formats: formats.length > 0 ? formats : ['spdx', 'cyclonedx'],
      minComponents: typeof sbomDoc.minComponents === 'number' ? sbomDoc.minComponents : 1,
      scope: sbomDoc.scope === 'index' ? 'index' : 'every-platform',
    };
    policy.rules.sbom = rule;
  }

  const provenanceDoc = asRecord(rules.provenance);
  if (provenanceDoc) {
    const own = namesSigners(provenanceDoc);
    const signers = own ? toSigners(provenanceDoc, base) : signatureSigners!;
    const types = strings(provenanceDoc.predicateTypes);
    const rule: ProvenanceRule = {
      mode: mode(provenanceDoc),
      predicateTypes: types.length > 0 ? types : [...SLSA_PREDICATE_TYPES],
      scope: provenanceDoc.scope === 'every-platform' ? 'every-platform' : 'index',
      signers,
    };
    // checkSemantics has compiled both already: these cannot throw.
    if (typeof provenanceDoc.builderIdRegexp === 'string') rule.builderIdRegexp = compilePattern(provenanceDoc.builderIdRegexp);
    if (typeof provenanceDoc.sourceRepositoryRegexp === 'string') rule.sourceRepositoryRegexp = compilePattern(provenanceDoc.sourceRepositoryRegexp);
    policy.rules.provenance = rule;
    if (own) warnUnrooted(policy, '/rules/provenance', signers);
  }

  const scanDoc = asRecord(rules.scan);
  if (scanDoc) {
    const vexDoc = asRecord(scanDoc.vex);
    const rule: ScanRule = {
      mode: mode(scanDoc),
      failOn: (typeof scanDoc.failOn === 'string' ? scanDoc.failOn : 'CRITICAL') as ScanRule['failOn'],
      failOnUnknown: scanDoc.failOnUnknown === true,
      scope: scanDoc.scope === 'every-platform' ? 'every-platform' : 'image',
      allow: (Array.isArray(scanDoc.allow) ? scanDoc.allow : []).map((e): AllowEntry => {
        const entry = asRecord(e) ?? {};
        return { id: String(entry.id), expires: String(entry.expires), reason: String(entry.reason) };
      }),
    };
    if (typeof scanDoc.maxAgeDays === 'number') rule.maxAgeDays = scanDoc.maxAgeDays;
    if (vexDoc) {
      rule.vexSigners = toSigners(vexDoc, base);
      warnUnrooted(policy, '/rules/scan/vex', rule.vexSigners);
    } else if (signatureSigners) {
      rule.vexSigners = signatureSigners;
    }
    policy.rules.scan = rule;
  }

  const imageDoc = asRecord(rules.image);
  if (imageDoc) {
    const rule: ImageRule = { mode: mode(imageDoc), nonRoot: imageDoc.nonRoot === true, requiredLabels: strings(imageDoc.requiredLabels) };
    policy.rules.image = rule;
  }
  return policy;
}

function toSigners(block: Json, base: string): Signers {
  const paths = (field: string) => strings(block[field]).map((p) => resolve(base, p));
  const notation = asRecord(block.notation);
  return {
    ...(notation && typeof notation.trustStore === 'string'
      ? {
          notation: {
            trustStore: resolve(base, notation.trustStore),
            ...(typeof notation.trustPolicy === 'string' ? { trustPolicy: resolve(base, notation.trustPolicy) } : {}),
          },
        }
      : {}),
    keys: paths('keys'),
    keyless: (Array.isArray(block.keyless) ? block.keyless : []).map((e): KeylessIdentity => {
      const entry = asRecord(e) ?? {};
      const out: KeylessIdentity = {};
      for (const field of ['identity', 'identityRegexp', 'issuer', 'issuerRegexp'] as const) {
        if (typeof entry[field] === 'string') out[field] = entry[field];
      }
      return out;
    }),
    trustedRoots: paths('trustedRoots'),
    caRoots: paths('caRoots'),
    caIntermediates: paths('caIntermediates'),
    rekorKeys: paths('rekorKeys'),
  };
}

/** Keyless identities are checked against a certificate authority; without one they can never verify. */
function warnUnrooted(policy: Policy, pointer: string, signers: Signers): void {
  if (signers.keyless.length > 0 && signers.trustedRoots.length === 0 && signers.caRoots.length === 0) {
    policy.warnings.push(`${pointer}: keyless identities are listed but no trustedRoots or caRoots: keyless signatures cannot verify (keys still can)`);
  }
}
