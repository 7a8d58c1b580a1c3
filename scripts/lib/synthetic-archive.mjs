// A synthetic archive root for benchmarks and tests: DAYS day folders of
// IMAGES images each, laid out exactly as `custody archive` lays them out
// (day manifests hash-chained, image manifests, evidence with .sha256
// beside every file) so that `custody verify --chain` passes, but written
// directly: archiving 73,000 images through the collector would take hours.
// Evidence is made to repeat the way it does in a real archive: an image is
// rebuilt (new digest, SBOM, provenance and signature) every `rebuildEvery`
// days, scanned again every `scanEvery` days, and every other day lists the
// same documents again (hard links: identical bytes, one inode). Each new
// document goes through custody's own normaliser (dist/), so manifest
// entries are what archive would write. Deterministic for the same options.
//
// Needs `npm run build`. Used by scripts/bench/index.mjs and the index tests.
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src');
const { normalize } = await import(join(DIST, 'normalize', 'normalize.js'));
const { TOOL } = await import(join(DIST, 'version.js'));

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const json = (value) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/** A vulnerable package some images carry in their first builds, fixed in later ones: the classic query. */
export const LOG4J = { name: 'log4j-core', group: 'org.apache.logging.log4j', vulnerable: '2.14.1', fixed: '2.17.1', cve: 'CVE-2021-44228' };

export const DEFAULTS = {
  days: 365,
  images: 200,
  /** First day, YYYY-MM-DD. */
  start: '2025-01-01',
  /** Packages per SBOM (besides the image itself). */
  components: 60,
  rebuildEvery: 30,
  scanEvery: 7,
  /** Every n-th image carries log4j-core (vulnerable before its 4th build), and from its 2nd build a VEX statement about it. */
  log4jEvery: 5,
};

/** Day `index` (0-based) after `start`, as YYYY-MM-DD. */
export function dayAt(start, index) {
  return new Date(Date.parse(`${start}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Write days [from, to) of the synthetic archive into `root` (to = options.days
 * by default). Call again with a later `from` to add days: the chain links to
 * the newest day already there.
 * @param {string} root
 * @param {Partial<typeof DEFAULTS>} [options]
 * @param {number} [from]
 * @param {number} [to]
 */
export function writeSyntheticArchive(root, options = {}, from = 0, to = undefined) {
  const o = { ...DEFAULTS, ...options };
  const end = to ?? o.days;
  const state = { documents: new Map(), normalized: new Map() };
  mkdirSync(root, { recursive: true });
  let previous = newestDay(root);
  let files = 0;
  for (let d = from; d < end; d++) {
    const date = dayAt(o.start, d);
    const dayDir = join(root, date);
    const images = [];
    for (let i = 0; i < o.images; i++) {
      const image = imageOn(o, i, d);
      const folder = `images/registry.example/team-${i % 10}/app-${i}/sha256-${image.digest.slice(7)}`;
      const evidence = evidenceOf(o, image, d).map((doc) => placeDocument(state, join(dayDir, folder), doc, image));
      files += evidence.length * 2 + 2;
      const stamp = `${date}T02:00:00.000Z`;
      const manifest = {
        schemaVersion: 1,
        tool: TOOL,
        createdAt: stamp,
        updatedAt: stamp,
        subject: { ref: image.ref, digest: image.digest, mediaType: null, platforms: [], tag: 'prod' },
        evidence: evidence.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      };
      const bytes = json(manifest);
      writeFileSync(join(dayDir, folder, 'manifest.json'), bytes);
      const hash = sha256(bytes);
      writeFileSync(join(dayDir, folder, 'manifest.json.sha256'), `${hash}  manifest.json\n`);
      images.push({ ref: image.ref, digest: image.digest, path: folder, manifestSha256: hash, status: 'ok', error: null });
    }
    images.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    const stamp = `${date}T02:00:00.000Z`;
    const day = { schemaVersion: 1, tool: TOOL, date, createdAt: stamp, updatedAt: stamp, images, previous };
    const bytes = json(day);
    writeFileSync(join(dayDir, 'manifest.json'), bytes);
    writeFileSync(join(dayDir, 'manifest.json.sha256'), `${sha256(bytes)}  manifest.json\n`);
    previous = { date, sha256: sha256(bytes) };
    files += 2;
  }
  return { root, days: end - from, files };
}

function newestDay(root) {
  const days = readdirSync(root)
    .filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n))
    .sort();
  if (days.length === 0) return null;
  const date = days.at(-1);
  return { date, sha256: sha256(readFileSync(join(root, date, 'manifest.json'))) };
}

/** Image `i` on day `d`: its build number and digest. Builds are staggered so that a few images change every day. */
function imageOn(o, i, d) {
  const build = Math.floor((d + ((i * 7) % o.rebuildEvery)) / o.rebuildEvery);
  const digest = `sha256:${sha256(`synthetic image ${i} build ${build}`)}`;
  return { i, build, digest, ref: `registry.example/team-${i % 10}/app-${i}:prod` };
}

/** The documents of image `image` on day `d`: [{kind-hint, name, bytes, mediaType}]. */
function evidenceOf(o, image, d) {
  const { i, build, digest } = image;
  const hex = digest.slice(7);
  const log4j = i % o.log4jEvery === 0 ? (build < 4 ? LOG4J.vulnerable : LOG4J.fixed) : undefined;
  const packages = [];
  for (let k = 0; k < o.components; k++) {
    const n = (i * 13 + k * 7) % 500;
    packages.push({ name: `pkg-${n}`, version: `1.${(n + build) % 20}.${k % 3}`, purl: `pkg:npm/pkg-${n}@1.${(n + build) % 20}.${k % 3}` });
  }
  if (log4j) packages.push({ name: LOG4J.name, version: log4j, purl: `pkg:maven/${LOG4J.group}/${LOG4J.name}@${log4j}` });
  const built = `${dayAt(o.start, Math.max(0, d - ((d + ((i * 7) % o.rebuildEvery)) % o.rebuildEvery)))}T01:00:00Z`;
  const docs = [
    { file: 'sbom.spdx.json', mediaType: 'application/spdx+json', bytes: json(spdx(image, packages, built)) },
    { file: 'provenance.intoto.json', mediaType: 'application/vnd.in-toto+json', bytes: json(provenance(image, built)) },
    { file: 'signature.json', mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', bytes: json(simpleSigning(image)) },
  ];
  const scanDay = d - (d % o.scanEvery);
  docs.push({ file: 'scan.trivy.json', mediaType: 'application/json', bytes: json(trivy(image, packages, `${dayAt(o.start, scanDay)}T03:00:00Z`, scanDay)) });
  if (log4j && build >= 1) docs.push({ file: 'vex.openvex.json', mediaType: 'application/json', bytes: json(openvex(hex, built)) });
  return docs;
}

/** Normalise a document once per (bytes, image), write it once per image folder: a hard link to its first copy after that. */
function placeDocument(state, folder, doc, image) {
  const hash = sha256(doc.bytes);
  const key = `${hash} ${image.digest}`;
  let normalized = state.normalized.get(key);
  if (!normalized) {
    normalized = normalize({ bytes: doc.bytes, mediaType: doc.mediaType }, { imageDigests: [image.digest] });
    state.normalized.set(key, normalized);
  }
  const ext = 'json';
  const stem = `evidence/${normalized.kind}-${normalized.format}`;
  const path = `${stem}-${hash.slice(0, 12)}.${ext}`;
  const target = join(folder, path);
  mkdirSync(dirname(target), { recursive: true });
  const first = state.documents.get(hash);
  if (first && existsSync(first)) {
    linkSync(first, target);
    linkSync(`${first}.sha256`, `${target}.sha256`);
  } else {
    writeFileSync(target, doc.bytes);
    writeFileSync(`${target}.sha256`, `${hash}  ${path.split('/').pop()}\n`);
    state.documents.set(hash, target);
  }
  return {
    path,
    sha256: hash,
    size: doc.bytes.length,
    mediaType: doc.mediaType,
    kind: normalized.kind,
    format: normalized.format,
    ...(normalized.formatVersion !== undefined ? { formatVersion: normalized.formatVersion } : {}),
    ...(normalized.detectedBy !== undefined ? { detectedBy: normalized.detectedBy } : {}),
    origin: { method: 'local-file', file: doc.file },
    valid: normalized.valid,
    problems: normalized.problems,
    subjects: normalized.subjects,
    summary: normalized.summary,
  };
}

function spdx(image, packages, created) {
  const hex = image.digest.slice(7);
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${image.ref}@${image.digest}`,
    documentNamespace: `https://synthetic.example/spdx/app-${image.i}-${hex.slice(0, 16)}`,
    creationInfo: { created, creators: ['Tool: synthetic-archive-1.0'] },
    documentDescribes: ['SPDXRef-image'],
    packages: [
      {
        SPDXID: 'SPDXRef-image',
        name: `app-${image.i}`,
        versionInfo: image.digest,
        downloadLocation: 'NOASSERTION',
        primaryPackagePurpose: 'CONTAINER',
        checksums: [{ algorithm: 'SHA256', checksumValue: hex }],
      },
      ...packages.map((p, k) => ({
        SPDXID: `SPDXRef-package-${k}`,
        name: p.name,
        versionInfo: p.version,
        downloadLocation: 'NOASSERTION',
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      })),
    ],
  };
}

function provenance(image, finished) {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: image.ref.replace(/:prod$/, ''), digest: { sha256: image.digest.slice(7) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://synthetic.example/build/container@v1',
        externalParameters: { source: { uri: `git+https://git.example/team-${image.i % 10}/app-${image.i}@refs/heads/main` } },
      },
      runDetails: { builder: { id: 'https://ci.example/builders/container@v2' }, metadata: { finishedOn: finished } },
    },
  };
}

function simpleSigning(image) {
  return {
    critical: {
      identity: { 'docker-reference': image.ref.replace(/:prod$/, '') },
      image: { 'docker-manifest-digest': image.digest },
      type: 'cosign container image signature',
    },
    optional: null,
  };
}

function trivy(image, packages, createdAt, scanDay) {
  const vulnerabilities = [];
  for (const p of packages) {
    if (p.name === LOG4J.name && p.version === LOG4J.vulnerable) {
      vulnerabilities.push({
        VulnerabilityID: LOG4J.cve,
        PkgName: p.name,
        InstalledVersion: p.version,
        FixedVersion: LOG4J.fixed,
        Severity: 'CRITICAL',
        PkgIdentifier: { PURL: p.purl },
      });
    }
  }
  // A few findings that come and go with the weekly scans.
  for (let k = 0; k < 3; k++) {
    const p = packages[(image.i + k + scanDay) % packages.length];
    vulnerabilities.push({
      VulnerabilityID: `CVE-2025-${String(1000 + ((image.i * 3 + k + Math.floor(scanDay / 7)) % 400)).padStart(4, '0')}`,
      PkgName: p.name,
      InstalledVersion: p.version,
      Severity: ['LOW', 'MEDIUM', 'HIGH'][k],
      PkgIdentifier: { PURL: p.purl },
    });
  }
  return {
    SchemaVersion: 2,
    CreatedAt: createdAt,
    ArtifactName: `${image.ref.replace(/:prod$/, '')}@${image.digest}`,
    ArtifactType: 'container_image',
    Metadata: { RepoDigests: [`${image.ref.replace(/:prod$/, '')}@${image.digest}`] },
    Results: [{ Target: `${image.ref} (synthetic)`, Class: 'lang-pkgs', Type: 'jar', Vulnerabilities: vulnerabilities }],
  };
}

function openvex(hex, timestamp) {
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://synthetic.example/vex/${hex.slice(0, 16)}`,
    author: 'Synthetic Security Team',
    timestamp,
    version: 1,
    statements: [
      {
        vulnerability: { name: LOG4J.cve },
        products: [{ '@id': `pkg:oci/app@sha256%3A${hex}` }],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
      },
    ],
  };
}
