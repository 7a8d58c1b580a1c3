#!/usr/bin/env node
// Writes test/fixtures/formats/<format>/: a minimal valid document per format
// (valid-*.{json,spdx,sig,cose}) and one invalid document per rule custody
// enforces (invalid-<rule>.*), with expected.json recording, per file, the
// expected kind/format/validity and, for invalid files, the problem code and
// JSON Pointer plus a one-line reason. Deterministic: rerunning changes nothing.
//
//   node scripts/make-format-fixtures.mjs          write the fixtures
//   node scripts/make-format-fixtures.mjs --check  exit 1 if the files on disk differ
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES_DIR = join(ROOT, 'test', 'fixtures', 'formats');

const HEX = (c) => c.repeat(64);
const D = (c) => `sha256:${HEX(c)}`;
const IMAGE = D('a');
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
const b64url = (value) => b64(value).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const clone = (v) => structuredClone(v);
const json = (v) => JSON.stringify(v, null, 2) + '\n';

/** A fixture set: a base document, valid variants, and mutations that each break one rule. */
function set(format, kind, extension, base, { valid = {}, invalid = {}, mediaType } = {}) {
  return { format, kind, extension, base, valid, invalid, mediaType };
}

// ---------------------------------------------------------------- SPDX 2.x JSON
const spdxDoc = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'example-image',
  documentNamespace: 'https://example.com/spdx/example-image-1',
  creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: syft-1.18.0', 'Organization: Example'] },
  documentDescribes: ['SPDXRef-image'],
  packages: [
    {
      SPDXID: 'SPDXRef-image',
      name: 'example-image',
      downloadLocation: 'NOASSERTION',
      primaryPackagePurpose: 'CONTAINER',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:oci/example-image@sha256%3A${HEX('a')}` }],
    },
    {
      SPDXID: 'SPDXRef-musl',
      name: 'musl',
      versionInfo: '1.2.5',
      downloadLocation: 'NOASSERTION',
      licenseConcluded: 'MIT',
      licenseDeclared: 'MIT OR Apache-2.0',
    },
  ],
  relationships: [{ spdxElementId: 'SPDXRef-image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-musl' }],
};
const spdx22 = (d) => {
  d.spdxVersion = 'SPDX-2.2';
  for (const p of d.packages)
    Object.assign(p, {
      licenseConcluded: p.licenseConcluded ?? 'NOASSERTION',
      licenseDeclared: p.licenseDeclared ?? 'NOASSERTION',
      copyrightText: 'NOASSERTION',
    });
  return d;
};

const spdxSet = set('spdx', 'sbom', 'json', spdxDoc, {
  valid: {
    'minimal-2.3': {
      subjects: [IMAGE],
      summary: { specVersion: 'SPDX-2.3', documentName: 'example-image', tool: 'syft', toolVersion: '1.18.0', componentCount: 2, licenseCount: 2 },
    },
    'spdx-2.2': { mutate: spdx22, summary: { specVersion: 'SPDX-2.2' } },
  },
  invalid: {
    'missing-spdx-version': {
      mutate: (d) => delete d.spdxVersion,
      mediaType: 'application/spdx+json',
      code: 'schema-required',
      path: '/spdxVersion',
      reason: 'spdxVersion is mandatory (SPDX 2.3 §6.1)',
    },
    'unknown-spdx-version': {
      mutate: (d) => (d.spdxVersion = 'SPDX-9.9'),
      code: 'unsupported-version',
      path: '/spdxVersion',
      reason: 'a known format in a version custody has no rules for is reported, not hidden as unknown',
    },
    'data-license': { mutate: (d) => (d.dataLicense = 'MIT'), code: 'schema-const', path: '/dataLicense', reason: 'dataLicense must be CC0-1.0 (§6.2)' },
    'document-spdxid': {
      mutate: (d) => (d.SPDXID = 'SPDXRef-DOC'),
      code: 'schema-const',
      path: '/SPDXID',
      reason: 'the document SPDXID must be SPDXRef-DOCUMENT (§6.3)',
    },
    'namespace-fragment': {
      mutate: (d) => (d.documentNamespace += '#part'),
      code: 'schema-pattern',
      path: '/documentNamespace',
      reason: 'documentNamespace must not contain # (§6.5)',
    },
    'no-creators': {
      mutate: (d) => (d.creationInfo.creators = []),
      code: 'schema-min-items',
      path: '/creationInfo/creators',
      reason: 'at least one creator (§6.8)',
    },
    'created-not-a-date': {
      mutate: (d) => (d.creationInfo.created = 'yesterday'),
      code: 'schema-format',
      path: '/creationInfo/created',
      reason: 'created is a date-time (§6.9)',
    },
    'package-spdxid-syntax': {
      mutate: (d) => (d.packages[1].SPDXID = 'SPDXRef-musl_1'),
      code: 'schema-pattern',
      path: '/packages/1/SPDXID',
      reason: 'SPDXIDs use letters, digits, . and - only',
    },
    'package-download-location': {
      mutate: (d) => delete d.packages[1].downloadLocation,
      code: 'schema-required',
      path: '/packages/1/downloadLocation',
      reason: 'PackageDownloadLocation is mandatory (§7.7)',
    },
    'checksum-algorithm': {
      mutate: (d) => (d.packages[1].checksums = [{ algorithm: 'CRC32', checksumValue: 'abcd' }]),
      code: 'schema-enum',
      path: '/packages/1/checksums/0/algorithm',
      reason: 'checksum algorithms come from the SPDX list',
    },
    'relationship-type': {
      mutate: (d) => (d.relationships[0].relationshipType = 'OWNS'),
      code: 'schema-enum',
      path: '/relationships/0/relationshipType',
      reason: 'relationship types come from the SPDX list',
    },
    'purpose-enum': {
      mutate: (d) => (d.packages[0].primaryPackagePurpose = 'IMAGE'),
      code: 'schema-enum',
      path: '/packages/0/primaryPackagePurpose',
      reason: 'primaryPackagePurpose comes from the SPDX 2.3 list',
    },
    'duplicate-spdxid': {
      mutate: (d) => (d.packages[1].SPDXID = 'SPDXRef-image'),
      code: 'spdx-duplicate-id',
      path: '/packages/1/SPDXID',
      reason: 'SPDXIDs are unique within a document (§3.2)',
    },
    'spdx-2.2-package-licenses': {
      mutate: (d) => {
        spdx22(d);
        delete d.packages[0].licenseConcluded;
      },
      code: 'schema-required',
      path: '/packages/0/licenseConcluded',
      reason: 'SPDX 2.2 makes the concluded licence mandatory',
    },
    'file-without-checksum': {
      mutate: (d) => (d.files = [{ SPDXID: 'SPDXRef-f', fileName: './a' }]),
      code: 'schema-required',
      path: '/files/0/checksums',
      reason: 'a file has at least a SHA1 checksum (§8.4)',
    },
  },
});

// ---------------------------------------------------------------- SPDX tag-value
const tagValue = [
  'SPDXVersion: SPDX-2.3',
  'DataLicense: CC0-1.0',
  'SPDXID: SPDXRef-DOCUMENT',
  'DocumentName: example-image',
  'DocumentNamespace: https://example.com/spdx/example-image-tv',
  'Creator: Tool: cosign-2.4.1',
  'Created: 2026-01-01T00:00:00Z',
  '',
  '## Packages',
  'PackageName: example-image',
  'SPDXID: SPDXRef-image',
  'PackageDownloadLocation: NOASSERTION',
  'PrimaryPackagePurpose: CONTAINER',
  `ExternalRef: PACKAGE-MANAGER purl pkg:oci/example-image@sha256%3A${HEX('a')}`,
  'PackageLicenseConcluded: MIT',
  'PackageCopyrightText: <text>Copyright Example',
  'second line</text>',
  '',
  'Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-image',
  '',
].join('\n');
const tvSet = set('spdx-tag-value', 'sbom', 'spdx', tagValue, {
  mediaType: 'text/spdx',
  valid: {
    minimal: {
      format: 'spdx',
      subjects: [IMAGE],
      summary: {
        specVersion: 'SPDX-2.3',
        documentName: 'example-image',
        tool: 'cosign',
        toolVersion: '2.4.1',
        componentCount: 1,
        licenseCount: 1,
        serialization: 'tag-value',
      },
    },
  },
  invalid: {
    syntax: {
      mutate: (t) => t.replace('DataLicense: CC0-1.0', 'DataLicense CC0-1.0'),
      format: 'spdx',
      code: 'spdx-tv-syntax',
      path: '',
      reason: 'every line is "Tag: value"',
    },
    'unclosed-text': {
      mutate: (t) => t.replace('second line</text>', 'second line'),
      format: 'spdx',
      code: 'spdx-tv-syntax',
      path: '',
      reason: '<text> must be closed',
    },
    'missing-namespace': {
      mutate: (t) => t.replace(/DocumentNamespace:.*\n/, ''),
      format: 'spdx',
      code: 'schema-required',
      path: '/documentNamespace',
      reason: 'DocumentNamespace is mandatory',
    },
    'package-download-location': {
      mutate: (t) => t.replace('PackageDownloadLocation: NOASSERTION\n', ''),
      format: 'spdx',
      code: 'schema-required',
      path: '/packages/0/downloadLocation',
      reason: 'PackageDownloadLocation is mandatory',
    },
    'unknown-version': {
      mutate: (t) => t.replace('SPDX-2.3', 'SPDX-9.9'),
      mediaType: '',
      format: 'spdx',
      code: 'unsupported-version',
      path: '/spdxVersion',
      reason: 'an SPDX version custody has no rules for is reported, not hidden',
    },
  },
});

// ---------------------------------------------------------------- SPDX 3.0 JSON-LD
const spdx3Doc = {
  '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
  '@graph': [
    { type: 'CreationInfo', '@id': '_:creationinfo', specVersion: '3.0.1', created: '2026-01-01T00:00:00Z', createdBy: ['https://example.com/tool'] },
    { type: 'Tool', spdxId: 'https://example.com/tool', name: 'example-tool', creationInfo: '_:creationinfo' },
    {
      type: 'SpdxDocument',
      spdxId: 'https://example.com/doc',
      name: 'example-image',
      creationInfo: '_:creationinfo',
      rootElement: ['https://example.com/pkg'],
    },
    {
      type: 'software_Package',
      spdxId: 'https://example.com/pkg',
      name: 'example-image',
      creationInfo: '_:creationinfo',
      software_primaryPurpose: 'container',
      software_packageUrl: `pkg:oci/example-image@sha256%3A${HEX('a')}`,
    },
    { type: 'simplelicensing_LicenseExpression', spdxId: 'https://example.com/lic', creationInfo: '_:creationinfo', simplelicensing_licenseExpression: 'MIT' },
  ],
};
const spdx3Set = set('spdx3', 'sbom', 'json', spdx3Doc, {
  valid: {
    minimal: {
      format: 'spdx',
      subjects: [IMAGE],
      summary: { specVersion: 'SPDX-3.0.1', documentName: 'example-image', tool: 'example-tool', componentCount: 1, licenseCount: 1 },
    },
  },
  invalid: {
    context: {
      mutate: (d) => (d['@context'] = 'https://spdx.org/rdf/9.9/spdx-context.jsonld'),
      mediaType: 'application/spdx+json',
      format: 'spdx',
      code: 'schema-required',
      path: '/spdxVersion',
      reason: 'without an SPDX 3 @context, an application/spdx+json document is read as SPDX 2, which it is not',
    },
    'element-without-spdxid': {
      mutate: (d) => delete d['@graph'][3].spdxId,
      format: 'spdx',
      code: 'schema-required',
      path: '/@graph/3/spdxId',
      reason: 'every Element has an spdxId',
    },
    'spec-version': {
      mutate: (d) => (d['@graph'][0].specVersion = '2.3'),
      format: 'spdx',
      code: 'schema-pattern',
      path: '/@graph/0/specVersion',
      reason: 'CreationInfo.specVersion is 3.x.y',
    },
    'unresolved-creation-info': {
      mutate: (d) => (d['@graph'][3].creationInfo = '_:other'),
      format: 'spdx',
      code: 'spdx3-unresolved-reference',
      path: '/@graph/3/creationInfo',
      reason: 'creationInfo names a CreationInfo of the graph',
    },
  },
});

// ---------------------------------------------------------------- CycloneDX
const cdxDoc = {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  version: 1,
  metadata: {
    timestamp: '2026-01-01T00:00:00Z',
    tools: { components: [{ type: 'application', name: 'trivy', version: '0.58.0' }] },
    component: { type: 'container', name: 'example-image', purl: `pkg:oci/example-image@sha256%3A${HEX('a')}` },
  },
  components: [
    {
      type: 'library',
      name: 'musl',
      version: '1.2.5',
      licenses: [{ license: { id: 'MIT' } }],
      components: [{ type: 'library', name: 'musl-utils', version: '1.2.5' }],
    },
  ],
};
const cdxVex = (d) => {
  delete d.components;
  d.vulnerabilities = [
    { id: 'CVE-2024-0001', analysis: { state: 'not_affected', justification: 'code_not_reachable' }, affects: [{ ref: 'example-image' }] },
    { id: 'CVE-2024-0002', analysis: { state: 'exploitable' }, affects: [{ ref: 'example-image' }] },
  ];
  return d;
};
const cdxSet = set('cyclonedx', 'sbom', 'json', cdxDoc, {
  valid: {
    'minimal-1.6': {
      subjects: [IMAGE],
      summary: { specVersion: '1.6', documentName: 'example-image', tool: 'trivy', toolVersion: '0.58.0', componentCount: 2, licenseCount: 1 },
    },
    'tools-array-1.4': {
      mutate: (d) => {
        d.specVersion = '1.4';
        d.metadata.tools = [{ vendor: 'CycloneDX', name: 'cyclonedx-gomod', version: 'v1.4.0' }];
      },
      summary: { specVersion: '1.4', tool: 'cyclonedx-gomod', toolVersion: 'v1.4.0' },
    },
    'vex-1.6': { mutate: cdxVex, kind: 'vex', summary: { statementCount: 2, statusCounts: { not_affected: 1, exploitable: 1 } } },
  },
  invalid: {
    'bom-format': {
      mutate: (d) => (d.bomFormat = 'SPDX'),
      mediaType: 'application/vnd.cyclonedx+json',
      code: 'schema-enum',
      path: '/bomFormat',
      reason: 'bomFormat is CycloneDX',
    },
    'no-json-schema-for-1.1': {
      mutate: (d) => (d.specVersion = '1.1'),
      code: 'unsupported-version',
      path: '/specVersion',
      reason: 'CycloneDX 1.0 and 1.1 exist only as XML',
    },
    'component-type': {
      mutate: (d) => (d.components[0].type = 'thing'),
      code: 'schema-enum',
      path: '/components/0/type',
      reason: 'component types are enumerated',
    },
    'serial-number': { mutate: (d) => (d.serialNumber = 'urn:uuid:1234'), code: 'schema-pattern', path: '/serialNumber', reason: 'serialNumber is a urn:uuid' },
    'licence-id': {
      mutate: (d) => (d.components[0].licenses[0].license.id = 'MIT-ish'),
      code: 'schema-enum',
      path: '/components/0/licenses/0/license/id',
      reason: 'license ids come from the SPDX list',
    },
    'duplicate-component': {
      mutate: (d) => d.components.push(clone(d.components[0])),
      code: 'schema-unique-items',
      path: '/components',
      reason: 'components are unique (checked by hashing, not pairwise)',
    },
  },
});

// ---------------------------------------------------------------- in-toto Statement
const slsa1 = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'ghcr.io/example/app', digest: { sha256: HEX('a') } }],
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: {
    buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1', externalParameters: { workflow: { ref: 'refs/heads/main' } } },
    runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' }, metadata: { invocationId: 'run-1' } },
  },
};
const slsa02 = (d) => {
  d._type = 'https://in-toto.io/Statement/v0.1';
  d.predicateType = 'https://slsa.dev/provenance/v0.2';
  d.predicate = {
    builder: { id: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.0.0' },
    buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
    materials: [],
  };
};
const vsa = (d) => {
  d.predicateType = 'https://slsa.dev/verification_summary/v1';
  d.predicate = {
    verifier: { id: 'https://example.com/verifier' },
    timeVerified: '2026-01-01T00:00:00Z',
    resourceUri: 'oci://ghcr.io/example/app',
    policy: { uri: 'https://example.com/policy' },
    verificationResult: 'PASSED',
    verifiedLevels: ['SLSA_BUILD_LEVEL_3'],
  };
};
const spdxPredicate = (d) => {
  d.predicateType = 'https://spdx.dev/Document';
  d.predicate = clone(spdxDoc);
};
const inTotoSet = set('in-toto', 'attestation', 'json', slsa1, {
  valid: {
    'slsa-v1': {
      subjects: [IMAGE],
      summary: {
        predicateType: 'https://slsa.dev/provenance/v1',
        predicateKind: 'slsa-provenance',
        builderId: 'https://github.com/actions/runner/github-hosted',
        subjectCount: 1,
      },
    },
    'slsa-v0.2': { mutate: slsa02, summary: { statementType: 'https://in-toto.io/Statement/v0.1', slsaVersion: 'v0.2' } },
    'vsa-v1': { mutate: vsa, summary: { predicateKind: 'slsa-vsa', verificationResult: 'PASSED' } },
    'spdx-predicate': { mutate: spdxPredicate, summary: { predicateKind: 'spdx', sbom: { componentCount: 2 } } },
  },
  invalid: {
    'statement-type': {
      mutate: (d) => (d._type = 'https://in-toto.io/Statement/v2'),
      code: 'unsupported-version',
      path: '/_type',
      reason: 'only Statement v0.1 and v1 are known: another version is reported, not hidden',
    },
    'no-subject': { mutate: (d) => delete d.subject, code: 'schema-required', path: '/subject', reason: 'subject is required' },
    'empty-subject': { mutate: (d) => (d.subject = []), code: 'schema-min-items', path: '/subject', reason: 'at least one subject' },
    'subject-without-digest': {
      mutate: (d) => delete d.subject[0].digest,
      code: 'schema-required',
      path: '/subject/0/digest',
      reason: 'each subject MUST have a digest',
    },
    'digest-not-hex': {
      mutate: (d) => (d.subject[0].digest.sha256 = 'A'.repeat(64)),
      code: 'schema-pattern',
      path: '/subject/0/digest/sha256',
      reason: 'sha256 is 64 lower-case hex digits',
    },
    'predicate-type-uri': {
      mutate: (d) => (d.predicateType = 'provenance'),
      code: 'schema-format',
      path: '/predicateType',
      reason: 'predicateType is a TypeURI',
    },
    'predicate-not-object': { mutate: (d) => (d.predicate = 'x'), code: 'schema-type', path: '/predicate', reason: 'predicate is an object' },
    'slsa-v1-builder-id': {
      mutate: (d) => delete d.predicate.runDetails.builder.id,
      code: 'schema-required',
      path: '/predicate/runDetails/builder/id',
      reason: 'SLSA v1 runDetails.builder.id is required',
    },
    'slsa-v0.2-build-type': {
      mutate: (d) => {
        slsa02(d);
        delete d.predicate.buildType;
      },
      code: 'schema-required',
      path: '/predicate/buildType',
      reason: 'SLSA v0.2 buildType is required',
    },
    'vsa-result': {
      mutate: (d) => {
        vsa(d);
        d.predicate.verificationResult = 'MAYBE';
      },
      code: 'schema-enum',
      path: '/predicate/verificationResult',
      reason: 'VSA verificationResult is PASSED or FAILED',
    },
    'spdx-predicate': {
      mutate: (d) => {
        spdxPredicate(d);
        d.predicate.dataLicense = 'MIT';
      },
      code: 'schema-const',
      path: '/predicate/dataLicense',
      reason: 'an SPDX predicate is checked as an SPDX document',
    },
    'subject-mismatch': {
      imageDigests: [D('b')],
      code: 'subject-mismatch',
      path: '',
      reason: 'the statement names another image than the one it is archived for',
    },
  },
});

// ---------------------------------------------------------------- DSSE
const dsseDoc = { payloadType: 'application/vnd.in-toto+json', payload: b64(slsa1), signatures: [{ keyid: 'key-1', sig: b64('signature-bytes') }] };
const dsseSet = set('dsse', 'attestation', 'json', dsseDoc, {
  valid: {
    'in-toto-slsa-v1': {
      subjects: [IMAGE],
      summary: { payloadType: 'application/vnd.in-toto+json', signatureCount: 1, keyIds: ['key-1'], predicateType: 'https://slsa.dev/provenance/v1' },
    },
  },
  invalid: {
    'no-payload-type': {
      mutate: (d) => delete d.payloadType,
      mediaType: 'application/vnd.dsse.envelope.v1+json',
      code: 'schema-required',
      path: '/payloadType',
      reason: 'payloadType is required',
    },
    'no-signatures': { mutate: (d) => (d.signatures = []), code: 'schema-min-items', path: '/signatures', reason: 'an envelope has at least one signature' },
    'signature-not-base64': {
      mutate: (d) => (d.signatures[0].sig = 'not base64!'),
      code: 'schema-pattern',
      path: '/signatures/0/sig',
      reason: 'sig is base64',
    },
    'payload-not-base64': { mutate: (d) => (d.payload = 'eyJ!!'), code: 'schema-pattern', path: '/payload', reason: 'payload is base64' },
    'payload-not-json': { mutate: (d) => (d.payload = b64('not json')), code: 'dsse-payload-not-json', path: '/payload', reason: 'an in-toto payload is JSON' },
    'statement-inside': {
      mutate: (d) => (d.payload = b64({ ...slsa1, _type: 'nope' })),
      code: 'schema-enum',
      path: '/payload/_type',
      reason: 'the statement inside is checked as a statement',
    },
  },
});

// ---------------------------------------------------------------- Sigstore bundle
const tlog = (version) => ({
  logIndex: '42',
  logId: { keyId: b64('log-key-id') },
  kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
  integratedTime: '1767225600',
  ...(version === '0.1' ? { inclusionPromise: { signedEntryTimestamp: b64('set') } } : {}),
  ...(version !== '0.1'
    ? {
        inclusionProof: {
          logIndex: '42',
          rootHash: b64('root'),
          treeSize: '43',
          hashes: [b64('h')],
          checkpoint: { envelope: 'rekor.sigstore.dev - 1\n43\nroot\n' },
        },
      }
    : {}),
  canonicalizedBody: b64('{}'),
});
const bundleDoc = {
  mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  verificationMaterial: { publicKey: { hint: 'key-hint-1' }, tlogEntries: [tlog('0.3')] },
  messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.from(HEX('a'), 'hex').toString('base64') }, signature: b64('signature-bytes') },
};
const bundleDsse = (d) => {
  delete d.messageSignature;
  d.dsseEnvelope = { payloadType: 'application/vnd.in-toto+json', payload: b64(slsa1), signatures: [{ keyid: '', sig: b64('sig') }] };
};
const bundleSet = set('sigstore-bundle', 'signature', 'json', bundleDoc, {
  valid: {
    'v0.3-message-signature': {
      subjects: [IMAGE],
      summary: { bundleVersion: '0.3', content: 'messageSignature', keyHint: 'key-hint-1', signedDigest: IMAGE, tlogEntryCount: 1 },
    },
    'v0.3-dsse': {
      mutate: bundleDsse,
      kind: 'attestation',
      subjects: [IMAGE],
      summary: { content: 'dsseEnvelope', predicateType: 'https://slsa.dev/provenance/v1' },
    },
    'v0.1': {
      mutate: (d) => {
        d.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
        d.verificationMaterial.tlogEntries = [tlog('0.1')];
      },
      summary: { bundleVersion: '0.1' },
    },
    'v0.2-media-type-param': {
      mutate: (d) => (d.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2'),
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.2',
      summary: { bundleVersion: '0.2' },
    },
  },
  invalid: {
    'media-type': {
      mutate: (d) => (d.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=9.9'),
      code: 'schema-enum',
      path: '/mediaType',
      reason: 'only bundle versions 0.1 to 0.3 are known',
    },
    'no-verification-material': {
      mutate: (d) => delete d.verificationMaterial,
      code: 'schema-required',
      path: '/verificationMaterial',
      reason: 'verificationMaterial is required',
    },
    'no-content': {
      mutate: (d) => delete d.messageSignature,
      code: 'sigstore-bundle-content',
      path: '/messageSignature',
      reason: 'a bundle holds a message signature or a DSSE envelope',
    },
    'two-contents': {
      mutate: (d) => {
        d.dsseEnvelope = { payloadType: 'text/plain', payload: b64('x'), signatures: [{ sig: b64('s') }] };
      },
      code: 'sigstore-bundle-content',
      path: '/dsseEnvelope',
      reason: 'not both',
    },
    'two-key-materials': {
      mutate: (d) => (d.verificationMaterial.certificate = { rawBytes: b64('cert') }),
      code: 'sigstore-bundle-verification-material',
      path: '/verificationMaterial/certificate',
      reason: 'exactly one of publicKey, x509CertificateChain, certificate',
    },
    'v0.3-certificate-chain': {
      mutate: (d) => {
        delete d.verificationMaterial.publicKey;
        d.verificationMaterial.x509CertificateChain = { certificates: [{ rawBytes: b64('cert') }] };
      },
      code: 'schema-not',
      path: '/verificationMaterial',
      reason: 'v0.3 bundles carry a single certificate, not a chain',
    },
    'empty-certificate-chain': {
      mutate: (d) => {
        d.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2';
        delete d.verificationMaterial.publicKey;
        d.verificationMaterial.x509CertificateChain = { certificates: [] };
      },
      code: 'schema-min-items',
      path: '/verificationMaterial/x509CertificateChain/certificates',
      reason: 'a chain has at least one certificate',
    },
    'v0.2-no-inclusion-proof': {
      mutate: (d) => {
        d.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.2';
        delete d.verificationMaterial.tlogEntries[0].inclusionProof;
      },
      code: 'schema-required',
      path: '/verificationMaterial/tlogEntries/0/inclusionProof',
      reason: 'v0.2+ log entries carry an inclusion proof',
    },
    'v0.1-no-inclusion-promise': {
      mutate: (d) => {
        d.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
      },
      code: 'schema-required',
      path: '/verificationMaterial/tlogEntries/0/inclusionPromise',
      reason: 'v0.1 log entries carry an inclusion promise',
    },
    'digest-algorithm': {
      mutate: (d) => (d.messageSignature.messageDigest.algorithm = 'MD5'),
      code: 'schema-enum',
      path: '/messageSignature/messageDigest/algorithm',
      reason: 'hash algorithms from the protobuf-specs enum',
    },
    'signature-not-base64': {
      mutate: (d) => (d.messageSignature.signature = 'INVALID!!!'),
      code: 'schema-pattern',
      path: '/messageSignature/signature',
      reason: 'bytes fields are base64',
    },
    'dsse-two-signatures': {
      kind: 'attestation',
      mutate: (d) => {
        bundleDsse(d);
        d.dsseEnvelope.signatures.push({ sig: b64('second') });
      },
      code: 'schema-max-items',
      path: '/dsseEnvelope/signatures',
      reason: 'a bundle envelope has exactly one signature',
    },
    'dsse-statement': {
      kind: 'attestation',
      mutate: (d) => {
        bundleDsse(d);
        d.dsseEnvelope.payload = b64({ ...slsa1, subject: [] });
      },
      code: 'schema-min-items',
      path: '/dsseEnvelope/payload/subject',
      reason: 'the statement inside is checked',
    },
  },
});

// ---------------------------------------------------------------- cosign simple signing
const payloadDoc = {
  critical: { identity: { 'docker-reference': 'ghcr.io/example/app' }, image: { 'docker-manifest-digest': IMAGE }, type: 'cosign container image signature' },
  optional: { creator: 'ci' },
};
const SIG_ANN = { 'dev.cosignproject.cosign/signature': b64('signature-bytes') };
const containersForm = (payload, extra = {}) =>
  Buffer.concat([
    Buffer.from('\u0000sigstore-json\n'),
    Buffer.from(JSON.stringify({ mimeType: 'application/vnd.dev.cosign.simplesigning.v1+json', payload: b64(payload), annotations: { ...SIG_ANN }, ...extra })),
  ]);
const cosignSet = set('cosign-simplesigning', 'signature', 'json', payloadDoc, {
  mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
  valid: {
    payload: { subjects: [IMAGE], summary: { signedDigest: IMAGE, dockerReference: 'ghcr.io/example/app', form: 'payload' } },
    'signature-layer': { annotations: SIG_ANN, summary: { signedDigest: IMAGE, signaturePresent: true, signer: 'key', form: 'signature-layer' } },
    'containers-sigstore': {
      extension: 'sig',
      bytes: () => containersForm(payloadDoc),
      mediaType: '',
      subjects: [IMAGE],
      summary: { form: 'containers-sigstore', signedDigest: IMAGE },
    },
  },
  invalid: {
    'signature-type': {
      mutate: (d) => (d.critical.type = 'my signature'),
      code: 'schema-enum',
      path: '/critical/type',
      reason: 'type is "cosign container image signature" (or the atomic one)',
    },
    'manifest-digest': {
      mutate: (d) => (d.critical.image['docker-manifest-digest'] = 'sha256:abc'),
      code: 'schema-pattern',
      path: '/critical/image/docker-manifest-digest',
      reason: 'the signed digest is an OCI digest',
    },
    'no-identity': { mutate: (d) => delete d.critical.identity, code: 'schema-required', path: '/critical/identity', reason: 'critical.identity is required' },
    'layer-without-signature': {
      annotations: { 'dev.sigstore.cosign/bundle': '{}' },
      code: 'schema-required',
      path: '/annotations/dev.cosignproject.cosign~1signature',
      reason: 'a signature layer carries its signature annotation',
    },
    'containers-mime-type': {
      extension: 'sig',
      bytes: () => containersForm(payloadDoc, { mimeType: 'text/plain' }),
      mediaType: '',
      code: 'schema-const',
      path: '/mimeType',
      reason: 'the on-disk form wraps a simple-signing payload',
    },
    'containers-payload': {
      extension: 'sig',
      bytes: () => containersForm({ critical: { type: 'cosign container image signature' } }),
      mediaType: '',
      code: 'schema-required',
      path: '/payload/critical/image',
      reason: 'the wrapped payload is checked too',
    },
  },
});

// ---------------------------------------------------------------- Notation
const notaryProtected = {
  alg: 'ES256',
  crit: ['io.cncf.notary.signingScheme'],
  cty: 'application/vnd.cncf.notary.payload.v1+json',
  'io.cncf.notary.signingScheme': 'notary.x509',
  'io.cncf.notary.signingTime': '2026-01-01T00:00:00Z',
};
const notaryPayload = { targetArtifact: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: IMAGE, size: 1234 } };
const jwsDoc = {
  payload: b64url(notaryPayload),
  protected: b64url(notaryProtected),
  header: { x5c: [b64('not-a-real-certificate')], 'io.cncf.notary.signingAgent': 'notation-go/1.3.0' },
  signature: b64url('signature'),
};
const notationSet = set('notation', 'signature', 'json', jwsDoc, {
  mediaType: 'application/jose+json',
  valid: {
    jws: { subjects: [IMAGE], summary: { envelope: 'jws', signedDigest: IMAGE, signingScheme: 'notary.x509', signingAgent: 'notation-go/1.3.0' } },
    cose: { extension: 'cose', bytes: () => Buffer.from([0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40]), mediaType: 'application/cose', summary: { envelope: 'cose' } },
  },
  invalid: {
    'no-certificate-chain': {
      mutate: (d) => (d.header.x5c = []),
      code: 'schema-min-items',
      path: '/header/x5c',
      reason: 'the unprotected header carries the signing chain',
    },
    'content-type': {
      mutate: (d) => (d.protected = b64url({ ...notaryProtected, cty: 'application/json' })),
      mediaType: 'application/vnd.cncf.notary.signature',
      code: 'schema-const',
      path: '/protected/cty',
      reason: 'the payload content type is the Notary payload',
    },
    'signing-scheme': {
      mutate: (d) => (d.protected = b64url({ ...notaryProtected, 'io.cncf.notary.signingScheme': 'x509' })),
      code: 'schema-enum',
      path: '/protected/io.cncf.notary.signingScheme',
      reason: 'notary.x509 or notary.x509.signingAuthority',
    },
    'target-digest': {
      mutate: (d) => (d.payload = b64url({ targetArtifact: { ...notaryPayload.targetArtifact, digest: 'sha256:xyz' } })),
      code: 'schema-pattern',
      path: '/payload/targetArtifact/digest',
      reason: 'the signed artifact is named by digest',
    },
    'cose-not-sign1': {
      extension: 'cose',
      bytes: () => Buffer.from([0x01, 0x02, 0x03]),
      mediaType: 'application/cose',
      code: 'notation-cose-not-sign1',
      path: '',
      reason: 'COSE envelopes are COSE_Sign1',
    },
  },
});

// ---------------------------------------------------------------- SARIF
const sarifDoc = {
  $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
  version: '2.1.0',
  runs: [
    {
      tool: {
        driver: {
          name: 'Trivy',
          version: '0.58.0',
          rules: [
            { id: 'CVE-2024-0001', properties: { 'security-severity': '9.8' } },
            { id: 'CVE-2024-0002', properties: { 'security-severity': '5.0' } },
          ],
        },
      },
      invocations: [{ executionSuccessful: true, endTimeUtc: '2026-01-01T00:00:00Z' }],
      results: [
        { ruleId: 'CVE-2024-0001', level: 'error', message: { text: 'critical' } },
        { ruleId: 'CVE-2024-0002', level: 'warning', message: { text: 'medium' } },
        { ruleId: 'lint', level: 'note', message: { text: 'note' } },
      ],
    },
  ],
};
const sarifSet = set('sarif', 'scan', 'json', sarifDoc, {
  valid: {
    'minimal-2.1.0': {
      summary: {
        scanner: 'Trivy',
        scannerVersion: '0.58.0',
        scanTime: '2026-01-01T00:00:00Z',
        severityCounts: { CRITICAL: 1, HIGH: 0, MEDIUM: 1, LOW: 1, UNKNOWN: 0 },
        fixableCount: null,
      },
    },
  },
  invalid: {
    'version-2.2': {
      mutate: (d) => (d.version = '2.2'),
      code: 'unsupported-version',
      path: '/version',
      reason: 'custody validates SARIF 2.1.0; another version is reported as such',
    },
    'no-runs': { mutate: (d) => delete d.runs, code: 'schema-required', path: '/runs', reason: 'runs is required' },
    'driver-name': {
      mutate: (d) => delete d.runs[0].tool.driver.name,
      code: 'schema-required',
      path: '/runs/0/tool/driver/name',
      reason: 'the tool driver has a name',
    },
    'result-level': {
      mutate: (d) => (d.runs[0].results[0].level = 'fatal'),
      code: 'schema-enum',
      path: '/runs/0/results/0/level',
      reason: 'levels: none, note, warning, error',
    },
    'result-message': {
      mutate: (d) => delete d.runs[0].results[0].message,
      code: 'schema-required',
      path: '/runs/0/results/0/message',
      reason: 'a result has a message',
    },
  },
});

// ---------------------------------------------------------------- Trivy
const trivyDoc = {
  SchemaVersion: 2,
  CreatedAt: '2026-01-01T00:00:00Z',
  ArtifactName: 'ghcr.io/example/app:1.0',
  ArtifactType: 'container_image',
  Metadata: { RepoDigests: [`ghcr.io/example/app@${IMAGE}`], ImageID: D('c') },
  Trivy: { Version: '0.58.0' },
  Results: [
    {
      Target: 'ghcr.io/example/app:1.0 (alpine 3.20)',
      Class: 'os-pkgs',
      Type: 'alpine',
      Vulnerabilities: [
        { VulnerabilityID: 'CVE-2024-0001', PkgName: 'musl', InstalledVersion: '1.2.4', FixedVersion: '1.2.5', Status: 'fixed', Severity: 'CRITICAL' },
        { VulnerabilityID: 'CVE-2024-0002', PkgName: 'busybox', InstalledVersion: '1.36', Status: 'affected', Severity: 'LOW' },
      ],
    },
  ],
};
const trivySet = set('trivy', 'scan', 'json', trivyDoc, {
  valid: {
    'image-report': {
      subjects: [IMAGE],
      summary: {
        scanner: 'trivy',
        scannerVersion: '0.58.0',
        scanTime: '2026-01-01T00:00:00Z',
        severityCounts: { CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 1, UNKNOWN: 0 },
        fixableCount: 1,
      },
    },
  },
  invalid: {
    'schema-version': { mutate: (d) => (d.SchemaVersion = 1), code: 'schema-const', path: '/SchemaVersion', reason: 'custody reads SchemaVersion 2 reports' },
    'no-artifact-name': { mutate: (d) => delete d.ArtifactName, code: 'schema-required', path: '/ArtifactName', reason: 'ArtifactName is always written' },
    severity: {
      mutate: (d) => (d.Results[0].Vulnerabilities[0].Severity = 'SEVERE'),
      code: 'schema-enum',
      path: '/Results/0/Vulnerabilities/0/Severity',
      reason: "Trivy's severity scale",
    },
    'no-target': { mutate: (d) => delete d.Results[0].Target, code: 'schema-required', path: '/Results/0/Target', reason: 'each result names its target' },
    status: {
      mutate: (d) => (d.Results[0].Vulnerabilities[1].Status = 'open'),
      code: 'schema-enum',
      path: '/Results/0/Vulnerabilities/1/Status',
      reason: "Trivy's status list",
    },
    'created-at': { mutate: (d) => (d.CreatedAt = 'today'), code: 'schema-format', path: '/CreatedAt', reason: 'CreatedAt is RFC 3339' },
  },
});

// ---------------------------------------------------------------- Grype / syft
const anchoreSource = {
  type: 'image',
  target: { userInput: 'ghcr.io/example/app:1.0', imageID: D('c'), manifestDigest: IMAGE, repoDigests: [`ghcr.io/example/app@${IMAGE}`] },
};
const grypeDoc = {
  matches: [
    {
      vulnerability: { id: 'CVE-2024-0001', severity: 'High', fix: { versions: ['1.2.5'], state: 'fixed' } },
      artifact: { name: 'musl', version: '1.2.4', type: 'apk' },
      matchDetails: [],
    },
    {
      vulnerability: { id: 'GHSA-xxxx', severity: 'Negligible', fix: { versions: [], state: 'not-fixed' } },
      artifact: { name: 'busybox', version: '1.36', type: 'apk' },
      matchDetails: [],
    },
  ],
  source: anchoreSource,
  distro: { name: 'alpine', version: '3.20' },
  descriptor: { name: 'grype', version: '0.86.0', timestamp: '2026-01-01T00:00:00Z' },
};
const grypeSet = set('grype', 'scan', 'json', grypeDoc, {
  valid: {
    'image-report': {
      subjects: [IMAGE],
      summary: {
        scanner: 'grype',
        scannerVersion: '0.86.0',
        scanTime: '2026-01-01T00:00:00Z',
        severityCounts: { CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 1, UNKNOWN: 0 },
        fixableCount: 1,
      },
    },
  },
  invalid: {
    'no-descriptor': {
      mutate: (d) => {
        delete d.descriptor;
      },
      code: 'schema-required',
      path: '/descriptor',
      reason: 'the descriptor names grype and its version',
    },
    'artifact-name': {
      mutate: (d) => delete d.matches[0].artifact.name,
      code: 'schema-required',
      path: '/matches/0/artifact/name',
      reason: 'each match names the artifact',
    },
    'fix-state': {
      mutate: (d) => (d.matches[0].vulnerability.fix.state = 'maybe'),
      code: 'schema-enum',
      path: '/matches/0/vulnerability/fix/state',
      reason: "grype's fix states",
    },
  },
});
const syftDoc = {
  artifacts: [
    {
      id: '1',
      name: 'musl',
      version: '1.2.5',
      type: 'apk',
      purl: 'pkg:apk/alpine/musl@1.2.5',
      licenses: [{ value: 'MIT', spdxExpression: 'MIT', type: 'declared' }],
    },
    { id: '2', name: 'busybox', version: '1.36', type: 'apk', licenses: ['GPL-2.0-only'] },
  ],
  artifactRelationships: [],
  source: anchoreSource,
  distro: { prettyName: 'Alpine Linux v3.20', name: 'Alpine Linux' },
  descriptor: { name: 'syft', version: '1.18.0' },
  schema: { version: '16.0.21', url: 'https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-16.0.21.json' },
};
const syftSet = set('syft', 'sbom', 'json', syftDoc, {
  valid: {
    'image-sbom': {
      subjects: [IMAGE],
      summary: { specVersion: '16.0.21', tool: 'syft', toolVersion: '1.18.0', componentCount: 2, licenseCount: 2, documentName: 'ghcr.io/example/app:1.0' },
    },
  },
  invalid: {
    'no-schema': { mutate: (d) => delete d.schema, code: 'schema-required', path: '/schema', reason: 'syft always writes its schema version' },
    'artifact-type': { mutate: (d) => delete d.artifacts[0].type, code: 'schema-required', path: '/artifacts/0/type', reason: 'each artifact has a type' },
  },
});

// ---------------------------------------------------------------- Clair
const clairDoc = {
  manifest_hash: IMAGE,
  packages: { 10: { id: '10', name: 'openssl', version: '3.0.1' }, 11: { id: '11', name: 'zlib', version: '1.2.11' } },
  distributions: { 1: { id: '1', did: 'alpine', version_id: '3.20' } },
  environments: { 10: [{ package_db: 'lib/apk/db/installed', distribution_id: '1' }] },
  vulnerabilities: {
    356835: { id: '356835', name: 'CVE-2024-0001', normalized_severity: 'High', fixed_in_version: '3.0.2' },
    356836: { id: '356836', name: 'CVE-2024-0002', normalized_severity: 'Medium', fixed_in_version: '' },
  },
  package_vulnerabilities: { 10: ['356835', '356836'], 11: ['356836'] },
};
const clairSet = set('clair', 'scan', 'json', clairDoc, {
  valid: {
    report: {
      subjects: [IMAGE],
      summary: { scanner: 'clair', severityCounts: { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 0, UNKNOWN: 0 }, vulnerabilityCount: 3, fixableCount: 1 },
    },
  },
  invalid: {
    'manifest-hash': {
      mutate: (d) => (d.manifest_hash = 'abc'),
      code: 'schema-pattern',
      path: '/manifest_hash',
      reason: 'manifest_hash is the indexed manifest digest',
    },
    'normalized-severity': {
      mutate: (d) => (d.vulnerabilities[356835].normalized_severity = 'Severe'),
      code: 'schema-enum',
      path: '/vulnerabilities/356835/normalized_severity',
      reason: "claircore's severity scale",
    },
    'package-vulnerabilities': {
      mutate: (d) => (d.package_vulnerabilities[10] = '356835'),
      code: 'schema-type',
      path: '/package_vulnerabilities/10',
      reason: 'each package maps to a list of vulnerability ids',
    },
  },
});

// ---------------------------------------------------------------- OpenVEX
const vexDoc = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.com/vex/2026-0001',
  author: 'Example Security',
  timestamp: '2026-01-01T00:00:00Z',
  version: 1,
  statements: [
    {
      vulnerability: { name: 'CVE-2024-0001' },
      products: [{ '@id': `pkg:oci/app@sha256%3A${HEX('a')}` }],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
    },
    { vulnerability: { name: 'CVE-2024-0002' }, products: [{ '@id': `pkg:oci/app@sha256%3A${HEX('a')}` }], status: 'affected', action_statement: 'upgrade' },
    { vulnerability: { name: 'CVE-2024-0003' }, products: [{ identifiers: { purl: 'pkg:apk/alpine/musl@1.2.5' } }], status: 'fixed' },
  ],
};
const vexSet = set('openvex', 'vex', 'json', vexDoc, {
  valid: { 'v0.2.0': { subjects: [IMAGE], summary: { statementCount: 3, statusCounts: { not_affected: 1, affected: 1, fixed: 1, under_investigation: 0 } } } },
  invalid: {
    status: { mutate: (d) => (d.statements[2].status = 'mitigated'), code: 'schema-enum', path: '/statements/2/status', reason: 'four statuses' },
    'not-affected-without-justification': {
      mutate: (d) => delete d.statements[0].justification,
      code: 'schema-any-of',
      path: '/statements/0',
      reason: 'not_affected needs a justification or an impact statement',
    },
    'affected-without-action': {
      mutate: (d) => delete d.statements[1].action_statement,
      code: 'schema-required',
      path: '/statements/1/action_statement',
      reason: 'affected needs an action statement',
    },
    'no-timestamp': { mutate: (d) => delete d.timestamp, code: 'schema-required', path: '/timestamp', reason: 'the document is dated' },
    'vulnerability-name': {
      mutate: (d) => (d.statements[2].vulnerability = { '@id': 'https://nvd.nist.gov/vuln/detail/CVE-2024-0003' }),
      code: 'schema-required',
      path: '/statements/2/vulnerability/name',
      reason: 'a vulnerability is named',
    },
    context: {
      mutate: (d) => (d['@context'] = 'https://example.com/ns'),
      mediaType: 'application/vnd.openvex+json',
      code: 'schema-pattern',
      path: '/@context',
      reason: 'the OpenVEX context',
    },
    'document-id': { mutate: (d) => (d['@id'] = 'vex 1'), code: 'schema-pattern', path: '/@id', reason: '@id is an absolute IRI' },
    'duplicate-statement': {
      mutate: (d) => d.statements.push(clone(d.statements[2])),
      code: 'schema-unique-items',
      path: '/statements',
      reason: 'statements are unique',
    },
  },
});

// ---------------------------------------------------------------- OCI manifest / index / config
const ociManifestDoc = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('c'), size: 1470 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D('d'), size: 3623807 }],
  annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
};
const manifestSet = set('oci-manifest', 'image', 'json', ociManifestDoc, {
  valid: {
    'oci-image': { summary: { layerCount: 1, layersSize: 3623807, config: { digest: D('c') } } },
    'docker-v2s2': {
      mutate: (d) => {
        d.mediaType = 'application/vnd.docker.distribution.manifest.v2+json';
        d.config.mediaType = 'application/vnd.docker.container.image.v1+json';
        d.layers[0].mediaType = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
        delete d.annotations;
      },
    },
    'referrer-with-subject': {
      mutate: (d) => {
        d.artifactType = 'application/vnd.example.sbom';
        d.config = {
          mediaType: 'application/vnd.oci.empty.v1+json',
          digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
          size: 2,
        };
        d.subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: IMAGE, size: 1024 };
      },
      subjects: [IMAGE],
      summary: { artifactType: 'application/vnd.example.sbom' },
    },
  },
  invalid: {
    'schema-version': { mutate: (d) => (d.schemaVersion = 3), code: 'schema-const', path: '/schemaVersion', reason: 'schemaVersion is 2' },
    'config-digest': {
      mutate: (d) => (d.config.digest = 'sha256:ABC'),
      code: 'schema-pattern',
      path: '/config/digest',
      reason: 'sha256 digests are 64 lower-case hex digits',
    },
    'layer-size': { mutate: (d) => (d.layers[0].size = -1), code: 'schema-minimum', path: '/layers/0/size', reason: 'sizes are non-negative' },
    'no-layers': {
      mutate: (d) => delete d.layers,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      code: 'schema-required',
      path: '/layers',
      reason: 'layers is required',
    },
    'descriptor-media-type': {
      mutate: (d) => delete d.layers[0].mediaType,
      code: 'schema-required',
      path: '/layers/0/mediaType',
      reason: 'a descriptor has a mediaType',
    },
    'docker-layer-type': {
      mutate: (d) => {
        d.mediaType = 'application/vnd.docker.distribution.manifest.v2+json';
        d.config.mediaType = 'application/vnd.docker.container.image.v1+json';
        d.layers[0].mediaType = 'application/vnd.docker.image.rootfs.diff.tar.zstd';
      },
      code: 'schema-enum',
      path: '/layers/0/mediaType',
      reason: 'Docker schema 2 layer media types',
    },
    'docker-schema1': {
      mutate: () => ({ schemaVersion: 1, name: 'example/app', tag: 'latest', fsLayers: [], history: [] }),
      mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
      code: 'oci-manifest-schema1',
      path: '/schemaVersion',
      reason: 'Docker schema 1 is deprecated',
    },
  },
});
const ociIndexDoc = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('1'), size: 1000, platform: { architecture: 'amd64', os: 'linux' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('2'), size: 1000, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: D('3'),
      size: 800,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': D('1') },
    },
  ],
};
const indexSet = set('oci-index', 'image', 'json', ociIndexDoc, {
  valid: {
    'multi-arch-with-buildkit-attestation': { summary: { manifestCount: 3, platforms: ['linux/amd64', 'linux/arm64/v8'], attestationManifestCount: 1 } },
  },
  invalid: {
    'no-manifests': {
      mutate: (d) => delete d.manifests,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      code: 'schema-required',
      path: '/manifests',
      reason: 'manifests is required',
    },
    'platform-os': {
      mutate: (d) => delete d.manifests[0].platform.os,
      code: 'schema-required',
      path: '/manifests/0/platform/os',
      reason: 'a platform names its os',
    },
    'manifest-digest': {
      mutate: (d) => (d.manifests[1].digest = 'sha256:abc'),
      code: 'schema-pattern',
      path: '/manifests/1/digest',
      reason: 'descriptor digest grammar',
    },
  },
});
const ociConfigDoc = {
  created: '2026-01-01T00:00:00Z',
  architecture: 'amd64',
  os: 'linux',
  config: { User: '65532', Env: ['PATH=/usr/bin'], Entrypoint: ['/app'], Labels: { 'org.opencontainers.image.source': 'https://github.com/example/app' } },
  rootfs: { type: 'layers', diff_ids: [D('e')] },
  history: [{ created: '2026-01-01T00:00:00Z', created_by: 'COPY app /app' }],
};
const configSet = set('oci-config', 'image', 'json', ociConfigDoc, {
  valid: {
    'image-config': {
      summary: { user: '65532', labels: { 'org.opencontainers.image.source': 'https://github.com/example/app' }, historyCount: 1, layerCount: 1 },
    },
  },
  invalid: {
    'rootfs-type': {
      mutate: (d) => (d.rootfs.type = 'tarball'),
      mediaType: 'application/vnd.oci.image.config.v1+json',
      code: 'schema-const',
      path: '/rootfs/type',
      reason: 'rootfs.type is layers',
    },
    'diff-id': { mutate: (d) => (d.rootfs.diff_ids[0] = 'sha256:zz'), code: 'schema-pattern', path: '/rootfs/diff_ids/0', reason: 'diff_ids are digests' },
    'no-architecture': {
      mutate: (d) => delete d.architecture,
      mediaType: 'application/vnd.oci.image.config.v1+json',
      code: 'schema-required',
      path: '/architecture',
      reason: 'architecture is required',
    },
    created: { mutate: (d) => (d.created = 'last week'), code: 'schema-format', path: '/created', reason: 'created is RFC 3339' },
  },
});

// ---------------------------------------------------------------- npm attestations, GCB provenance
const npmBundle = (predicateType) => {
  const bundle = clone(bundleDoc);
  bundleDsse(bundle);
  bundle.dsseEnvelope.payload = b64({ ...slsa1, predicateType, subject: [{ name: 'pkg:npm/example@1.0.0', digest: { sha512: 'f'.repeat(128) } }] });
  return bundle;
};
const npmDoc = { attestations: [{ predicateType: 'https://slsa.dev/provenance/v1', bundle: npmBundle('https://slsa.dev/provenance/v1') }] };
const npmSet = set('npm-attestations', 'attestation', 'json', npmDoc, {
  valid: { provenance: { subjects: [`sha512:${'f'.repeat(128)}`], summary: { attestationCount: 1, predicateTypes: ['https://slsa.dev/provenance/v1'] } } },
  invalid: {
    'predicate-mismatch': {
      mutate: (d) => (d.attestations[0].predicateType = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1'),
      code: 'npm-predicate-mismatch',
      path: '/attestations/0/predicateType',
      reason: "the entry's predicateType is its statement's",
    },
    'bundle-media-type': {
      mutate: (d) => (d.attestations[0].bundle.mediaType = 'application/json'),
      code: 'schema-enum',
      path: '/attestations/0/bundle/mediaType',
      reason: 'each bundle is checked as a Sigstore bundle',
    },
  },
});
const gcbStatement = {
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: 'https://slsa.dev/provenance/v0.1',
  subject: [{ name: 'https://us-docker.pkg.dev/p/r/app:1', digest: { sha256: HEX('a') } }],
  predicate: {
    builder: { id: 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.3' },
    recipe: { type: 'https://cloudbuild.googleapis.com/CloudBuildYaml@v0.1' },
  },
};
const gcbDoc = {
  image_summary: { digest: IMAGE, fully_qualified_digest: `us-docker.pkg.dev/p/r/app@${IMAGE}` },
  provenance_summary: {
    provenance: [
      {
        envelope: { payloadType: 'application/vnd.in-toto+json', payload: b64(gcbStatement), signatures: [{ keyid: 'projects/p/keys/k', sig: b64('sig') }] },
        kind: 'BUILD',
      },
    ],
  },
};
const gcbSet = set('gcb-provenance', 'attestation', 'json', gcbDoc, {
  valid: {
    provenance: {
      subjects: [IMAGE],
      summary: { buildCount: 1, predicateType: 'https://slsa.dev/provenance/v0.1', builderId: 'https://cloudbuild.googleapis.com/GoogleHostedWorker@v0.3' },
    },
  },
  invalid: {
    'no-builds': {
      mutate: (d) => (d.provenance_summary.provenance = []),
      code: 'schema-min-items',
      path: '/provenance_summary/provenance',
      reason: 'at least one build provenance',
    },
    'envelope-signature': {
      mutate: (d) => (d.provenance_summary.provenance[0].envelope.signatures = []),
      code: 'schema-min-items',
      path: '/provenance_summary/provenance/0/envelope/signatures',
      reason: 'each envelope is checked as DSSE',
    },
    'image-digest': {
      mutate: (d) => (d.image_summary.digest = 'latest'),
      code: 'schema-pattern',
      path: '/image_summary/digest',
      reason: 'the image is named by digest',
    },
  },
});

export const SETS = [
  spdxSet,
  tvSet,
  spdx3Set,
  cdxSet,
  inTotoSet,
  dsseSet,
  bundleSet,
  cosignSet,
  notationSet,
  sarifSet,
  trivySet,
  grypeSet,
  syftSet,
  clairSet,
  vexSet,
  manifestSet,
  indexSet,
  configSet,
  npmSet,
  gcbSet,
];

/** Every fixture file as {relative path → bytes}, plus each directory's expected.json. */
export function buildFixtures() {
  const files = new Map();
  for (const s of SETS) {
    const expected = {};
    const emit = (prefix, name, spec, validity) => {
      const extension = spec.extension ?? s.extension;
      const file = `${prefix}-${name}.${extension}`;
      let bytes;
      if (spec.bytes) bytes = spec.bytes();
      else {
        let doc = clone(s.base);
        if (spec.mutate) {
          // Text is replaced by the mutation's result; a JSON document is changed in place,
          // unless the mutation takes no argument and returns a whole new document.
          const result = spec.mutate(doc);
          if (typeof doc === 'string' || spec.mutate.length === 0) doc = result;
        }
        bytes = Buffer.from(typeof doc === 'string' ? doc : json(doc));
      }
      files.set(`${s.format}/${file}`, bytes);
      const entry = { kind: spec.kind ?? s.kind, format: spec.format ?? s.format, valid: validity };
      const mediaType = spec.mediaType ?? s.mediaType;
      if (mediaType) entry.mediaType = mediaType;
      if (spec.annotations) entry.annotations = spec.annotations;
      if (spec.imageDigests) entry.imageDigests = spec.imageDigests;
      if (spec.subjects) entry.subjects = spec.subjects;
      if (spec.summary) entry.summary = spec.summary;
      if (!validity) Object.assign(entry, { code: spec.code, path: spec.path, reason: spec.reason });
      expected[file] = entry;
    };
    for (const [name, spec] of Object.entries(s.valid)) emit('valid', name, spec, true);
    for (const [name, spec] of Object.entries(s.invalid)) emit('invalid', name, spec, false);
    files.set(`${s.format}/expected.json`, Buffer.from(json(expected)));
  }
  return files;
}

function main() {
  const check = process.argv.includes('--check');
  const files = buildFixtures();
  let stale = 0;
  if (!check) rmSync(FIXTURES_DIR, { recursive: true, force: true });
  for (const [relative, bytes] of files) {
    const target = join(FIXTURES_DIR, relative);
    if (check) {
      if (!existsSync(target) || !readFileSync(target).equals(bytes)) {
        console.error(`stale: ${relative}`);
        stale++;
      }
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  if (check) {
    for (const dir of existsSync(FIXTURES_DIR) ? readdirSync(FIXTURES_DIR) : []) {
      for (const name of readdirSync(join(FIXTURES_DIR, dir))) {
        if (!files.has(`${dir}/${name}`)) {
          console.error(`extra: ${dir}/${name}`);
          stale++;
        }
      }
    }
    if (stale > 0) process.exit(1);
    console.log(`fixtures up to date (${files.size} files)`);
    return;
  }
  console.log(`wrote ${files.size} files under ${FIXTURES_DIR}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
