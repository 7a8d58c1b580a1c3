import type { Pattern } from '../../lib/pattern.js';
import type { PolicyProblemCode, Problem } from '../../types.js';

/** What is wrong with a policy file: one of the policy codes (src/problem-codes.ts). */
export type PolicyProblem = Problem<PolicyProblemCode>;

/** A policy as `loadPolicy` returns it: validated, defaults applied, paths absolute, patterns compiled. */

export const RULE_NAMES = ['signature', 'sbom', 'provenance', 'scan', 'image'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export type Mode = 'enforce' | 'warn';
export type Scope = 'every-platform' | 'index';

/** Gate severities, lowest to highest. UNKNOWN is a finding without a usable severity. */
export const SEVERITY_ORDER = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITY_ORDER)[number];

/** A keyless signer with cosign's identity/issuer meaning (exact, or RE2 regexp searched; compiled by src/trust). */
export interface KeylessIdentity {
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  issuerRegexp?: string;
}

/** Trust material a rule verifies against. Paths are absolute (resolved against the policy file). */
export interface Signers {
  keys: string[];
  keyless: KeylessIdentity[];
  trustedRoots: string[];
  caRoots: string[];
  caIntermediates: string[];
  rekorKeys: string[];
  /** Notation trust store folder and trust policy file (signature rule only). */
  notation?: { trustStore: string; trustPolicy?: string };
}

export interface SignatureRule {
  mode: Mode;
  signers: Signers;
}

export type SbomFormat = 'spdx' | 'cyclonedx' | 'syft';

export interface SbomRule {
  mode: Mode;
  formats: SbomFormat[];
  minComponents: number;
  scope: Scope;
}

export interface ProvenanceRule {
  mode: Mode;
  predicateTypes: string[];
  /** RE2, searched (src/lib/pattern.ts). */
  builderIdRegexp?: Pattern;
  sourceRepositoryRegexp?: Pattern;
  scope: Scope;
  /** Its own, or the signature rule's when it names none. */
  signers: Signers;
}

export interface AllowEntry {
  id: string;
  /** YYYY-MM-DD: the entry stops applying at 00:00 UTC that day. */
  expires: string;
  reason: string;
}

export interface ScanRule {
  mode: Mode;
  maxAgeDays?: number;
  failOn: Exclude<Severity, 'UNKNOWN'>;
  failOnUnknown: boolean;
  scope: 'image' | 'every-platform';
  allow: AllowEntry[];
  /** Who may sign OpenVEX documents: its own, else the signature rule's; undefined when nobody can. */
  vexSigners?: Signers;
}

export interface ImageRule {
  mode: Mode;
  nonRoot: boolean;
  requiredLabels: string[];
}

export interface PolicyRules {
  signature?: SignatureRule;
  sbom?: SbomRule;
  provenance?: ProvenanceRule;
  scan?: ScanRule;
  image?: ImageRule;
}

export interface Policy {
  /** The policy file as given. */
  path: string;
  name?: string;
  rules: PolicyRules;
  /** 1-based line of each rule in the file (for SARIF locations); absent when unknown. */
  lines: Partial<Record<RuleName, number>>;
  /** Things that load but deserve a word (keyless identities with no root to check them against). */
  warnings: string[];
}

export const SLSA_PREDICATE_TYPES = ['https://slsa.dev/provenance/v0.2', 'https://slsa.dev/provenance/v1'];

export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

export function hasSigners(signers: Signers): boolean {
  return signers.keys.length > 0 || signers.keyless.length > 0 || signers.notation !== undefined;
}
