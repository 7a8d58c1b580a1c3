import type { EvidenceKind } from '../../src/types.js';

/**
 * What custody must make of every row of ../shared/corpus/MANIFEST.tsv.
 * Rules are tried in order; the first whose `path` (and `description`, when
 * given) matches decides. A row no rule matches fails the corpus test, so a
 * new corpus row is a new case that someone has to classify here.
 *
 * Where custody's verdict differs from the MANIFEST's VALID/INVALID wording,
 * the rule says why in `differs` (the test refuses a silent difference):
 * - "verification only": the file is well-formed; what fails is a signature,
 *   a certificate, a log proof or a policy, which src/trust decides;
 * - "stricter than upstream": the file breaks a MUST of its specification
 *   that the upstream tool tolerates; the problem path names the field.
 */

export interface EvidenceExpectation {
  type: 'evidence';
  kind: EvidenceKind;
  format: string;
  valid: boolean;
  /** For invalid rows: a problem must have exactly this JSON Pointer (`''` for the whole input). */
  path?: string;
  /** For invalid rows: that problem's code, when the rule pins it. */
  code?: string;
  /** Media type the bytes are normalised with (a registry always serves one). */
  mediaType?: string;
  /** Digests of the image the evidence is archived for (`subject-mismatch` is checked against them). */
  imageDigests?: string[];
  /** Digests the evidence must claim. */
  subjects?: string[];
  /** Why custody's verdict differs from the MANIFEST description. */
  differs?: string;
  /** Codes of the known producer deviations recorded (src/formats/deviations.ts); none when absent. */
  deviations?: string[];
}

export interface NotEvidence {
  type: 'not-evidence';
  reason: string;
}

export type Expectation = EvidenceExpectation | NotEvidence;

export interface Rule {
  path: RegExp;
  description?: RegExp;
  expect: Expectation;
}

const VERIFICATION_ONLY = 'verification only: the bundle/signature is well-formed; the failure the corpus describes is cryptographic or policy (src/trust)';

const valid = (kind: EvidenceKind, format: string, extra: Partial<EvidenceExpectation> = {}): EvidenceExpectation => ({
  type: 'evidence',
  kind,
  format,
  valid: true,
  ...extra,
});

const invalid = (kind: EvidenceKind, format: string, path: string, extra: Partial<EvidenceExpectation> = {}): EvidenceExpectation => ({
  type: 'evidence',
  kind,
  format,
  valid: false,
  path,
  ...extra,
});

const notEvidence = (reason: string): NotEvidence => ({ type: 'not-evidence', reason });

/** The slsa-verifier OCI layout: the image index and its two platform manifests. */
const LAYOUT_IMAGE = [
  'sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122',
  'sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69',
  'sha256:a79645dc6fd76a0db9c9c04f5ba722ecb7d1fa8cdfc1d848d931d884cbab02ea',
];

export const RULES: readonly Rule[] = [
  // ---- Not evidence: trust material, upstream schemas, artifacts, notes. Asserted to be other/unknown. ----
  { path: /\.(pem|pub)$/, expect: notEvidence('key or certificate (trust material)') },
  { path: /(^|\/)README(\.md)?$/, expect: notEvidence('upstream README text') },
  { path: /_fail\/(identity|issuer)$/, expect: notEvidence('conformance input: expected identity / issuer') },
  {
    path: /(^|\/)(a\.txt|artifact|MODULE(-wrong-signer)?\.bazel|multi-subject-first\.txt)$/,
    expect: notEvidence('signed artifact (what a signature is about), not evidence'),
  },
  { path: /\.digest(\.txt)?$/, expect: notEvidence('a digest written as text') },
  { path: /OMITTED-BLOBS\.txt$/, expect: notEvidence('note written by the corpus collector') },
  { path: /\/oci-layout$/, expect: notEvidence('OCI image layout marker file') },
  {
    path: /trusted_root[^/]*\.json$|^sigstore-bundles\/trust\/|scaffolding\.json$|public-key-validity\.json$/,
    expect: notEvidence('Sigstore trust material (trusted root, TUF metadata, registry keys)'),
  },
  { path: /\/schemas\//, expect: notEvidence('upstream JSON schema (used by the oracle tests)') },
  { path: /rekor-sig\.txt$/, expect: notEvidence('a bare base64 signature') },
  { path: /rekor-set\.json$/, expect: notEvidence('Rekor SignedEntryTimestamp: the value of a cosign bundle annotation') },

  // ---- cosign and containers/image signatures ----
  {
    path: /^cosign\/containers-image\/dir-img-cosign-valid\/signature-1$/,
    expect: valid('signature', 'cosign-simplesigning', { imageDigests: ['sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00'] }),
  },
  {
    path: /^cosign\/containers-image\/dir-img-cosign-pki-valid\/signature-1$/,
    expect: valid('signature', 'cosign-simplesigning', { imageDigests: ['sha256:253c890b744fe3efa923b68e3a1be07bd007eb44ba29da1e7deb1d4c53b3e212'] }),
  },
  {
    path: /^cosign\/containers-image\/dir-img-cosign-fulcio-rekor-valid\/signature-1$/,
    expect: valid('signature', 'cosign-simplesigning', { imageDigests: ['sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a'] }),
  },
  {
    // The signature names the original manifest; archived for the modified one it is a subject mismatch.
    path: /^invalid\/containers-image\/dir-img-cosign-modified-manifest\/signature-1$/,
    expect: invalid('signature', 'cosign-simplesigning', '', {
      code: 'subject-mismatch',
      imageDigests: ['sha256:d9dcafdb480aa7c475e91737b96925e45844213dcb0290b4a90017459121f71f'],
      subjects: ['sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00'],
    }),
  },
  {
    path: /^invalid\/containers-image\/dir-img-cosign-other-attachment\/signature-1$/,
    expect: invalid('signature', 'cosign-simplesigning', '/mimeType', { code: 'schema-const' }),
  },
  { path: /^invalid\/containers-image\/unknown-cosign-key\.signature$/, expect: valid('signature', 'cosign-simplesigning', { differs: VERIFICATION_ONLY }) },
  { path: /containers-image\/.*\/manifest\.json$/, expect: valid('image', 'oci-manifest') },
  { path: /(simplesigning-payload|rekor-payload)\.json$/, expect: valid('signature', 'cosign-simplesigning') },

  // ---- The slsa-verifier OCI layout (cosign .att) ----
  {
    // BuildKit (docker buildx) left SLSA v0.2 predicate.builder.id empty: a known producer deviation, recorded, valid.
    path: /^cosign\/slsa-verifier-oci-layout-v2\.1\.0\/blobs\/sha256\/8d63b5e4/,
    expect: valid('attestation', 'in-toto', {
      imageDigests: LAYOUT_IMAGE,
      subjects: ['sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69'],
      deviations: ['buildkit-empty-builder-id'],
    }),
  },
  {
    path: /^cosign\/slsa-verifier-oci-layout-v2\.1\.0\/blobs\/sha256\/e163b472/,
    expect: valid('attestation', 'dsse', { imageDigests: LAYOUT_IMAGE, subjects: [LAYOUT_IMAGE[0]!] }),
  },
  { path: /^cosign\/slsa-verifier-oci-layout/, description: /image config/, expect: valid('image', 'oci-config') },
  { path: /^cosign\/slsa-verifier-oci-layout/, description: /index/, expect: valid('image', 'oci-index') },
  { path: /^cosign\/slsa-verifier-oci-layout/, description: /manifest/, expect: valid('image', 'oci-manifest') },

  // ---- CycloneDX ----
  { path: /^invalid\/cyclonedx\/invalid-bomformat/, expect: invalid('sbom', 'cyclonedx', '/bomFormat', { code: 'schema-enum' }) },
  { path: /^invalid\/cyclonedx\/invalid-component-type/, expect: invalid('sbom', 'cyclonedx', '/components/0/type', { code: 'schema-enum' }) },
  { path: /^invalid\/cyclonedx\/invalid-dependency/, expect: invalid('sbom', 'cyclonedx', '/dependencies/0/ref', { code: 'schema-required' }) },
  { path: /^invalid\/cyclonedx\/invalid-license-id/, expect: invalid('sbom', 'cyclonedx', '/components/0/licenses/0/license/id', { code: 'schema-enum' }) },
  { path: /^invalid\/cyclonedx\/invalid-missing-component-type/, expect: invalid('sbom', 'cyclonedx', '/components/0/type', { code: 'schema-required' }) },
  { path: /^invalid\/cyclonedx\/invalid-serialnumber/, expect: invalid('sbom', 'cyclonedx', '/serialNumber', { code: 'schema-pattern' }) },
  { path: /^cyclonedx\/bom-examples\/VEX__/, expect: valid('vex', 'cyclonedx') },
  { path: /^cyclonedx\//, expect: valid('sbom', 'cyclonedx') },

  // ---- SPDX ----
  { path: /^spdx\/.*spdx3/, expect: valid('sbom', 'spdx') },
  { path: /^spdx\//, expect: valid('sbom', 'spdx') },

  // ---- Scanners ----
  { path: /^trivy\//, expect: valid('scan', 'trivy') },
  { path: /^grype\/.*\.syft\.json$/, expect: valid('sbom', 'syft', { subjects: ['sha256:5146935f9248826d44dfc2489abfd5f4bdfbc319a738c04dfe1ef071f228a1ac'] }) },
  { path: /^grype\//, expect: valid('scan', 'grype') },
  { path: /^invalid\/grype\/empty\.json$/, expect: invalid('other', 'unknown', '', { code: 'empty' }) },
  { path: /^sarif\/sarif-spec-2\.2/, expect: invalid('scan', 'sarif', '/version', { code: 'unsupported-version' }) },
  { path: /^sarif\//, expect: valid('scan', 'sarif') },

  // ---- OpenVEX ----
  { path: /^openvex\/go-vex-v020-[12]\./, expect: invalid('vex', 'openvex', '/timestamp', { code: 'schema-required' }) },
  { path: /^openvex\/trivy-integration-openvex/, expect: invalid('vex', 'openvex', '/statements/0/vulnerability/name', { code: 'schema-required' }) },
  { path: /^openvex\/trivy-testdata-openvex-multiple/, expect: invalid('vex', 'openvex', '/@id', { code: 'schema-required' }) },
  {
    path: /^openvex\/trivy-project\.openvex\.json$/,
    expect: invalid('vex', 'openvex', '/@id', {
      code: 'schema-pattern',
      differs: "stricter than upstream: @id 'aquasecurity/trivy:…' is not an absolute IRI (the official schema says format iri; the oracle test agrees)",
    }),
  },
  { path: /^invalid\/openvex\/v0\.0\.1-noversion/, expect: invalid('vex', 'openvex', '/version', { code: 'schema-type' }) },
  { path: /^openvex\//, expect: valid('vex', 'openvex') },

  // ---- OCI ----
  { path: /^invalid\/oci\/distribution-spec-referrers-response-example-1\.json$/, expect: invalid('other', 'unknown', '', { code: 'json-invalid' }) },
  {
    path: /^invalid\/oci\/non-json\.manifest\.json$/,
    expect: invalid('image', 'oci-manifest', '', { code: 'json-invalid', mediaType: 'application/vnd.oci.image.manifest.v1+json' }),
  },
  { path: /^invalid\/oci\/schema2-invalid-media-type/, expect: invalid('image', 'oci-manifest', '/config/mediaType', { code: 'schema-const' }) },
  { path: /^invalid\/oci\/unknown-version/, expect: invalid('image', 'oci-manifest', '/schemaVersion', { code: 'schema-const' }) },
  {
    path: /^oci\/containers-image\/ociv1\.artifact\.json$/,
    expect: invalid('image', 'oci-manifest', '/layers', {
      code: 'schema-type',
      differs:
        'stricter than upstream: layers is null and config.digest empty (containers/image parser test data); the OCI manifest schema requires a layers array',
    }),
  },
  {
    path: /^oci\/referrers\/.*repaired\.json$/,
    expect: invalid('image', 'oci-index', '/manifests/0/digest', {
      code: 'schema-pattern',
      differs: "stricter than upstream: the spec example's illustrative digests ('sha256:a1a1a1...') break the descriptor digest grammar",
    }),
  },
  { path: /^oci\//, description: /index|manifest list/i, expect: valid('image', 'oci-index') },
  { path: /^oci\//, expect: valid('image', 'oci-manifest') },

  // ---- in-toto, DSSE, npm, GCB ----
  { path: /^intoto\/npm\//, expect: valid('attestation', 'npm-attestations') },
  {
    path: /^intoto\/slsa-verifier\/gcb\/gcloud-container-github\.json$/,
    expect: valid('attestation', 'gcb-provenance', { imageDigests: ['sha256:f472ca4b68898c951ac3b476cba919d0d56fca4ced631fabcead51e4b2b690e7'] }),
  },
  { path: /^intoto\//, description: /sigstore bundle/, expect: valid('attestation', 'sigstore-bundle') },
  { path: /^intoto\//, description: /DSSE envelope/, expect: valid('attestation', 'dsse') },
  { path: /^intoto\//, description: /Statement/, expect: valid('attestation', 'in-toto') },
  {
    path: /^invalid\/slsa-verifier\/gcb-invalid-signature-encoding/,
    expect: invalid('attestation', 'gcb-provenance', '/provenance_summary/provenance/0/envelope/signatures/0/sig', { code: 'schema-pattern' }),
  },
  { path: /^invalid\/slsa-verifier\/gcb-no-signature/, expect: invalid('other', 'unknown', '', { code: 'json-invalid' }) },
  { path: /^invalid\/slsa-verifier\/gcb-/, expect: valid('attestation', 'gcb-provenance', { differs: VERIFICATION_ONLY }) },
  {
    path: /^invalid\/slsa-verifier\/npm-att-publish-nosubjects/,
    expect: invalid('attestation', 'npm-attestations', '/attestations/1/bundle/dsseEnvelope/payload/subject', { code: 'schema-required' }),
  },
  { path: /^invalid\/slsa-verifier\/npm-provenance-invalidsigprov/, expect: valid('attestation', 'npm-attestations', { differs: VERIFICATION_ONLY }) },
  { path: /^invalid\/slsa-verifier\/expired-cert\.intoto\.jsonl$/, expect: valid('attestation', 'dsse', { differs: VERIFICATION_ONLY }) },
  { path: /^invalid\/slsa-verifier\/.*(sigstore\.json|intoto\.jsonl)$/, expect: valid('attestation', 'sigstore-bundle', { differs: VERIFICATION_ONLY }) },

  // ---- Sigstore bundles ----
  {
    path: /^sigstore-bundles\/slsa-verifier\/valid\.intoto\.sigstore\.json$/,
    expect: invalid('attestation', 'sigstore-bundle', '/dsseEnvelope/payload/predicateType', {
      code: 'schema-min-length',
      differs: 'stricter than upstream: the statement predicateType is the empty string; in-toto requires a TypeURI',
    }),
  },
  { path: /^sigstore-bundles\/.*statement\.json$/, expect: valid('attestation', 'in-toto') },
  {
    path: /bundle-empty-certificate-chain_fail\/bundle/,
    expect: invalid('signature', 'sigstore-bundle', '/verificationMaterial/x509CertificateChain/certificates', { code: 'schema-min-items' }),
  },
  {
    path: /bundle-invalid-base64-signature_fail\/bundle/,
    expect: invalid('signature', 'sigstore-bundle', '/messageSignature/signature', { code: 'schema-pattern' }),
  },
  { path: /bundle-malformed-json_fail\/bundle/, expect: invalid('other', 'unknown', '', { code: 'json-invalid' }) },
  { path: /bundle-unknown-version_fail\/bundle/, expect: invalid('signature', 'sigstore-bundle', '/mediaType', { code: 'schema-enum' }) },
  {
    path: /intoto-missing-inclusion-proof_fail\/bundle/,
    expect: invalid('attestation', 'sigstore-bundle', '/verificationMaterial/tlogEntries/0/inclusionProof', { code: 'schema-required' }),
  },
  {
    // Rekor v2 DSSE cases: the sigstore-conformance statements' SLSA v1 predicate lacks externalParameters (a
    // MUST): a known producer deviation, recorded; the case's own failure (a signature/envelope mismatch) is
    // src/trust's to find.
    path: /rekor2-dsse-mismatch-(envelope|sig)_fail\/bundle/,
    expect: valid('attestation', 'sigstore-bundle', { differs: VERIFICATION_ONLY, deviations: ['sigstore-conformance-no-external-parameters'] }),
  },
  {
    path: /^invalid\/sigstore-conformance\//,
    description: /in-toto|intoto|DSSE|dsse/,
    expect: valid('attestation', 'sigstore-bundle', { differs: VERIFICATION_ONLY }),
  },
  { path: /^invalid\/sigstore-conformance\//, expect: valid('signature', 'sigstore-bundle', { differs: VERIFICATION_ONLY }) },
  // ---- Notary Project (Notation) envelopes from notation-go's test data. Whether each verifies with a trust
  // store and policy is src/trust's question (and the Notation corpus test's); here: recognised, well-formed. ----
  { path: /^notation\/truststore\/.+\.(crt|cer|der)$/, expect: notEvidence('Notation trust store certificate (trust material)') },
  { path: /^notation\/timestamp-tokens\//, expect: notEvidence('a bare RFC 3161 timestamp token: a part of an envelope, not evidence') },
  { path: /^notation\/oci-layout-artifact\/blobs\//, expect: valid('image', 'oci-manifest', { mediaType: 'application/vnd.oci.image.manifest.v1+json' }) },
  {
    path: /^notation\/[^/]+\/envelope\.jws\.json$/,
    expect: valid('signature', 'notation', { mediaType: 'application/jose+json', differs: VERIFICATION_ONLY }),
  },
  { path: /^notation\/[^/]+\/envelope\.cose$/, expect: valid('signature', 'notation', { mediaType: 'application/cose', differs: VERIFICATION_ONLY }) },
  { path: /^sigstore-bundles\//, description: /in-toto|intoto|DSSE|dsse|attestation/, expect: valid('attestation', 'sigstore-bundle') },
  { path: /^sigstore-bundles\//, expect: valid('signature', 'sigstore-bundle') },
];

export function expectationFor(path: string, description: string): Expectation | undefined {
  const rule = RULES.find((r) => r.path.test(path) && (r.description === undefined || r.description.test(description)));
  return rule?.expect;
}
