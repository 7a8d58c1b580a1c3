#!/usr/bin/env node
// Writes the example evidence under examples/evidence/ for a made-up image:
// an SPDX 2.3 SBOM, a CycloneDX 1.5 SBOM, an in-toto Statement v1 with SLSA
// provenance v1, a Trivy JSON report and an OpenVEX statement about one of
// its findings (zlib's CVE-2023-45853 does not affect the image); and under examples/evidence/next/
// the same for the image's next build (a new digest, openssl and express
// upgraded, cookie added, one finding fixed and one new), which the README's
// diff example compares with the first. Deterministic: rerunning it
// rewrites the same bytes.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'examples', 'evidence');

export const EXAMPLE_REPOSITORY = 'registry.example/acme/shop';
export const EXAMPLE_DIGEST = `sha256:${createHash('sha256').update('custody example image manifest').digest('hex')}`;
export const NEXT_DIGEST = `sha256:${createHash('sha256').update('custody example image manifest, next build').digest('hex')}`;

const FIRST_PACKAGES = [
  { name: 'openssl', version: '3.0.15-1~deb12u1', license: 'Apache-2.0', purl: 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?distro=debian-12' },
  { name: 'zlib1g', version: '1:1.2.13.dfsg-1', license: 'Zlib', purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12' },
  { name: 'express', version: '4.21.1', license: 'MIT', purl: 'pkg:npm/express@4.21.1' },
];

/** The four evidence documents of one build of the example image. */
function evidence({ digest, created, scannedAt, packages, vulnerabilities, serialNumber, tag, commit, runId }) {
  const hex = digest.slice('sha256:'.length);
  const purl = `pkg:oci/shop@${encodeURIComponent(digest)}?repository_url=${encodeURIComponent(EXAMPLE_REPOSITORY)}`;

  const spdx = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${EXAMPLE_REPOSITORY}@${digest}`,
    documentNamespace: `https://custody.example/spdx/shop-${hex.slice(0, 16)}`,
    creationInfo: { created, creators: ['Tool: custody-examples-1.0'] },
    documentDescribes: ['SPDXRef-image'],
    packages: [
      {
        SPDXID: 'SPDXRef-image',
        name: 'shop',
        versionInfo: digest,
        downloadLocation: 'NOASSERTION',
        primaryPackagePurpose: 'CONTAINER',
        checksums: [{ algorithm: 'SHA256', checksumValue: hex }],
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }],
      },
      ...packages.map((p, i) => ({
        SPDXID: `SPDXRef-package-${i}`,
        name: p.name,
        versionInfo: p.version,
        downloadLocation: 'NOASSERTION',
        licenseConcluded: p.license,
        licenseDeclared: p.license,
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      })),
    ],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-image' },
      ...packages.map((_, i) => ({ spdxElementId: 'SPDXRef-image', relationshipType: 'CONTAINS', relatedSpdxElement: `SPDXRef-package-${i}` })),
    ],
  };

  const cyclonedx = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber,
    version: 1,
    metadata: {
      timestamp: created,
      tools: { components: [{ type: 'application', name: 'custody-examples', version: '1.0' }] },
      component: { type: 'container', 'bom-ref': purl, name: 'shop', version: digest, purl },
    },
    components: packages.map((p) => ({
      type: 'library',
      'bom-ref': p.purl,
      name: p.name,
      version: p.version,
      purl: p.purl,
      licenses: [{ license: { id: p.license } }],
    })),
  };

  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: EXAMPLE_REPOSITORY, digest: { sha256: hex } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://custody.example/build/container@v1',
        externalParameters: { repository: 'https://git.example/acme/shop', ref: `refs/tags/${tag}` },
        resolvedDependencies: [{ uri: `git+https://git.example/acme/shop@refs/tags/${tag}`, digest: { gitCommit: commit } }],
      },
      runDetails: {
        builder: { id: 'https://ci.example/builders/container@v2' },
        metadata: {
          invocationId: `https://ci.example/acme/shop/runs/${runId}`,
          startedOn: new Date(Date.parse(created) - 120_000).toISOString().replace('.000Z', 'Z'),
          finishedOn: created,
        },
      },
    },
  };

  const trivy = {
    SchemaVersion: 2,
    CreatedAt: scannedAt,
    ArtifactName: `${EXAMPLE_REPOSITORY}@${digest}`,
    ArtifactType: 'container_image',
    Metadata: {
      OS: { Family: 'debian', Name: '12.8' },
      ImageID: 'sha256:6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a1908f7e6d5c4b3a291807',
      RepoDigests: [`${EXAMPLE_REPOSITORY}@${digest}`],
    },
    Results: [
      {
        Target: `${EXAMPLE_REPOSITORY}@${digest} (debian 12.8)`,
        Class: 'os-pkgs',
        Type: 'debian',
        Vulnerabilities: vulnerabilities,
      },
    ],
  };
  return { spdx, cyclonedx, statement, trivy };
}

const OPENSSL_FINDING = {
  VulnerabilityID: 'CVE-2024-9143',
  PkgName: 'openssl',
  InstalledVersion: '3.0.15-1~deb12u1',
  FixedVersion: '3.0.15-1~deb12u2',
  Status: 'fixed',
  Severity: 'LOW',
  Title: 'openssl: Low-level invalid GF(2^m) parameters lead to OOB memory access',
};
const ZLIB_FINDING = {
  VulnerabilityID: 'CVE-2023-45853',
  PkgName: 'zlib1g',
  InstalledVersion: '1:1.2.13.dfsg-1',
  Status: 'will_not_fix',
  Severity: 'CRITICAL',
  Title: 'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6',
};

/** An OpenVEX statement: zlib's CVE-2023-45853 does not affect the image. */
function openvexFor(digest) {
  const hex = digest.slice('sha256:'.length);
  const purl = `pkg:oci/shop@${encodeURIComponent(digest)}?repository_url=${encodeURIComponent(EXAMPLE_REPOSITORY)}`;
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://custody.example/vex/shop-${hex.slice(0, 16)}`,
    author: 'Acme Security',
    timestamp: '2026-11-28T13:00:00Z',
    version: 1,
    statements: [
      {
        vulnerability: { name: 'CVE-2023-45853' },
        products: [{ '@id': purl }],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        impact_statement: 'the image never calls zipOpenNewFileInZip4_6 (minizip is not linked)',
      },
    ],
  };
}

const builds = [
  {
    folder: out,
    digest: EXAMPLE_DIGEST,
    created: '2026-11-28T12:00:00Z',
    scannedAt: '2026-11-28T12:05:00.000000000Z',
    packages: FIRST_PACKAGES,
    vulnerabilities: [OPENSSL_FINDING, ZLIB_FINDING],
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    tag: 'v1.4.2',
    commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9001122334',
    runId: 4242,
  },
  {
    folder: join(out, 'next'),
    digest: NEXT_DIGEST,
    created: '2026-11-29T12:00:00Z',
    scannedAt: '2026-11-29T12:05:00.000000000Z',
    packages: [
      { name: 'openssl', version: '3.0.15-1~deb12u2', license: 'Apache-2.0', purl: 'pkg:deb/debian/openssl@3.0.15-1~deb12u2?distro=debian-12' },
      FIRST_PACKAGES[1],
      { name: 'express', version: '4.21.2', license: 'MIT', purl: 'pkg:npm/express@4.21.2' },
      { name: 'cookie', version: '0.6.0', license: 'MIT', purl: 'pkg:npm/cookie@0.6.0' },
    ],
    vulnerabilities: [
      ZLIB_FINDING,
      {
        VulnerabilityID: 'CVE-2024-47764',
        PkgName: 'cookie',
        PkgIdentifier: { PURL: 'pkg:npm/cookie@0.6.0' },
        InstalledVersion: '0.6.0',
        FixedVersion: '0.7.0',
        Status: 'fixed',
        Severity: 'LOW',
        Title: 'cookie: cookie accepts cookie name, path, and domain with out of bounds characters',
      },
    ],
    serialNumber: 'urn:uuid:0f5b1c0e-1d2a-4c3b-9e8f-7a6b5c4d3e2f',
    tag: 'v1.4.3',
    commit: 'b2c3d4e5f60718293a4b5c6d7e8f900112233445',
    runId: 4251,
  },
];

for (const build of builds) {
  const { spdx, cyclonedx, statement, trivy } = evidence(build);
  const files = {
    'sbom.spdx.json': spdx,
    'sbom.cdx.json': cyclonedx,
    'provenance.intoto.json': statement,
    'scan.trivy.json': trivy,
    // The first build's VEX statement (the index and query examples read it).
    ...(build.folder === out ? { 'vex.openvex.json': openvexFor(build.digest) } : {}),
  };
  mkdirSync(build.folder, { recursive: true });
  for (const [name, value] of Object.entries(files)) {
    writeFileSync(join(build.folder, name), `${JSON.stringify(value, null, 2)}\n`);
  }
  writeFileSync(join(build.folder, 'IMAGE'), `${EXAMPLE_REPOSITORY}@${build.digest}\n`);
  console.log(`wrote ${Object.keys(files).length} evidence files for ${EXAMPLE_REPOSITORY}@${build.digest} into ${build.folder}`);
}
