import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** An ECDSA P-256 key pair made for one test run, with its public key as PEM (what a policy names). */
export interface TestKey {
  privateKey: KeyObject;
  publicPem: string;
}

export function makeKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** DSSE v1 pre-authentication encoding (secure-systems-lab/dsse protocol.md): "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** An in-toto Statement v1 about `digests`. */
export function statement(predicateType: string, predicate: unknown, digests: string[]): Record<string, unknown> {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: digests.map((d, i) => ({ name: `image-${i}`, digest: { sha256: d.replace(/^sha256:/, '') } })),
    predicateType,
    predicate,
  };
}

/** A DSSE envelope over an in-toto statement, signed with `key` over the PAE (ECDSA P-256, SHA-256, DER). */
export function dsseEnvelope(body: unknown, key: KeyObject): Buffer {
  const payloadType = 'application/vnd.in-toto+json';
  const payload = Buffer.from(JSON.stringify(body));
  const sig = sign('sha256', pae(payloadType, payload), key);
  return Buffer.from(JSON.stringify({ payloadType, payload: payload.toString('base64'), signatures: [{ keyid: '', sig: sig.toString('base64') }] }));
}

/** A cosign simple-signing payload for `digest` and its signature annotation, as a `.sig` layer carries them. */
export function cosignSignature(digest: string, reference: string, key: KeyObject): { payload: Buffer; annotations: Record<string, string> } {
  const payload = Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': reference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: null,
    }),
  );
  return { payload, annotations: { 'dev.cosignproject.cosign/signature': sign('sha256', payload, key).toString('base64') } };
}

export const SLSA_V1 = 'https://slsa.dev/provenance/v1';
export const OPENVEX = 'https://openvex.dev/ns/v0.2.0';

/** A SLSA v1 provenance predicate as slsa-github-generator writes it. */
export function slsaV1(builderId: string, repository: string): Record<string, unknown> {
  return {
    buildDefinition: {
      buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
      externalParameters: { workflow: { ref: 'refs/heads/main', repository, path: '.github/workflows/release.yml' } },
      resolvedDependencies: [{ uri: `git+${repository}@refs/heads/main`, digest: { gitCommit: 'a'.repeat(40) } }],
    },
    runDetails: { builder: { id: builderId }, metadata: { invocationId: 'https://github.com/acme/app/actions/runs/1' } },
  };
}

/** An OpenVEX v0.2.0 document with one statement about `vulnerability` in the image `digest`. */
export function openvex(vulnerability: string, digest: string, status: string, timestamp = '2026-01-01T00:00:00Z'): Record<string, unknown> {
  return {
    '@context': OPENVEX,
    '@id': `https://example.com/vex/${vulnerability}`,
    author: 'Acme Security',
    timestamp,
    version: 1,
    statements: [
      {
        vulnerability: { name: vulnerability },
        products: [{ '@id': `pkg:oci/app@${encodeURIComponent(digest)}` }],
        status,
        ...(status === 'not_affected' ? { justification: 'vulnerable_code_not_in_execute_path' } : {}),
      },
    ],
  };
}

/** A Trivy JSON report (SchemaVersion 2) with the given findings, scanned at `createdAt`. */
export function trivyReport(createdAt: string, findings: { id: string; severity: string; pkg?: string }[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      SchemaVersion: 2,
      CreatedAt: createdAt,
      ArtifactName: 'ghcr.io/acme/app',
      ArtifactType: 'container_image',
      Results: [
        {
          Target: 'ghcr.io/acme/app (alpine 3.20)',
          Class: 'os-pkgs',
          Type: 'alpine',
          Vulnerabilities: findings.map((f) => ({
            VulnerabilityID: f.id,
            PkgName: f.pkg ?? 'openssl',
            InstalledVersion: '3.0.1-r0',
            PkgIdentifier: { PURL: `pkg:apk/alpine/${f.pkg ?? 'openssl'}@3.0.1-r0?arch=x86_64` },
            Severity: f.severity,
          })),
        },
      ],
    }),
  );
}

/** An SPDX 2.3 JSON SBOM with `packages` packages describing `digest`. */
export function spdxSbom(digest: string, packages: number): Buffer {
  const hex = digest.replace(/^sha256:/, '');
  return Buffer.from(
    JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'ghcr.io/acme/app',
      documentNamespace: `https://example.com/spdx/${hex}`,
      creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: syft-1.0.0'] },
      packages: Array.from({ length: packages }, (_, i) => ({
        SPDXID: `SPDXRef-Package-${i}`,
        name: `pkg-${i}`,
        versionInfo: '1.0.0',
        downloadLocation: 'NOASSERTION',
      })),
    }),
  );
}

/** containers/image's on-disk sigstore signature (`\x00sigstore-json\n` + JSON): self-contained, so it verifies from a local file. */
export function containersImageSignature(digest: string, reference: string, key: KeyObject): Buffer {
  const { payload, annotations } = cosignSignature(digest, reference, key);
  const body = JSON.stringify({ mimeType: 'application/vnd.dev.cosign.simplesigning.v1+json', payload: payload.toString('base64'), annotations });
  return Buffer.concat([Buffer.from('\x00sigstore-json\n', 'latin1'), Buffer.from(body)]);
}
