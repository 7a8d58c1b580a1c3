import type { FormatProblem } from '../types.js';
import { summarizeCyclonedx, validateCyclonedx } from './cyclonedx-model.js';
import { at, optional, stringField } from './lib/json.js';
import { checkSchema } from './lib/problems.js';
import { summarizeSpdx2, validateSpdx2 } from './spdx-model.js';

/**
 * Predicate types custody knows (in-toto attestation predicates, SLSA, and
 * the SBOM/VEX/vuln predicates cosign and BuildKit attach). Unknown predicate
 * types are recorded as they are: the in-toto spec lets anyone define one.
 */
export interface PredicateHandler {
  /** Short name for summaries: slsa-provenance, slsa-vsa, spdx, cyclonedx, cosign-vuln, openvex, ... */
  name: string;
  matches(predicateType: string): boolean;
  validate?(predicate: unknown, prefix: string): FormatProblem[];
  summarize?(predicate: unknown): Record<string, unknown>;
}

const exact =
  (...types: string[]) =>
  (t: string): boolean =>
    types.includes(t);

const prefixed =
  (...prefixes: string[]) =>
  (t: string): boolean =>
    prefixes.some((p) => t === p || t.startsWith(p + '/'));

const schema = (file: string) => (predicate: unknown, prefix: string) => checkSchema(`formats/${file}`, predicate, prefix);

/** Extra validators registered by formats that load after this module (OpenVEX). */
const late = new Map<string, Pick<PredicateHandler, 'validate' | 'summarize'>>();
export function registerPredicateChecks(name: string, checks: Pick<PredicateHandler, 'validate' | 'summarize'>): void {
  late.set(name, checks);
}

export const PREDICATES: readonly PredicateHandler[] = [
  {
    name: 'slsa-provenance',
    matches: exact('https://slsa.dev/provenance/v1'),
    validate: schema('slsa-provenance-v1.schema.json'),
    summarize: (p) => ({
      slsaVersion: 'v1',
      builderId: stringField(at(p, 'runDetails', 'builder'), 'id') ?? null,
      buildType: stringField(at(p, 'buildDefinition'), 'buildType') ?? null,
      ...optional('invocationId', at(p, 'runDetails', 'metadata', 'invocationId')),
      ...optional('finishedOn', at(p, 'runDetails', 'metadata', 'finishedOn')),
    }),
  },
  {
    name: 'slsa-provenance',
    matches: exact('https://slsa.dev/provenance/v0.2'),
    validate: schema('slsa-provenance-v0.2.schema.json'),
    summarize: (p) => ({
      slsaVersion: 'v0.2',
      builderId: stringField(at(p, 'builder'), 'id') ?? null,
      buildType: stringField(p, 'buildType') ?? null,
      ...optional('invocationId', at(p, 'metadata', 'buildInvocationId')),
      ...optional('finishedOn', at(p, 'metadata', 'buildFinishedOn')),
    }),
  },
  {
    name: 'slsa-provenance',
    matches: exact('https://slsa.dev/provenance/v0.1'),
    validate: schema('slsa-provenance-v0.1.schema.json'),
    summarize: (p) => ({
      slsaVersion: 'v0.1',
      builderId: stringField(at(p, 'builder'), 'id') ?? null,
      buildType: stringField(at(p, 'recipe'), 'type') ?? null,
    }),
  },
  {
    name: 'slsa-vsa',
    matches: exact('https://slsa.dev/verification_summary/v1'),
    validate: schema('slsa-vsa-v1.schema.json'),
    summarize: (p) => ({
      verifierId: stringField(at(p, 'verifier'), 'id') ?? null,
      verificationResult: stringField(p, 'verificationResult') ?? null,
      verifiedLevels: at(p, 'verifiedLevels') ?? null,
      ...optional('resourceUri', at(p, 'resourceUri')),
      ...optional('timeVerified', at(p, 'timeVerified')),
    }),
  },
  {
    name: 'slsa-vsa',
    matches: prefixed('https://slsa.dev/verification_summary/v0.1', 'https://slsa.dev/verification_summary/v0.2'),
    summarize: (p) => ({
      verifierId: stringField(at(p, 'verifier'), 'id') ?? null,
      verificationResult: stringField(p, 'verification_result') ?? stringField(p, 'verificationResult') ?? null,
    }),
  },
  {
    name: 'spdx',
    matches: (t) => /^https:\/\/spdx\.dev\/Document(\/v2\.[23])?$/.test(t),
    validate: (p, prefix) => validateSpdx2(p, prefix),
    summarize: (p) => ({ sbom: summarizeSpdx2(p) }),
  },
  {
    name: 'cyclonedx',
    matches: (t) => /^https:\/\/cyclonedx\.org\/(bom|schema)(\/v?\d+\.\d+)?$/.test(t),
    validate: (p, prefix) => validateCyclonedx(p, prefix),
    summarize: (p) => ({ sbom: summarizeCyclonedx(p) }),
  },
  {
    name: 'cosign-vuln',
    matches: exact('https://cosign.sigstore.dev/attestation/vuln/v1'),
    validate: schema('cosign-vuln-v1.schema.json'),
    summarize: (p) => ({
      scanner: stringField(at(p, 'scanner'), 'uri') ?? null,
      ...optional('scannerVersion', at(p, 'scanner', 'version')),
      ...optional('scanTime', at(p, 'metadata', 'scanFinishedOn')),
    }),
  },
  {
    name: 'openvex',
    matches: prefixed('https://openvex.dev/ns'),
    validate: (p, prefix) => late.get('openvex')?.validate?.(p, prefix) ?? [],
    summarize: (p) => late.get('openvex')?.summarize?.(p) ?? {},
  },
  { name: 'cosign-custom', matches: exact('https://cosign.sigstore.dev/attestation/v1') },
  { name: 'slsa-source', matches: prefixed('https://slsa.dev/source_provenance') },
  { name: 'in-toto-link', matches: prefixed('https://in-toto.io/attestation/link') },
  { name: 'in-toto-vulns', matches: prefixed('https://in-toto.io/attestation/vulns') },
  { name: 'in-toto-release', matches: prefixed('https://in-toto.io/attestation/release') },
  { name: 'in-toto-test-result', matches: prefixed('https://in-toto.io/attestation/test-result') },
  { name: 'scai', matches: prefixed('https://in-toto.io/attestation/scai') },
  { name: 'runtime-trace', matches: prefixed('https://in-toto.io/attestation/runtime-trace') },
  { name: 'npm-publish', matches: prefixed('https://github.com/npm/attestation/tree/main/specs/publish') },
  { name: 'spdx3', matches: (t) => /^https:\/\/spdx\.dev\/Document\/v3/.test(t) },
];

export function predicateHandler(predicateType: string): PredicateHandler | undefined {
  return PREDICATES.find((p) => p.matches(predicateType));
}
