// An image carrying large evidence, for the streaming benchmark and tests: a
// small image (config + manifest) and one OCI 1.1 artifact attached to it
// (subject) whose layers are an SPDX 2.3 JSON SBOM and an opaque blob, each
// of a chosen size, written to an OCI layout a chunk at a time (never whole
// in memory), with the referrers tag-schema index for registries without the
// referrers API. `pushLargeLayout` pushes it over the Distribution API,
// streaming every blob from its file.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { LayoutWriter, OCI_MANIFEST, referrersTag, writeImage, writeReferrersIndex } from './oci-layout-writer.mjs';

export const SPDX_JSON = 'application/spdx+json';
export const OPAQUE = 'application/octet-stream';
const CHUNK = 1 << 20;

/** Write a blob into the layout from the chunks `produce` hands to `write`, hashing as it goes; returns its descriptor. */
function streamBlob(dir, mediaType, produce, annotations) {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const temp = join(blobs, `.partial-${process.pid}-${Math.random().toString(16).slice(2)}`);
  const fd = openSync(temp, 'w');
  const hash = createHash('sha256');
  let size = 0;
  produce((chunk) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hash.update(bytes);
    size += writeSync(fd, bytes);
  });
  closeSync(fd);
  const hex = hash.digest('hex');
  renameSync(temp, join(blobs, hex));
  return { mediaType, digest: `sha256:${hex}`, size, ...(annotations ? { annotations } : {}) };
}

/** An SPDX 2.3 document of about `bytes` bytes naming the image (a CONTAINER package with its digest) and many npm packages. */
function writeSbom(dir, bytes, imageDigest, name) {
  let packages = 0;
  const descriptor = streamBlob(dir, SPDX_JSON, (write) => {
    const head = JSON.stringify({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name,
      documentNamespace: `https://example.com/custody/large/${imageDigest.slice(7, 19)}`,
      creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: custody-large-evidence-1.0'] },
      documentDescribes: ['SPDXRef-image'],
    });
    const image = JSON.stringify({
      SPDXID: 'SPDXRef-image',
      name,
      downloadLocation: 'NOASSERTION',
      primaryPackagePurpose: 'CONTAINER',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:oci/${name}@${encodeURIComponent(imageDigest)}` }],
    });
    let chunk = `${head.slice(0, -1)},"packages":[${image}`;
    let size = 0;
    const tail = ']}';
    for (let i = 0; size + chunk.length + tail.length + 400 < bytes; i++) {
      chunk += `,${JSON.stringify({
        SPDXID: `SPDXRef-Package-${i}`,
        name: `package-${i}`,
        versionInfo: `${i % 13}.${i % 7}.${i % 5}`,
        downloadLocation: 'NOASSERTION',
        licenseConcluded: 'MIT',
        checksums: [{ algorithm: 'SHA256', checksumValue: createHash('sha256').update(String(i)).digest('hex') }],
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/package-${i}@${i % 13}.${i % 7}.${i % 5}` }],
      })}`;
      packages = i + 2;
      if (chunk.length >= CHUNK) {
        write(chunk);
        size += chunk.length;
        chunk = '';
      }
    }
    write(chunk + tail);
  });
  return { ...descriptor, packages };
}

/** `bytes` pseudo-random bytes (xorshift, so every run has the same blob). */
function writeOpaque(dir, bytes) {
  return streamBlob(dir, OPAQUE, (write) => {
    let x = 0x9e3779b9;
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (let left = bytes; left > 0; left -= CHUNK) {
      for (let i = 0; i < CHUNK; i += 4) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        chunk.writeUInt32LE(x >>> 0, i);
      }
      write(left >= CHUNK ? chunk : chunk.subarray(0, left));
    }
  });
}

/**
 * @param {string} dir layout folder
 * @param {{ name: string, tag: string, sbomBytes: number, opaqueBytes: number }} spec
 */
export function writeLargeEvidenceImage(dir, spec) {
  const w = new LayoutWriter(dir);
  const { root } = writeImage(w, { name: spec.name, platforms: [{ os: 'linux', architecture: 'amd64' }] });
  w.entry(root, spec.tag);
  const sbom = writeSbom(dir, spec.sbomBytes, root.digest, spec.name);
  const opaque = writeOpaque(dir, spec.opaqueBytes);
  const layer = ({ mediaType, digest, size }) => ({ mediaType, digest, size });
  const artifact = writeArtifactFromDescriptors(w, {
    artifactType: 'application/vnd.custody.large-evidence',
    subject: root,
    layers: [layer(sbom), layer(opaque)],
  });
  const index = writeReferrersIndex(w, [artifact]);
  w.entry(index, referrersTag(root.digest));
  w.finish();
  return { dir, tag: spec.tag, image: root, sbom, opaque, artifact, index };
}

/** An OCI 1.1 artifact manifest for layers already in the layout (oci-layout-writer's writeArtifact takes bytes in memory). */
function writeArtifactFromDescriptors(w, spec) {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: spec.artifactType,
    config: w.empty(),
    layers: spec.layers,
    subject: { mediaType: spec.subject.mediaType, digest: spec.subject.digest, size: spec.subject.size },
  };
  return { ...w.json(OCI_MANIFEST, manifest), artifactType: spec.artifactType };
}

function request(url, options, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body && typeof body.pipe === 'function') body.pipe(req);
    else req.end(body);
  });
}

/** Upload one blob from its file (POST, then one streaming PUT), unless the registry has it. */
export async function pushBlobFile(baseUrl, repo, descriptor, path) {
  const head = await request(`${baseUrl}/v2/${repo}/blobs/${descriptor.digest}`, { method: 'HEAD' });
  if (head.status === 200) return;
  const start = await request(`${baseUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { 'Content-Length': '0' } });
  if (start.status !== 202) throw new Error(`POST upload ${repo}: HTTP ${start.status} ${start.body.slice(0, 200)}`);
  const location = new URL(start.headers.location, baseUrl);
  location.searchParams.set('digest', descriptor.digest);
  const size = statSync(path).size;
  const put = await request(
    location,
    { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) } },
    createReadStream(path, { highWaterMark: CHUNK }),
  );
  if (put.status !== 201) throw new Error(`PUT blob ${repo}@${descriptor.digest}: HTTP ${put.status} ${put.body.slice(0, 200)}`);
}

async function pushManifestFile(baseUrl, repo, reference, mediaType, path) {
  const put = await request(
    `${baseUrl}/v2/${repo}/manifests/${reference}`,
    { method: 'PUT', headers: { 'Content-Type': mediaType, 'Content-Length': String(statSync(path).size) } },
    createReadStream(path),
  );
  if (put.status !== 201) throw new Error(`PUT manifest ${repo}:${reference}: HTTP ${put.status} ${put.body.slice(0, 300)}`);
}

/** Push what writeLargeEvidenceImage wrote: every blob streamed from its file, then the manifests and tags. */
export async function pushLargeLayout(baseUrl, written, repo) {
  const blob = (d) => join(written.dir, 'blobs', 'sha256', d.digest.slice('sha256:'.length));
  const imageManifest = JSON.parse(readFileSync(blob(written.image), 'utf8'));
  for (const d of [imageManifest.config, ...imageManifest.layers]) await pushBlobFile(baseUrl, repo, d, blob(d));
  await pushManifestFile(baseUrl, repo, written.tag, written.image.mediaType, blob(written.image));
  const artifact = JSON.parse(readFileSync(blob(written.artifact), 'utf8'));
  for (const d of [artifact.config, ...artifact.layers]) await pushBlobFile(baseUrl, repo, d, blob(d));
  await pushManifestFile(baseUrl, repo, written.artifact.digest, OCI_MANIFEST, blob(written.artifact));
  await pushManifestFile(baseUrl, repo, referrersTag(written.image.digest), written.index.mediaType, blob(written.index));
}
