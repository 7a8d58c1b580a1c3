// A synthetic archive for benchmarks: DAYS day folders × IMAGES images, laid
// out, checksummed and hash-chained exactly as `custody archive` writes them
// (the evidence entries come from custody's own normaliser and signature
// verifier, so `custody verify` passes on it), but written directly, which is
// hundreds of times faster than archiving through the CLI.
//
// Like a real nightly archive, most evidence repeats from day to day: an
// image is rebuilt (new digest, SBOM, provenance, signature) every 2–9 weeks
// and rescanned weekly; a file identical to yesterday's is a hard link to it
// (same bytes, same reads; less disk and a faster generation).
//
// Evidence per image: a CycloneDX 1.5 SBOM (40–400 components; one per
// platform for a two-platform index), a Trivy report whose findings point at
// SBOM components, an SLSA v1 provenance statement, a cosign signature made
// with a seeded key and verified at generation time (verify repeats it), and
// for a few images an OpenVEX document. Some images have no signature or no
// provenance, and a few image-days fail, so coverage is not uniform.
//
// Requires dist/ (npm run build). Used by scripts/bench/report.mjs; meant to
// be shared with other benchmarks of the archive.
import { createHash, sign } from 'node:crypto';
import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededP256 } from './example-keys.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (path) => import(join(REPO, 'dist', 'src', path));

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const serialize = (value) => `${JSON.stringify(value, null, 2)}\n`;
const DAY_MS = 86_400_000;
const SEVERITIES = ['CRITICAL', 'HIGH', 'HIGH', 'MEDIUM', 'MEDIUM', 'MEDIUM', 'LOW', 'LOW', 'LOW', 'UNKNOWN'];
const LICENSES = ['MIT', 'Apache-2.0', 'BSD-3-Clause', 'ISC', 'GPL-2.0-only', 'MPL-2.0'];

/** Deterministic small integers from a label. */
function pick(label, modulo) {
  return createHash('sha256').update(label).digest().readUInt32BE(0) % modulo;
}

/** What image `i` looks like on day `d`: its version changes every `period` days. */
function imagePlan(i, d) {
  const period = 14 + pick(`period ${i}`, 50);
  const version = Math.floor((d + pick(`offset ${i}`, period)) / period);
  const week = Math.floor((d + (i % 7)) / 7);
  return {
    repo: `bench.example/team-${i % 20}/app-${i}`,
    version,
    week,
    multiPlatform: i % 10 === 0,
    signed: i % 9 !== 4,
    provenance: i % 11 !== 5,
    vex: i % 25 === 3,
    failed: pick(`fail ${i} ${d}`, 997) === 0,
  };
}

function digestOf(label) {
  return `sha256:${sha256(label)}`;
}

function components(i, version) {
  const count = 40 + pick(`components ${i}`, 361);
  const list = [];
  for (let c = 0; c < count; c++) {
    // A component's version moves with the image version now and then.
    const minor = (c % 7 === 0 ? version : 0) + pick(`minor ${i} ${c}`, 20);
    const name = `lib-${pick(`name ${i} ${c}`, 5000)}-${c}`;
    const v = `${1 + (c % 4)}.${minor}.${c % 10}`;
    list.push({
      type: 'library',
      'bom-ref': `pkg:npm/${name}@${v}`,
      name,
      version: v,
      purl: `pkg:npm/${name}@${v}`,
      licenses: [{ license: { id: LICENSES[c % LICENSES.length] } }],
      hashes: [{ alg: 'SHA-256', content: sha256(`${name}@${v}`) }],
    });
  }
  return list;
}

function sbomBytes(i, version, digest, platform) {
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${sha256(`bom ${i} ${version} ${platform}`).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5')}`,
    version: 1,
    metadata: {
      timestamp: '2025-01-01T00:00:00Z',
      tools: { components: [{ type: 'application', name: 'syft', version: '1.18.1' }] },
      component: { type: 'container', name: `app-${i}`, version: digest },
    },
    components: components(i, version),
  };
  return Buffer.from(serialize(bom));
}

function scanBytes(i, version, week, dayTime, ref) {
  const list = components(i, version);
  const vulnerabilities = [];
  const count = pick(`vulns ${i} ${week}`, 25);
  for (let k = 0; k < count; k++) {
    const c = list[pick(`vuln component ${i} ${week} ${k}`, list.length)];
    vulnerabilities.push({
      VulnerabilityID: `CVE-2025-${10000 + pick(`cve ${i} ${k}`, 89999)}`,
      PkgID: `${c.name}@${c.version}`,
      PkgName: c.name,
      PkgIdentifier: { PURL: c.purl },
      InstalledVersion: c.version,
      FixedVersion: k % 3 === 0 ? '' : `${c.version}-fix`,
      Severity: SEVERITIES[pick(`severity ${i} ${k}`, SEVERITIES.length)],
      Title: `synthetic finding ${k} in ${c.name}`,
    });
  }
  const report = {
    SchemaVersion: 2,
    CreatedAt: new Date(dayTime).toISOString(),
    ArtifactName: ref,
    ArtifactType: 'container_image',
    Metadata: { ImageID: digestOf(`config ${i} ${version}`) },
    Results: [{ Target: `app-${i}`, Class: 'lang-pkgs', Type: 'node-pkg', Vulnerabilities: vulnerabilities }],
  };
  return Buffer.from(serialize(report));
}

function provenanceBytes(i, version, digest, repo) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: repo, digest: { sha256: digest.slice(7) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: { workflow: { ref: 'refs/heads/main', repository: `https://github.com/acme/app-${i}`, path: '.github/workflows/release.yml' } },
        resolvedDependencies: [{ uri: `git+https://github.com/acme/app-${i}@refs/heads/main`, digest: { gitCommit: sha256(`commit ${i} ${version}`).slice(0, 40) } }],
      },
      runDetails: {
        builder: { id: 'https://github.com/actions/runner/github-hosted' },
        metadata: { invocationId: `https://github.com/acme/app-${i}/actions/runs/${1000 + version}` },
      },
    },
  };
  return Buffer.from(serialize(statement));
}

function vexBytes(i, version, week, dayTime, ref) {
  const first = JSON.parse(scanBytes(i, version, week, dayTime, ref).toString()).Results[0].Vulnerabilities[0];
  const doc = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://vex.example/app-${i}/${version}`,
    author: 'security@acme.example',
    timestamp: '2025-01-01T00:00:00Z',
    version: 1,
    statements: first
      ? [{ vulnerability: { name: first.VulnerabilityID }, products: [{ '@id': first.PkgIdentifier.PURL }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }]
      : [],
  };
  return Buffer.from(serialize(doc));
}

function cosignPayload(repo, digest) {
  return Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': repo }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
}

/**
 * Write the archive. `days` day folders from `start` (YYYY-MM-DD), `images`
 * images a day. Returns what was written and how long it took.
 */
export async function makeSyntheticArchive({ root, days = 365, images = 200, start = '2025-01-01' }) {
  const started = Date.now();
  const [{ normalizeAll }, { loadArchiveTrust, signatureVerifier }] = await Promise.all([dist('normalize/items.js'), dist('archive/trust-kept.js')]);
  const keys = seededP256('custody synthetic archive key; not a secret');
  const keyDir = join(root, '..', `${root.split('/').pop()}-key`);
  mkdirSync(keyDir, { recursive: true });
  const keyPath = join(keyDir, 'cosign.pub');
  writeFileSync(keyPath, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const trust = await loadArchiveTrust({ keys: [keyPath] });
  const verifier = signatureVerifier(trust);

  /** Normalised evidence items, cached by what they are (most repeat from day to day). */
  const cache = new Map();
  const itemsFor = async (key, subject, make) => {
    let hit = cache.get(key);
    if (!hit) {
      const raws = make();
      const items = await normalizeAll(subject, raws, undefined, verifier);
      hit = items.map((item) => ({ item, sha256: sha256(item.bytes) }));
      cache.set(key, hit);
    }
    return hit;
  };

  let files = 0;
  let links = 0;
  let bytes = 0;
  /** Where each evidence file was last written, by image folder and content: hard-link the next day's copy. */
  let written = new Map();
  let previous = null;
  const dates = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(Date.parse(`${start}T00:00:00Z`) + d * DAY_MS).toISOString().slice(0, 10);
    dates.push(date);
    const dayTime = Date.parse(`${date}T02:15:00Z`);
    const dayDir = join(root, date);
    const nowWritten = new Map();
    const dayImages = [];
    const writeFile = (path, data) => {
      writeFileSync(path, data);
      files++;
      bytes += data.length;
    };
    const place = (path, data, key) => {
      const before = written.get(key);
      if (before) {
        linkSync(before, path);
        links++;
        files++;
        bytes += data.length;
      } else writeFile(path, data);
      nowWritten.set(key, path);
    };
    mkdirSync(dayDir, { recursive: true });
    for (let i = 0; i < images; i++) {
      const plan = imagePlan(i, d);
      const ref = `${plan.repo}:stable`;
      if (plan.failed) {
        dayImages.push({ ref, digest: null, path: null, manifestSha256: null, status: 'failed', error: `${plan.repo}: registry answered 503 Service Unavailable after 3 attempts` });
        continue;
      }
      const digest = digestOf(`image ${i} v${plan.version}`);
      const platforms = plan.multiPlatform
        ? ['amd64', 'arm64'].map((architecture) => ({
            digest: digestOf(`image ${i} v${plan.version} ${architecture}`),
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            platform: { architecture, os: 'linux' },
          }))
        : [];
      const subject = {
        ref,
        digest,
        mediaType: plan.multiPlatform ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json',
        platforms,
      };
      const local = (file, bytesOf, mediaType = '') => ({ bytes: bytesOf, mediaType, origin: { method: 'local-file', file } });
      const sboms = await itemsFor(`sbom ${i} ${plan.version}`, subject, () =>
        plan.multiPlatform
          ? platforms.map((p) => {
              const b = sbomBytes(i, plan.version, p.digest, p.platform.architecture);
              return {
                bytes: b,
                mediaType: 'application/vnd.cyclonedx+json',
                origin: { method: 'referrers-api', attachedTo: p.digest, descriptor: { mediaType: 'application/vnd.cyclonedx+json', digest: `sha256:${sha256(b)}`, size: b.length } },
              };
            })
          : [local('sbom.cdx.json', sbomBytes(i, plan.version, digest, 'image'), 'application/vnd.cyclonedx+json')],
      );
      const scan = await itemsFor(`scan ${i} ${plan.version} ${plan.week}`, subject, () => [
        local('trivy.json', scanBytes(i, plan.version, plan.week, Date.parse(`${start}T00:00:00Z`) + (plan.week * 7 - (i % 7)) * DAY_MS + 3_600_000, ref)),
      ]);
      const provenance = plan.provenance ? await itemsFor(`provenance ${i} ${plan.version}`, subject, () => [local('provenance.intoto.json', provenanceBytes(i, plan.version, digest, plan.repo))]) : [];
      const vex = plan.vex ? await itemsFor(`vex ${i} ${plan.version} ${plan.week}`, subject, () => [local('vex.openvex.json', vexBytes(i, plan.version, plan.week, 0, ref), 'application/vnd.openvex+json')]) : [];
      const signature = plan.signed
        ? await itemsFor(`signature ${i} ${plan.version}`, subject, () => {
            const payload = cosignPayload(plan.repo, digest);
            const annotations = { 'dev.cosignproject.cosign/signature': sign('sha256', payload, keys.privateKey).toString('base64') };
            return [
              {
                bytes: payload,
                mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
                origin: {
                  method: 'cosign-tag',
                  attachedTo: digest,
                  descriptor: { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: `sha256:${sha256(payload)}`, size: payload.length, annotations },
                  tag: `sha256-${digest.slice(7)}.sig`,
                },
              },
            ];
          })
        : [];

      const folder = `images/${plan.repo}/sha256-${digest.slice(7)}`;
      const imageDir = join(dayDir, folder);
      mkdirSync(join(imageDir, 'evidence'), { recursive: true });
      const evidence = [];
      for (const { item, sha256: hex } of [...sboms, ...scan, ...provenance, ...vex, ...signature]) {
        const { kind, format } = item.normalized;
        const path = `evidence/${kind}-${format}-${hex.slice(0, 12)}.json`;
        const name = path.slice('evidence/'.length);
        place(join(imageDir, path), item.bytes, `${folder}/${path}`);
        place(join(imageDir, `${path}.sha256`), Buffer.from(`${hex}  ${name}\n`), `${folder}/${path}.sha256`);
        evidence.push({
          path,
          sha256: hex,
          size: item.bytes.length,
          mediaType: item.mediaType,
          kind,
          format,
          ...(item.normalized.formatVersion !== undefined ? { formatVersion: item.normalized.formatVersion } : {}),
          ...(item.normalized.detectedBy !== undefined ? { detectedBy: item.normalized.detectedBy } : {}),
          origin: item.origin,
          valid: item.normalized.valid,
          problems: item.normalized.problems,
          subjects: item.normalized.subjects,
          summary: item.normalized.summary,
          ...(item.verification ? { verification: item.verification } : {}),
        });
      }
      const stamp = new Date(dayTime + i * 1000).toISOString();
      const manifest = Buffer.from(serialize({ schemaVersion: 1, tool: { name: 'custody', version: '0.1.0' }, createdAt: stamp, updatedAt: stamp, subject: { ...subject, tag: 'stable' }, evidence }));
      const manifestSha256 = sha256(manifest);
      writeFile(join(imageDir, 'manifest.json'), manifest);
      writeFile(join(imageDir, 'manifest.json.sha256'), Buffer.from(`${manifestSha256}  manifest.json\n`));
      dayImages.push({ ref, digest, path: folder, manifestSha256, status: 'ok', error: null });
    }
    const trustRecords = trust.copies.map((c) => c.record);
    for (const copy of trust.copies) {
      mkdirSync(join(dayDir, 'trust'), { recursive: true });
      writeFile(join(dayDir, copy.record.path), copy.bytes);
      writeFile(join(dayDir, `${copy.record.path}.sha256`), Buffer.from(`${copy.record.sha256}  ${copy.record.path.slice('trust/'.length)}\n`));
    }
    const stamp = new Date(dayTime + images * 1000).toISOString();
    const dayManifest = Buffer.from(
      serialize({ schemaVersion: 1, tool: { name: 'custody', version: '0.1.0' }, date, createdAt: stamp, updatedAt: stamp, images: dayImages, previous, trust: trustRecords }),
    );
    const daySha = sha256(dayManifest);
    writeFile(join(dayDir, 'manifest.json'), dayManifest);
    writeFile(join(dayDir, 'manifest.json.sha256'), Buffer.from(`${daySha}  manifest.json\n`));
    previous = { date, sha256: daySha };
    written = nowWritten;
  }
  return { root, dates, images, files, links, bytes, keyPath, seconds: (Date.now() - started) / 1000 };
}
