/**
 * Stable codes of problems, one list per area, as the verdict codes are
 * (src/trust/verdict.ts). Reports, archived manifests and tests match on
 * them, so a code is never renamed, only added. A JSON Schema keyword gives
 * its own code (`schema-required`, `schema-min-items`…), hence the template.
 */

/** A JSON Schema keyword that failed: `schema-<keyword>` (camelCase keywords in kebab case), or plain `schema`. */
export type SchemaProblemCode = 'schema' | `schema-${string}`;

/** What `verify` finds wrong with an archive folder or an export. */
export const VERIFY_PROBLEM_CODES = [
  'missing',
  'altered',
  'unlisted',
  'checksum-missing',
  'checksum-format',
  'manifest-invalid',
  'manifest-schema',
  'manifest-mismatch',
  'duplicate-entry',
  'unsafe-path',
  'symlink',
  'special-file',
  'unreadable',
  'journal-invalid',
  'journal-mismatch',
  'journal-unexpected',
  'chain-broken',
  'seal-invalid',
  'signature-failed',
  'signature-unverified',
  'trust-missing',
  'tar-entry',
  'too-large',
  'trailing-data',
  'truncated',
] as const;
export type VerifyProblemCode = (typeof VERIFY_PROBLEM_CODES)[number];

/** What the normaliser finds wrong with evidence before or around its format (size, encoding, JSON shape, subjects). */
export const NORMALIZE_PROBLEM_CODES = [
  'empty',
  'too-large',
  'json-invalid',
  'json-too-deep',
  'json-array-too-long',
  'format-error',
  'subject-mismatch',
] as const;
export type NormalizeProblemCode = (typeof NORMALIZE_PROBLEM_CODES)[number];

/** What a format module (src/formats) finds wrong with a document of its format, besides its schema's keywords. */
export const FORMAT_PROBLEM_CODES = [
  'unsupported-version',
  'json-invalid',
  'xml-invalid',
  'yaml-invalid',
  'schema-xsd',
  'spdx-tv-syntax',
  'spdx-duplicate-id',
  'spdx3-unresolved-reference',
  'oci-manifest-schema1',
  'cosign-payload-not-json',
  'dsse-payload-not-base64',
  'dsse-payload-not-json',
  'notation-cose-not-sign1',
  'notation-part-not-json',
  'npm-predicate-mismatch',
  'sigstore-bundle-content',
  'sigstore-bundle-verification-material',
] as const;
export type FormatProblemCode = (typeof FORMAT_PROBLEM_CODES)[number] | SchemaProblemCode;

/** Known producer quirks (src/formats/deviations.ts): recorded, and problems only with --strict. */
export const DEVIATION_CODES = ['buildkit-empty-builder-id', 'gcb-defined-in-material-string', 'sigstore-conformance-no-external-parameters'] as const;
export type DeviationCode = (typeof DEVIATION_CODES)[number];

/** Everything that can be wrong with a piece of evidence, as its Normalized result and the image manifest record it. */
export type EvidenceProblemCode = NormalizeProblemCode | FormatProblemCode | DeviationCode;

/** What is wrong with a gate policy file beyond reading it. */
export const POLICY_PROBLEM_CODES = ['syntax', 'trust-file', 'no-signers', 'regexp'] as const;
export type PolicyProblemCode = (typeof POLICY_PROBLEM_CODES)[number] | SchemaProblemCode;

export type ProblemCode = VerifyProblemCode | EvidenceProblemCode | PolicyProblemCode;
