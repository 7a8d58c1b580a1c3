import { sign, type KeyObject } from 'node:crypto';
// Shared with the examples and the registry tests: plain JavaScript in scripts/lib.
import {
  LayoutWriter,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_LAYER_GZIP,
  OCI_MANIFEST,
  cosignTag,
  jsonBytes,
  referrersTag,
  sha256,
  simpleSigningPayload,
  tarGz,
  writeArtifact,
  writeReferrersIndex,
} from '../../../scripts/lib/oci-layout-writer.mjs';
import { dsseEnvelope, openvex, OPENVEX, SLSA_V1, slsaV1, spdxSbom, statement, trivyReport } from './signing.js';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}

/** Who signs the image (`cosign sign`): a key, or a certificate (keyless-style, private PKI) with its chain. */
export type ImageSigner = { key: KeyObject } | { key: KeyObject; certificatePem: string; chainPem: string };

export interface GateImageSpec {
  name: string;
  repository: string;
  tag: string;
  /** Per platform: its user and whether an SBOM is attached to it. */
  platforms: { architecture: string; user: string; sbom: boolean }[];
  labels: Record<string, string>;
  signer?: ImageSigner;
  /** More `cosign sign` signatures of the image, by other signers (co-signing): one more `.sig` layer each. */
  cosigners?: ImageSigner[];
  /** Alter the first signature's payload after it was signed (a tampered signature that still names its key's image). */
  tamperFirstSignature?: boolean;
  /** Signs the `.att` attestations (SLSA provenance, OpenVEX). */
  attester: KeyObject;
  provenance?: { builderId: string; repository: string };
  scan?: { createdAt: string; findings: { id: string; severity: string }[] };
  vexNotAffected?: string[];
}

export interface GateImage {
  index: string;
  platforms: string[];
}

/**
 * An OCI layout of a two-platform image and its evidence attached the ways
 * registries carry it: SBOMs and a Trivy report as OCI 1.1 referrers (with
 * referrers-tag indexes for registries without the API), a cosign `.sig`
 * signature, cosign `.att` DSSE attestations (SLSA provenance, OpenVEX).
 * Layers are real gzip tarballs so that skopeo pushes a real image.
 */
export function writeGateImage(dir: string, spec: GateImageSpec): GateImage {
  const w = new LayoutWriter(dir);
  const platforms: Descriptor[] = spec.platforms.map((p) => {
    const { tar, gz } = tarGz(`etc/${spec.name}-${p.architecture}`, `${spec.name} for linux/${p.architecture}\n`);
    const layer = w.blob(OCI_LAYER_GZIP, gz) as Descriptor;
    const config = w.json(OCI_CONFIG, {
      created: '2026-01-01T00:00:00Z',
      architecture: p.architecture,
      os: 'linux',
      config: { User: p.user, Labels: spec.labels },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      history: [{ created: '2026-01-01T00:00:00Z', created_by: `custody gate fixture ${spec.name}` }],
    }) as Descriptor;
    const manifest = w.json(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }) as Descriptor;
    return { ...manifest, platform: { os: 'linux', architecture: p.architecture } };
  });
  const index = w.json(OCI_INDEX, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: platforms }) as Descriptor;
  w.entry(index, spec.tag);

  // OCI 1.1 referrers, and the referrers tag schema index per subject (distribution-spec 1.1 fallback).
  const referrers = new Map<string, Descriptor[]>();
  const refer = (subject: Descriptor, artifactType: string, mediaType: string, bytes: Buffer, title: string) => {
    const artifact = writeArtifact(w, {
      artifactType,
      subject,
      layers: [{ mediaType, bytes, annotations: { 'org.opencontainers.image.title': title } }],
    }) as Descriptor;
    w.entry(artifact);
    referrers.set(subject.digest, [...(referrers.get(subject.digest) ?? []), artifact]);
  };
  spec.platforms.forEach((p, i) => {
    if (p.sbom) refer(platforms[i]!, 'application/spdx+json', 'application/spdx+json', spdxSbom(platforms[i]!.digest, 20), 'sbom.spdx.json');
  });
  if (spec.scan)
    refer(index, 'application/vnd.custody.test.trivy+json', 'application/json', trivyReport(spec.scan.createdAt, spec.scan.findings), 'trivy.json');
  for (const [subject, list] of referrers) w.entry(writeReferrersIndex(w, list), referrersTag(subject));

  // cosign sign: sha256-<hex>.sig
  const signers = [...(spec.signer ? [spec.signer] : []), ...(spec.cosigners ?? [])];
  if (signers.length > 0) {
    const layers = signers.map((signer, i) => {
      const signed = simpleSigningPayload(spec.repository, index.digest) as Buffer;
      const annotations: Record<string, string> = { 'dev.cosignproject.cosign/signature': sign('sha256', signed, signer.key).toString('base64') };
      if ('certificatePem' in signer) {
        annotations['dev.sigstore.cosign/certificate'] = signer.certificatePem;
        annotations['dev.sigstore.cosign/chain'] = signer.chainPem;
      }
      // Tampered: the same image digest, another docker-reference, the old signature.
      const payload = i === 0 && spec.tamperFirstSignature ? (simpleSigningPayload(`${spec.repository}-altered`, index.digest) as Buffer) : signed;
      return { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', bytes: payload, annotations };
    });
    w.entry(cosignManifest(w, layers), cosignTag(index.digest, 'sig'));
  }

  // cosign attest: sha256-<hex>.att, one DSSE layer per attestation.
  const attestations: { mediaType: string; bytes: Buffer; annotations: Record<string, string> }[] = [];
  if (spec.provenance) {
    attestations.push(
      dsseLayer(dsseEnvelope(statement(SLSA_V1, slsaV1(spec.provenance.builderId, spec.provenance.repository), [index.digest]), spec.attester), SLSA_V1),
    );
  }
  for (const id of spec.vexNotAffected ?? []) {
    attestations.push(dsseLayer(dsseEnvelope(statement(OPENVEX, openvex(id, index.digest, 'not_affected'), [index.digest]), spec.attester), OPENVEX));
  }
  if (attestations.length > 0) w.entry(cosignManifest(w, attestations), cosignTag(index.digest, 'att'));

  w.finish();
  return { index: index.digest, platforms: platforms.map((p) => p.digest) };
}

function dsseLayer(bytes: Buffer, predicateType: string) {
  return { mediaType: 'application/vnd.dsse.envelope.v1+json', bytes, annotations: { predicateType } };
}

/** A cosign signature or attestation manifest: a config listing the layers, the layers with their annotations. */
function cosignManifest(w: LayoutWriter, layers: { mediaType: string; bytes: Buffer; annotations: Record<string, string> }[]): Descriptor {
  const blobs = layers.map((l) => w.blob(l.mediaType, l.bytes, l.annotations) as Descriptor);
  const config = w.json(OCI_CONFIG, {
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: blobs.map((b) => b.digest) },
    config: {},
  });
  return w.blob(OCI_MANIFEST, jsonBytes({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: blobs })) as Descriptor;
}
