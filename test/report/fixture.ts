import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { archive, type CollectedImage } from '../../src/archive/archive.js';
import { loadArchiveTrust } from '../../src/archive/trust-kept.js';
import { EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { cosignSignature, makeKey, trivyReport, type TestKey } from '../gate/helpers/signing.js';

/**
 * Archives the report and diff tests read, made by custody itself: the
 * example layout (a signed two-platform index with SBOMs and BuildKit
 * provenance) on two days, the example local evidence on the second; and an
 * image whose tag moves to a new digest, with new evidence, signer, findings
 * and components.
 */
export const D1 = '2026-11-28';
export const D2 = '2026-11-29';
export const LAYOUT_REF = `oci:${REPO_ROOT}/examples/layout:1.0`;
export const SHOP_REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
export const SHOP_EVIDENCE = ['sbom.spdx.json', 'sbom.cdx.json', 'provenance.intoto.json', 'scan.trivy.json'].map((f) =>
  join(REPO_ROOT, 'examples', 'evidence', f),
);
export const EXAMPLE_KEY = join(REPO_ROOT, 'examples', 'cosign.pub');

export const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function ok(args: string[]): Promise<void> {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`custody ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
}

/** D1: the layout. D2: the layout again and the shop image from local files. */
export async function demoRoot(): Promise<string> {
  const root = await tempDir('custody-report-root-');
  await ok(['archive', LAYOUT_REF, '--key', EXAMPLE_KEY, '--root', root, '--date', D1]);
  await ok(['archive', LAYOUT_REF, '--key', EXAMPLE_KEY, '--root', root, '--date', D2]);
  await archive({ refs: [SHOP_REF], evidenceFiles: SHOP_EVIDENCE, root, date: D2 });
  return root;
}

export const MOVING_REF = 'registry.example/acme/app:1.0';

interface Version {
  digest: string;
  key: TestKey;
  components: [name: string, version: string][];
  findings: { id: string; severity: string; pkg: string }[];
}

function cyclonedx(version: Version): Buffer {
  return Buffer.from(
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: { component: { type: 'container', name: 'app' } },
      components: version.components.map(([name, v]) => ({ type: 'library', name, version: v, purl: `pkg:npm/${name}@${v}` })),
    }),
  );
}

function collected(version: Version): CollectedImage {
  const sbom = cyclonedx(version);
  const signature = cosignSignature(version.digest, 'registry.example/acme/app', version.key.privateKey);
  const descriptor = (bytes: Buffer, mediaType: string, annotations?: Record<string, string>) => ({
    mediaType,
    digest: `sha256:${sha256(bytes)}`,
    size: bytes.length,
    ...(annotations ? { annotations } : {}),
  });
  return {
    subject: { ref: MOVING_REF, digest: version.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', platforms: [] },
    tag: '1.0',
    image: [],
    evidence: [
      {
        bytes: sbom,
        mediaType: 'application/vnd.cyclonedx+json',
        origin: { method: 'referrers-api', attachedTo: version.digest, descriptor: descriptor(sbom, 'application/vnd.cyclonedx+json') },
      },
      { bytes: trivyReport('2026-11-27T10:00:00Z', version.findings), mediaType: 'application/json', origin: { method: 'local-file', file: 'trivy.json' } },
      {
        bytes: signature.payload,
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        origin: {
          method: 'cosign-tag',
          attachedTo: version.digest,
          tag: `sha256-${version.digest.slice(7)}.sig`,
          descriptor: descriptor(signature.payload, 'application/vnd.dev.cosign.simplesigning.v1+json', signature.annotations),
        },
      },
    ],
    warnings: [],
  };
}

/**
 * `registry.example/acme/app:1.0` on D1 and D2 with a new digest, SBOM,
 * scan and signer on D2: lodash 4.17.20 → 4.17.21, left-pad removed,
 * chalk added; CVE-2021-23337 fixed, CVE-2026-0001 new; signed by key A,
 * then key B (both trusted).
 */
export async function movingRoot(): Promise<{ root: string; keyA: TestKey; keyB: TestKey }> {
  const root = await tempDir('custody-diff-root-');
  const keyA = makeKey();
  const keyB = makeKey();
  const keys = await tempDir('custody-diff-keys-');
  await writeFile(join(keys, 'a.pub'), keyA.publicPem);
  await writeFile(join(keys, 'b.pub'), keyB.publicPem);
  const trust = await loadArchiveTrust({ keys: [join(keys, 'a.pub'), join(keys, 'b.pub')] });
  const before: Version = {
    digest: `sha256:${sha256('app 1.0 build 1')}`,
    key: keyA,
    components: [
      ['lodash', '4.17.20'],
      ['left-pad', '1.3.0'],
      ['express', '4.19.2'],
    ],
    findings: [{ id: 'CVE-2021-23337', severity: 'HIGH', pkg: 'lodash' }],
  };
  const after: Version = {
    digest: `sha256:${sha256('app 1.0 build 2')}`,
    key: keyB,
    components: [
      ['lodash', '4.17.21'],
      ['express', '4.19.2'],
      ['chalk', '5.3.0'],
    ],
    findings: [{ id: 'CVE-2026-0001', severity: 'CRITICAL', pkg: 'chalk' }],
  };
  for (const [date, version] of [
    [D1, before],
    [D2, after],
  ] as const) {
    const report = await archive({ refs: [MOVING_REF], root, date, trust, collect: async () => collected(version) });
    if (report.images[0]?.status !== 'ok') throw new Error(`archive of ${MOVING_REF} on ${date} failed: ${report.images[0]?.error}`);
  }
  return { root, keyA, keyB };
}

/**
 * Edit an image manifest the way someone with write access to the archive
 * would, and make every checksum agree again: the image manifest's `.sha256`,
 * the day manifest's `manifestSha256`, the day manifest's `.sha256`. The
 * archive still verifies (a day alone, or a root whose chain ends there):
 * what the report shows of it must be inert all the same.
 */
export async function rewriteImageManifest(dayDir: string, imagePath: string, edit: (manifest: Record<string, unknown>) => void): Promise<void> {
  const file = join(dayDir, imagePath, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(file, text);
  await writeFile(`${file}.sha256`, `${sha256(text)}  manifest.json\n`);
  const dayFile = join(dayDir, 'manifest.json');
  const day = JSON.parse(await readFile(dayFile, 'utf8')) as { images: { path: string | null; manifestSha256: string | null; ref: string }[] };
  for (const image of day.images) if (image.path === imagePath) image.manifestSha256 = sha256(text);
  const dayText = `${JSON.stringify(day, null, 2)}\n`;
  await writeFile(dayFile, dayText);
  await writeFile(`${dayFile}.sha256`, `${sha256(dayText)}  ${basename(dayFile)}\n`);
}

/** The folder of `ref` in a day, from its day manifest. */
export async function imagePathOf(dayDir: string, ref: string): Promise<string> {
  const day = JSON.parse(await readFile(join(dayDir, 'manifest.json'), 'utf8')) as { images: { ref: string; path: string | null }[] };
  const path = day.images.find((i) => i.ref === ref)?.path;
  if (!path) throw new Error(`${ref} is not in ${dayDir}`);
  return path;
}

/** Strings an attacker with write access could put anywhere in a manifest. */
export const HOSTILE = {
  script: '<script>window.__pwned = 1</script>',
  img: '"><img src=x onerror="window.__pwned = 2">',
  style: '</style><link rel=stylesheet href="https://evil.example/x.css">',
  svg: ']]><svg onload="window.__pwned = 3"></svg>',
  controls: '\u0000\u001b[31mred\u001b[0m\u0007',
};
const HOSTILE_ALL = Object.values(HOSTILE).join(' ');

/**
 * A copy of the demo root whose last day holds hostile strings in the shop
 * image's manifest (reference, summaries, verdicts, problems) and its day
 * entry, every checksum made to agree: the archive verifies.
 */
export async function hostileRoot(): Promise<string> {
  const root = await demoRoot();
  const day = join(root, D2);
  const image = await imagePathOf(day, SHOP_REF);
  await rewriteImageManifest(day, image, (manifest) => {
    const subject = manifest.subject as Record<string, unknown>;
    subject.ref = `registry.example/acme/shop${HOSTILE.script}`;
    for (const entry of manifest.evidence as Record<string, unknown>[]) {
      const summary = entry.summary as Record<string, unknown>;
      summary.scanner = `trivy ${HOSTILE.img}`;
      summary.scannerVersion = HOSTILE.svg;
      summary.componentCount = HOSTILE.style;
      summary.certificateIdentity = HOSTILE_ALL;
      entry.formatVersion = HOSTILE.img;
      entry.problems = [{ code: HOSTILE.script, path: HOSTILE.svg, message: HOSTILE_ALL }];
      entry.valid = false;
      if (entry.kind === 'sbom') entry.kind = 'signature';
      entry.verification = { verified: false, code: HOSTILE.img, identity: { san: HOSTILE.script, issuer: HOSTILE.style }, reason: HOSTILE_ALL };
    }
  });
  const dayFile = join(day, 'manifest.json');
  const dayManifest = JSON.parse(await readFile(dayFile, 'utf8')) as { images: { ref: string; error: string | null; status: string }[] };
  for (const entry of dayManifest.images) {
    if (entry.ref !== SHOP_REF) continue;
    entry.ref = `registry.example/acme/shop${HOSTILE.img}`;
    entry.status = 'incomplete';
    entry.error = HOSTILE_ALL;
  }
  const text = `${JSON.stringify(dayManifest, null, 2)}\n`;
  await writeFile(dayFile, text);
  await writeFile(`${dayFile}.sha256`, `${sha256(text)}  manifest.json\n`);
  return root;
}
