// One image with every kind of attachment custody discovers, written into an
// OCI layout: used for examples/layout, the tests (the same content pushed to
// a registry and read from the layout) and the benchmark.
import {
  LayoutWriter,
  cosignTag,
  jsonBytes,
  referrersTag,
  simpleSigningPayload,
  writeArtifact,
  writeCosignSignature,
  writeImage,
  writeIndexWithAttestations,
  writeReferrersIndex,
} from './oci-layout-writer.mjs';

const CREATED = '2026-01-01T00:00:00Z';

function uuidFrom(digest) {
  const h = digest.slice('sha256:'.length);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function purl(name, digest, qualifiers = '') {
  return `pkg:oci/${name}@${encodeURIComponent(digest)}${qualifiers}`;
}

export function spdxDocument(spec, digest) {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${spec.repository}:${spec.tag}`,
    documentNamespace: `https://example.com/custody/spdx/${spec.name}-${digest.slice(7, 19)}`,
    creationInfo: { created: CREATED, creators: ['Tool: custody-example-1.0'] },
    packages: [
      {
        SPDXID: 'SPDXRef-image',
        name: spec.name,
        versionInfo: spec.tag,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        primaryPackagePurpose: 'CONTAINER',
        externalRefs: [
          { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl(spec.name, digest, `?repository_url=${spec.repository}`) },
        ],
      },
      {
        SPDXID: 'SPDXRef-busybox',
        name: 'busybox',
        versionInfo: '1.36.1-r15',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'GPL-2.0-only',
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/busybox@1.36.1-r15' }],
      },
    ],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-image' },
      { spdxElementId: 'SPDXRef-image', relationshipType: 'CONTAINS', relatedSpdxElement: 'SPDXRef-busybox' },
    ],
  };
}

export function cyclonedxDocument(spec, digest, architecture) {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${uuidFrom(digest)}`,
    version: 1,
    metadata: {
      timestamp: CREATED,
      tools: { components: [{ type: 'application', name: 'custody-example', version: '1.0' }] },
      component: {
        type: 'container',
        'bom-ref': purl(spec.name, digest),
        name: spec.name,
        version: digest,
        purl: purl(spec.name, digest, architecture ? `?arch=${architecture}` : ''),
      },
    },
    components: [
      {
        type: 'library',
        'bom-ref': 'pkg:apk/alpine/busybox@1.36.1-r15',
        name: 'busybox',
        version: '1.36.1-r15',
        purl: 'pkg:apk/alpine/busybox@1.36.1-r15',
        licenses: [{ license: { id: 'GPL-2.0-only' } }],
      },
    ],
  };
}

/**
 * @param {string} dir layout folder to write
 * @param {{
 *   name: string, repository: string, tag: string,
 *   platforms: {os: string, architecture: string}[],
 *   sign: (payload: Buffer) => string,
 *   referrersTags?: boolean,   // also write referrers tag schema indexes (sha256-<hex>)
 *   nested?: boolean,          // a cosign signature on the SPDX artifact (a referrer of a referrer)
 *   buildkit?: boolean,        // BuildKit attestation manifests in the index (default true)
 *   extraReferrers?: number,   // that many more small SPDX referrers of the image (benchmark)
 *   index?: boolean,           // an index even for one platform (as BuildKit writes with attestations)
 * }} spec
 */
export function writeEvidenceImage(dir, spec) {
  const w = new LayoutWriter(dir);
  const image = writeImage(w, spec);
  let root = image.root;
  let attestations = [];
  if (!root) {
    const written = writeIndexWithAttestations(w, spec, image.platforms, { attest: spec.buildkit !== false });
    root = written.index;
    attestations = written.attestations;
  }
  const imageEntry = w.entry(root, spec.tag);

  const referrers = [];
  const sbomLayer = (doc, mediaType, title) => ({ mediaType, bytes: jsonBytes(doc), annotations: { 'org.opencontainers.image.title': title } });
  const spdx = writeArtifact(w, {
    artifactType: 'application/spdx+json',
    subject: root,
    layers: [sbomLayer(spdxDocument(spec, root.digest), 'application/spdx+json', 'sbom.spdx.json')],
    annotations: { 'org.opencontainers.image.created': CREATED },
  });
  referrers.push({ descriptor: spdx, subject: root.digest });
  const cdxSubject = image.platforms[0] ?? root;
  const cdx = writeArtifact(w, {
    artifactType: 'application/vnd.cyclonedx+json',
    subject: cdxSubject,
    layers: [sbomLayer(cyclonedxDocument(spec, cdxSubject.digest, cdxSubject.platform?.architecture), 'application/vnd.cyclonedx+json', 'sbom.cdx.json')],
    annotations: { 'org.opencontainers.image.created': CREATED },
  });
  referrers.push({ descriptor: cdx, subject: cdxSubject.digest });
  for (let i = 0; i < (spec.extraReferrers ?? 0); i += 1) {
    const doc = {
      ...spdxDocument(spec, root.digest),
      name: `${spec.repository}:${spec.tag} part ${i}`,
      documentNamespace: `https://example.com/custody/spdx/${spec.name}-${root.digest.slice(7, 19)}-${i}`,
    };
    const extra = writeArtifact(w, {
      artifactType: 'application/spdx+json',
      subject: root,
      layers: [sbomLayer(doc, 'application/spdx+json', `part-${i}.spdx.json`)],
    });
    referrers.push({ descriptor: extra, subject: root.digest });
  }
  for (const r of referrers) w.entry(r.descriptor);

  const tagged = [];
  const signature = writeCosignSignature(w, {
    payload: simpleSigningPayload(spec.repository, root.digest),
    signature: spec.sign(simpleSigningPayload(spec.repository, root.digest)),
  });
  tagged.push({ tag: cosignTag(root.digest, 'sig'), descriptor: signature, attachedTo: root.digest });
  if (spec.nested) {
    const payload = simpleSigningPayload(spec.repository, spdx.digest);
    const onSbom = writeCosignSignature(w, { payload, signature: spec.sign(payload) });
    tagged.push({ tag: cosignTag(spdx.digest, 'sig'), descriptor: onSbom, attachedTo: spdx.digest });
  }
  if (spec.referrersTags) {
    const bySubject = new Map();
    for (const r of referrers) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r.descriptor]);
    for (const [subject, list] of bySubject) tagged.push({ tag: referrersTag(subject), descriptor: writeReferrersIndex(w, list), attachedTo: subject });
  }
  for (const t of tagged) w.entry(t.descriptor, t.tag);
  w.finish();
  return { root, rootEntry: imageEntry, platforms: image.platforms, attestations, referrers, tagged };
}
