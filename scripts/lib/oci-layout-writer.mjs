// Writes OCI image layouts (image-spec image-layout.md) byte for byte
// reproducibly: same input, same files. Used by make-example-layout.mjs,
// the tests and the benchmark to build images and their attachments.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** @param {Uint8Array|string} bytes */
export function sha256(bytes) {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** @param {unknown} value JSON with keys in insertion order, no spaces (as Go's encoding/json writes manifests). */
export function jsonBytes(value) {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * A one-file ustar archive, gzip-compressed, with fixed metadata.
 * @param {string} name
 * @param {Uint8Array|string} content
 */
export function tarGz(name, content) {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  const put = (offset, length, value) => header.write(value, offset, length, 'ascii');
  put(0, 100, name);
  put(100, 8, '0000644\0');
  put(108, 8, '0000000\0');
  put(116, 8, '0000000\0');
  put(124, 12, `${body.length.toString(8).padStart(11, '0')}\0`);
  put(136, 12, '00000000000\0');
  put(148, 8, '        ');
  put(156, 1, '0');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  const tar = Buffer.concat([header, body, padding, Buffer.alloc(1024)]);
  return { tar, gz: gzipSync(tar, { level: 9 }) };
}

export class LayoutWriter {
  /** @param {string} dir */
  constructor(dir) {
    this.dir = dir;
    /** @type {object[]} */
    this.entries = [];
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }

  /**
   * @param {string} mediaType
   * @param {Uint8Array} bytes
   * @param {Record<string,string>} [annotations]
   */
  blob(mediaType, bytes, annotations) {
    const digest = sha256(bytes);
    writeFileSync(join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    const descriptor = { mediaType, digest, size: bytes.length };
    if (annotations) descriptor.annotations = annotations;
    return descriptor;
  }

  /** @param {string} mediaType @param {unknown} value @param {Record<string,string>} [annotations] */
  json(mediaType, value, annotations) {
    return this.blob(mediaType, jsonBytes(value), annotations);
  }

  empty() {
    return this.blob(OCI_EMPTY, Buffer.from('{}'));
  }

  /** Add an index.json entry (tagged when `tag` is given). */
  entry(descriptor, tag, annotations = {}) {
    const entry = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
    const all = { ...annotations, ...(tag ? { 'org.opencontainers.image.ref.name': tag } : {}) };
    if (Object.keys(all).length > 0) entry.annotations = all;
    this.entries.push(entry);
    return entry;
  }

  finish() {
    writeFileSync(join(this.dir, 'index.json'), jsonBytes({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: this.entries }));
  }
}

/**
 * A small runnable-looking image per platform, and an index when there are several.
 * @param {LayoutWriter} w
 * @param {{ name: string, platforms: {os: string, architecture: string, variant?: string}[], created?: string, index?: boolean }} spec
 * @returns {{ root: object, platforms: object[] }}
 */
export function writeImage(w, spec) {
  const created = spec.created ?? '2026-01-01T00:00:00Z';
  const platforms = spec.platforms.map((platform) => {
    const { tar, gz } = tarGz(`etc/${spec.name}-${platform.architecture}`, `${spec.name} for ${platform.os}/${platform.architecture}\n`);
    const layer = w.blob(OCI_LAYER_GZIP, gz);
    const config = w.json(OCI_CONFIG, {
      created,
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: { User: '65532', Labels: { 'org.opencontainers.image.title': spec.name } },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      history: [{ created, created_by: `custody fixture ${spec.name}` }],
    });
    const manifest = w.json(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
    return { ...manifest, platform };
  });
  if (platforms.length === 1 && !spec.index) return { root: stripPlatform(platforms[0]), platforms: [] };
  return { root: null, platforms };
}

function stripPlatform(descriptor) {
  const { platform: _unused, ...rest } = descriptor;
  return rest;
}

/**
 * The index of a multi-platform image, with BuildKit attestation manifests
 * (one per platform) holding an in-toto SLSA provenance statement.
 * @param {LayoutWriter} w
 */
export function writeIndexWithAttestations(w, spec, platforms, { attest = true } = {}) {
  const created = spec.created ?? '2026-01-01T00:00:00Z';
  const manifests = platforms.map((p) => ({ mediaType: p.mediaType, digest: p.digest, size: p.size, platform: p.platform }));
  const attestations = [];
  if (attest) {
    for (const p of platforms) {
      const attestation = writeBuildkitAttestation(w, spec, p, created);
      manifests.push(attestation);
      attestations.push(attestation);
    }
  }
  const index = w.json(OCI_INDEX, { schemaVersion: 2, mediaType: OCI_INDEX, manifests });
  return { index, attestations };
}

export function writeBuildkitAttestation(w, spec, platformManifest, created = '2026-01-01T00:00:00Z') {
  const { os, architecture } = platformManifest.platform;
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [
      {
        name: `pkg:docker/${spec.repository ?? `example.com/custody/${spec.name}`}@${spec.tag ?? 'latest'}?platform=${encodeURIComponent(`${os}/${architecture}`)}`,
        digest: { sha256: platformManifest.digest.slice(7) },
      },
    ],
    predicate: {
      builder: { id: 'https://example.com/custody/builder' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      invocation: { configSource: { entryPoint: 'Dockerfile' }, parameters: { frontend: 'dockerfile.v0' } },
      metadata: {
        buildStartedOn: created,
        buildFinishedOn: created,
        completeness: { parameters: true, environment: true, materials: false },
        reproducible: false,
      },
      materials: [],
    },
  };
  const layer = w.json('application/vnd.in-toto+json', statement, { 'in-toto.io/predicate-type': statement.predicateType });
  const config = w.json(OCI_CONFIG, { architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [layer.digest] } });
  const manifest = w.json(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
  return {
    ...manifest,
    annotations: { 'vnd.docker.reference.digest': platformManifest.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    platform: { architecture: 'unknown', os: 'unknown' },
  };
}

/**
 * An OCI 1.1 artifact: empty config, the evidence as layers, `subject` set.
 * @param {LayoutWriter} w
 * @param {{ artifactType: string, subject: object, layers: {mediaType: string, bytes: Uint8Array, annotations?: Record<string,string>}[], annotations?: Record<string,string> }} spec
 */
export function writeArtifact(w, spec) {
  const config = w.empty();
  const layers = spec.layers.map((l) => w.blob(l.mediaType, l.bytes, l.annotations));
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: spec.artifactType,
    config,
    layers,
    subject: { mediaType: spec.subject.mediaType, digest: spec.subject.digest, size: spec.subject.size },
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const descriptor = w.json(OCI_MANIFEST, manifest);
  return { ...descriptor, artifactType: spec.artifactType, ...(spec.annotations ? { annotations: spec.annotations } : {}) };
}

/**
 * The referrers tag schema index (distribution-spec 1.1) listing `referrers`.
 * @param {LayoutWriter} w
 */
export function writeReferrersIndex(w, referrers) {
  return w.json(OCI_INDEX, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: referrers.map((r) => ({
      mediaType: r.mediaType,
      digest: r.digest,
      size: r.size,
      ...(r.artifactType ? { artifactType: r.artifactType } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    })),
  });
}

/** cosign's simple signing payload for `dockerReference` at `digest`. */
export function simpleSigningPayload(dockerReference, digest) {
  return jsonBytes({
    critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
    optional: null,
  });
}

/**
 * A cosign signature manifest as `cosign sign` pushes under `sha256-<hex>.sig`.
 * @param {LayoutWriter} w
 * @param {{ payload: Uint8Array, signature: string, annotations?: Record<string,string> }} spec
 */
export function writeCosignSignature(w, spec) {
  const layer = w.blob('application/vnd.dev.cosign.simplesigning.v1+json', spec.payload, {
    'dev.cosignproject.cosign/signature': spec.signature,
    ...(spec.annotations ?? {}),
  });
  const config = w.json(OCI_CONFIG, {
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
    config: {},
  });
  return w.json(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
}

/** cosign's tag for an attachment of `digest`. */
export function cosignTag(digest, suffix) {
  return `${digest.replace(':', '-')}.${suffix}`;
}

/** distribution-spec 1.1 referrers tag for a sha256 digest. */
export function referrersTag(digest) {
  return digest.replace(':', '-');
}
