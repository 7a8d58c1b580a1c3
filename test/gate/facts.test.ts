import { describe, expect, it } from 'vitest';
import { readConfig, manifestConfigDigest } from '../../src/gate/facts/image-config.js';
import { normalizeRepository } from '../../src/gate/facts/provenance.js';
import { corpusBytes, factsOf, SLSA_IMAGE } from './helpers/corpus.js';
import { sha256 } from './helpers/signing.js';

describe('facts read from real evidence (../shared/corpus)', () => {
  it('Trivy JSON: every vulnerability with its severity, package purl and the report time', () => {
    const facts = factsOf(corpusBytes('trivy/alpine-310.trivy.json'));
    expect(facts.scan).toMatchObject({ format: 'trivy', scannedAt: '2021-08-25T12:20:30.000Z' });
    expect(facts.scan!.findings).toHaveLength(4);
    expect(facts.scan!.findings[0]).toEqual({
      id: 'CVE-2019-1549',
      aliases: [],
      severity: 'MEDIUM',
      package: { name: 'libcrypto1.1', version: '1.1.1c-r0', purl: 'pkg:apk/alpine/libcrypto1.1@1.1.1c-r0?arch=x86_64&distro=3.10.2' },
    });
  });

  it('Grype JSON: ids and severities (Critical), scanner from the descriptor; no timestamp, no time', () => {
    const facts = factsOf(corpusBytes('grype/json-image.grype.json'));
    expect(facts.scan!.format).toBe('grype');
    expect(facts.scan!.scannedAt).toBeUndefined();
    expect(facts.scan!.findings.map((f) => [f.id, f.severity, f.package?.name])).toEqual([
      ['CVE-1999-0001', 'LOW', 'package-1'],
      ['CVE-1999-0002', 'CRITICAL', 'package-2'],
    ]);
  });

  it('SARIF from Trivy: severity from the rule tags, package from the message', () => {
    const facts = factsOf(corpusBytes('sarif/trivy-alpine-310.sarif.json'));
    expect(facts.scan).toMatchObject({ format: 'sarif', scanner: 'Trivy dev' });
    expect(facts.scan!.findings[0]).toEqual({ id: 'CVE-2019-1549', aliases: [], severity: 'MEDIUM', package: { name: 'libcrypto1.1', version: '1.1.1c-r0' } });
  });

  it('SARIF from Grype: the CVE out of the rule id, severity from security-severity', () => {
    const facts = factsOf(corpusBytes('sarif/grype-image.sarif.json'));
    expect(facts.scan!.findings.map((f) => [f.id, f.severity, f.package])).toEqual([
      ['CVE-1999-0001', 'HIGH', { name: 'package-1', version: '1.1.1' }],
      ['CVE-1999-0002', 'HIGH', { name: 'package-2', version: '2.2.2', purl: 'pkg:deb/package-2@2.2.2' }],
    ]);
  });

  it('CycloneDX with a vulnerabilities array is a scan and an SBOM', () => {
    const facts = factsOf(corpusBytes('cyclonedx/trivy-fluentd-multiple-lockfiles.cdx.json'));
    expect(facts.scan).toMatchObject({ format: 'cyclonedx', scannedAt: '2021-08-25T12:20:30.000Z', findings: [] });
    expect(facts.sbom).toMatchObject({ format: 'cyclonedx', via: 'document' });
    expect(facts.sbom!.componentCount).toBeGreaterThan(0);
  });

  it('OpenVEX v0.2.0: statements with products, subcomponents and the document time', () => {
    const facts = factsOf(corpusBytes('openvex/go-vex-v0.2.0.openvex.json'));
    expect(facts.vex!.statements).toHaveLength(5);
    expect(facts.vex!.statements[0]).toEqual({
      vulnerability: 'CVE-2023-1255',
      aliases: [],
      products: [
        {
          id: 'pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126',
          digests: [],
          subcomponents: ['pkg:apk/alpine/libssl3@3.0.8-r3', 'pkg:apk/alpine/libcrypto3@3.0.8-r3'],
        },
      ],
      status: 'fixed',
      timestamp: '2023-07-18T00:28:47.696Z',
    });
    expect(facts.signed).toBeUndefined();
  });

  it('a cosign .att layer: DSSE-wrapped SLSA v0.2 provenance with builder, source and subject', () => {
    const facts = factsOf(
      corpusBytes('cosign/slsa-verifier-oci-layout-v2.1.0/blobs/sha256/e163b472f2e5d66e5a2a45e26e020c51a0d2da7dc8b567b31fc2ebfd33dbc33a'),
      'application/vnd.dsse.envelope.v1+json',
    );
    expect(facts.statement).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v0.2', subjects: [SLSA_IMAGE], wrapping: 'dsse' });
    expect(facts.signed).toEqual({ format: 'dsse', purpose: 'attestation', claims: [SLSA_IMAGE] });
    expect(facts.provenance).toEqual({
      predicateType: 'https://slsa.dev/provenance/v0.2',
      slsaVersion: 'v0.2',
      builderId: 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0',
      buildType: 'https://github.com/slsa-framework/slsa-github-generator/container@v1',
      sourceRepository: 'https://github.com/slsa-framework/example-package',
      sourceField: 'predicate.invocation.configSource.uri',
    });
  });

  it('a Sigstore bundle with SLSA v1 provenance (container-based builder): source from externalParameters.source', () => {
    const facts = factsOf(corpusBytes('intoto/slsa-verifier/gha_container-based-v2.1.0-workflow_dispatch.intoto.build.slsa.json'));
    expect(facts.statement!.wrapping).toBe('sigstore-bundle');
    expect(facts.signed).toMatchObject({ format: 'sigstore-bundle', purpose: 'attestation' });
    expect(facts.provenance).toMatchObject({
      slsaVersion: 'v1',
      sourceRepository: 'https://github.com/slsa-framework/example-package',
      sourceField: 'externalParameters.source.uri',
    });
  });

  it('a containers/image signature: a signature claiming the manifest digest', () => {
    const facts = factsOf(corpusBytes('cosign/containers-image/dir-img-cosign-valid/signature-1'));
    expect(facts.signed).toEqual({
      format: 'containers-image',
      purpose: 'signature',
      claims: [sha256(corpusBytes('cosign/containers-image/dir-img-cosign-valid/manifest.json'))],
    });
  });

  it('an unsigned in-toto statement is a statement, not signed material', () => {
    const facts = factsOf(corpusBytes('intoto/sigstore-go-statement-provenance-sigstorejs1.3.0.json'));
    expect(facts.statement!.wrapping).toBe('bare');
    expect(facts.provenance!.slsaVersion).toBe('v0.2');
    expect(facts.signed).toBeUndefined();
  });

  it('image config: User and Labels; an image manifest names its config', () => {
    expect(
      readConfig({
        architecture: 'arm64',
        os: 'linux',
        variant: 'v8',
        config: { User: '1000', Labels: { a: 'b', n: 1 } },
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    ).toEqual({
      user: '1000',
      labels: { a: 'b' },
      platform: 'linux/arm64/v8',
    });
    expect(readConfig({ architecture: 'amd64', os: 'linux', config: {} }).user).toBe('');
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: SLSA_IMAGE, size: 1 },
      layers: [],
    };
    expect(manifestConfigDigest(manifest, '')).toBe(SLSA_IMAGE);
    expect(manifestConfigDigest({ ...manifest, config: { ...manifest.config, mediaType: 'application/vnd.in-toto+json' } }, '')).toBeUndefined();
  });

  it('source repositories lose git+, the ref and .git', () => {
    expect(normalizeRepository('git+https://github.com/acme/app.git@refs/heads/main')).toBe('https://github.com/acme/app');
    expect(normalizeRepository('https://github.com/acme/app')).toBe('https://github.com/acme/app');
    expect(normalizeRepository('git+ssh://git@github.com/acme/app@v1')).toBe('ssh://git@github.com/acme/app');
  });

  it('hostile bytes give no facts and no crash', () => {
    for (const bytes of [
      Buffer.from('\x00\xff'),
      Buffer.from('{"payloadType":"application/vnd.in-toto+json","payload":"!!","signatures":[]}'),
      Buffer.from('[]'),
      Buffer.from('{"SchemaVersion":2,"Results":"x"}'),
    ]) {
      const facts = factsOf(bytes);
      expect(facts.provenance).toBeUndefined();
      expect(facts.errors).toEqual([]);
    }
  });
});
