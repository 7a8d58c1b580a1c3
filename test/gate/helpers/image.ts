import type { KeyObject } from 'node:crypto';
import type { CollectedImage } from '../../../src/archive/archive.js';
import type { Descriptor, Raw, Subject } from '../../../src/types.js';
import { cosignSignature, dsseEnvelope, openvex, OPENVEX, sha256, SLSA_V1, slsaV1, spdxSbom, statement, trivyReport } from './signing.js';

const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';

export interface PlatformSpec {
  architecture: string;
  user: string;
  labels?: Record<string, string>;
  /** Attach an SPDX SBOM to this platform manifest. */
  sbom?: boolean;
}

export interface ImageSpec {
  repository: string;
  platforms: PlatformSpec[];
  /** Key that signs the cosign signature and the attestations. */
  signer: KeyObject;
  /** Findings of the Trivy report attached to the index. */
  findings?: { id: string; severity: string }[];
  scannedAt?: string;
  /** not_affected statements of a signed OpenVEX attestation. */
  vex?: string[];
  provenance?: { builderId: string; repository: string };
  signature?: boolean;
}

export interface BuiltImage {
  collected: CollectedImage;
  index: string;
  platforms: string[];
}

function raw(bytes: Buffer, mediaType: string, origin: Raw['origin']): Raw {
  return { bytes, mediaType, origin };
}

function descriptor(bytes: Buffer, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256(bytes), size: bytes.length, ...extra };
}

/**
 * A multi-platform image as a collector hands it over, built in memory: the
 * index, a manifest and config per platform, and the evidence attached the
 * way registries carry it (cosign `.sig`/`.att` tags, referrers). A test
 * double for src/collect, named as such: the registry-backed tests use the
 * real collector.
 */
export function buildImage(spec: ImageSpec): BuiltImage {
  const image: Raw[] = [];
  const manifests: Descriptor[] = [];
  const platformDigests: string[] = [];
  for (const p of spec.platforms) {
    const config = Buffer.from(
      JSON.stringify({
        architecture: p.architecture,
        os: 'linux',
        config: { User: p.user, Labels: p.labels ?? {} },
        rootfs: { type: 'layers', diff_ids: [] },
        history: [],
      }),
    );
    const configDescriptor = descriptor(config, CONFIG_TYPE);
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_TYPE, config: configDescriptor, layers: [] }));
    const manifestDescriptor = descriptor(manifest, MANIFEST_TYPE, { platform: { os: 'linux', architecture: p.architecture } });
    manifests.push(manifestDescriptor);
    platformDigests.push(manifestDescriptor.digest);
    image.push(raw(manifest, MANIFEST_TYPE, { method: 'image', attachedTo: manifestDescriptor.digest, descriptor: manifestDescriptor }));
    image.push(raw(config, CONFIG_TYPE, { method: 'image', attachedTo: manifestDescriptor.digest, descriptor: configDescriptor }));
  }
  const indexBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: INDEX_TYPE, manifests }));
  const index = sha256(indexBytes);
  image.unshift(raw(indexBytes, INDEX_TYPE, { method: 'image', attachedTo: index, descriptor: descriptor(indexBytes, INDEX_TYPE) }));

  const evidence: Raw[] = [];
  const hex = index.slice('sha256:'.length);
  if (spec.signature !== false) {
    const { payload, annotations } = cosignSignature(index, spec.repository, spec.signer);
    evidence.push(
      raw(payload, 'application/vnd.dev.cosign.simplesigning.v1+json', {
        method: 'cosign-tag',
        attachedTo: index,
        tag: `sha256-${hex}.sig`,
        descriptor: descriptor(payload, 'application/vnd.dev.cosign.simplesigning.v1+json', { annotations }),
      }),
    );
  }
  if (spec.provenance) {
    const bytes = dsseEnvelope(statement(SLSA_V1, slsaV1(spec.provenance.builderId, spec.provenance.repository), [index]), spec.signer);
    evidence.push(
      raw(bytes, 'application/vnd.dsse.envelope.v1+json', {
        method: 'cosign-tag',
        attachedTo: index,
        tag: `sha256-${hex}.att`,
        descriptor: descriptor(bytes, 'application/vnd.dsse.envelope.v1+json'),
      }),
    );
  }
  spec.platforms.forEach((p, i) => {
    if (!p.sbom) return;
    const bytes = spdxSbom(platformDigests[i]!, 25);
    evidence.push(
      raw(bytes, 'application/spdx+json', { method: 'referrers-tag', attachedTo: platformDigests[i]!, descriptor: descriptor(bytes, 'application/spdx+json') }),
    );
  });
  if (spec.findings) {
    const bytes = trivyReport(spec.scannedAt ?? new Date().toISOString(), spec.findings);
    evidence.push(raw(bytes, 'application/json', { method: 'referrers-tag', attachedTo: index, descriptor: descriptor(bytes, 'application/json') }));
  }
  for (const id of spec.vex ?? []) {
    const bytes = dsseEnvelope(statement(OPENVEX, openvex(id, index, 'not_affected'), [index]), spec.signer);
    evidence.push(
      raw(bytes, 'application/vnd.dsse.envelope.v1+json', {
        method: 'cosign-tag',
        attachedTo: index,
        tag: `sha256-${hex}.att`,
        descriptor: descriptor(bytes, 'application/vnd.dsse.envelope.v1+json'),
      }),
    );
  }

  const subject: Subject = {
    ref: `${spec.repository}@${index}`,
    digest: index,
    mediaType: INDEX_TYPE,
    platforms: manifests.map((m) => ({ digest: m.digest, mediaType: m.mediaType, platform: m.platform! })),
  };
  return { collected: { subject, image, evidence, warnings: [] }, index, platforms: platformDigests };
}
