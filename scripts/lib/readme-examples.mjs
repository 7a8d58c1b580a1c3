// The README's example outputs, produced by running the built CLI: each
// `<!-- example:NAME -->` block of README.md is the transcript of the steps
// below labelled NAME (scripts/update-readme.mjs writes them,
// test/cli/readme-examples.test.ts checks them). The steps run in a fresh
// temp folder shown as /tmp, with copies of examples/, the example policy and
// the few corpus files they use laid out as in a checkout (../shared/corpus).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoSteps } from './demo-steps.mjs';
import { seededP256 } from './example-keys.mjs';
import { commandLines, normalise, runMerged, transcript } from './transcript.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');
const DATE = '2026-11-29';
const CORPUS_FILES = [
  'cosign/slsa-verifier-oci-layout-v2.1.0',
  'sigstore-bundles/trust/trusted_root.public-good.json',
  'sigstore-bundles/conformance/happy-path-v0.3',
  'sigstore-bundles/conformance/a.txt',
];
const SLSA_LAYOUT = 'oci:../shared/corpus/cosign/slsa-verifier-oci-layout-v2.1.0@sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122';
const PUBLIC_GOOD = '../shared/corpus/sigstore-bundles/trust/trusted_root.public-good.json';
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const LAYOUT_IMAGE = 'images/oci/layout/sha256-337a21cc74ea6b7878b74446bf8b7c17c8fdb0beb97e761e95b2f1e0a4c48370';

export function corpusDir() {
  return process.env.CUSTODY_CORPUS ?? resolve(REPO, '..', 'shared', 'corpus');
}

/** Why the examples cannot be produced here, or undefined. */
export function examplesUnavailable() {
  if (!existsSync(CLI)) return `${CLI} is missing (npm run build)`;
  const missing = CORPUS_FILES.filter((file) => !existsSync(join(corpusDir(), file)));
  return missing.length ? `the corpus files ${missing.join(', ')} are not in ${corpusDir()} (set CUSTODY_CORPUS)` : undefined;
}

/** The steps, in the order they run; `block` names the README block each belongs to. */
function steps(work, today) {
  const r1 = join(work, 'r1');
  const tarball = join(work, `r1-${DATE}.tar.gz`);
  const q1 = join(work, 'q1');
  const shop = (date, ...files) => [
    'archive',
    '--no-discover',
    'registry.example/acme/shop@sha256:5b829ddf46d6f0f69448ce05d30c9aa4f5578dce4442677d6e46ea650080a2c5',
    ...files.flatMap((f) => ['--evidence', `examples/evidence/${f}`]),
    '--root',
    q1,
    '--date',
    date,
    '--quiet',
  ];
  const layout = (date) => ['archive', 'oci:examples/layout:1.0', '--key', 'examples/cosign.pub', '--root', q1, '--date', date, '--quiet'];
  return [
    ...demoSteps(join(work, 'custody', 'examples'), today).map((args) => ({ block: 'demo', args })),
    { block: 'trust-archive', args: ['archive', 'oci:examples/layout:1.0', '--key', 'examples/cosign.pub', '--root', r1, '--date', DATE] },
    {
      block: 'trust-archive',
      args: [
        'archive',
        SLSA_LAYOUT,
        '--trusted-root',
        PUBLIC_GOOD,
        '--certificate-identity',
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0',
        '--certificate-oidc-issuer',
        GITHUB_ISSUER,
        '--root',
        r1,
        '--date',
        DATE,
      ],
    },
    {
      block: 'verify-evidence',
      args: [
        'verify-evidence',
        '../shared/corpus/sigstore-bundles/conformance/happy-path-v0.3/bundle.sigstore.json',
        '--artifact',
        '../shared/corpus/sigstore-bundles/conformance/a.txt',
        '--trusted-root',
        PUBLIC_GOOD,
        '--certificate-identity',
        'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
        '--certificate-oidc-issuer',
        GITHUB_ISSUER,
      ],
    },
    { block: 'seal', args: ['seal', join(r1, DATE), '--key', join(work, 'seal.key')] },
    { block: 'verify', args: ['verify', r1] },
    { block: 'export', args: ['export', join(r1, DATE), '--out', tarball] },
    { block: 'export', args: ['verify', tarball] },
    {
      block: 'export',
      sh: `mkdir ${work}/audit && tar xzf ${tarball} -C ${work}/audit && cd ${work}/audit && sha256sum -c --quiet SHA256SUMS && echo "all $(wc -l < SHA256SUMS) files match"`,
    },
    { block: 'sha256sum', sh: `cd ${r1}/${DATE}/${LAYOUT_IMAGE}/evidence && sha256sum -c *.sha256` },
    { block: 'report', args: ['report', r1, '--out', join(work, 'r1-report.html')] },
    { block: 'report-tampered', sh: `cp -r ${r1} ${work}/r2 && echo ' ' >> ${work}/r2/${DATE}/${LAYOUT_IMAGE}/evidence/sbom-spdx-5ec5ffaf75d5.json` },
    { block: 'report-tampered', exit: 1, args: ['report', join(work, 'r2'), '--out', join(work, 'r2-report.html')] },
    { block: 'report-trust', exit: 1, args: ['report', r1, '--key', 'examples/cosign.pub', '--out', join(work, 'r1-key-report.html')] },
    ...shopBuilds(work).map((args) => ({ block: 'diff', args })),
    { block: 'diff', exit: 1, args: ['diff', '2026-11-28', '2026-11-29', '--root', join(work, 'shop')] },
    { block: 'gate', exit: 1, args: ['gate', 'oci:examples/layout:1.0', '--policy', 'docs/gate-policy.example.yaml'] },
    { block: 'index', args: layout('2026-11-28') },
    { block: 'index', args: shop('2026-11-28', 'sbom.spdx.json', 'scan.trivy.json', 'provenance.intoto.json') },
    { block: 'index', args: layout('2026-11-29') },
    { block: 'index', args: ['index', q1] },
    { block: 'index', args: shop('2026-11-29', 'sbom.cdx.json', 'scan.trivy.json', 'vex.openvex.json') },
    { block: 'index', args: ['index', q1] },
    { block: 'query', args: ['query', 'package', 'openssl', '--root', q1] },
    { block: 'query', args: ['query', 'package', 'busybox', '--version', '>=1.36 <1.37', '--root', q1, '--since', '2026-11-29'] },
    { block: 'query', args: ['query', 'vuln', 'CVE-2023-45853', '--root', q1] },
    { block: 'query', args: ['query', 'missing', 'provenance', '--root', q1, '--format', 'json'] },
    { block: 'query', args: ['query', 'image', 'oci:examples/layout', '--root', q1] },
    { block: 'query', exit: 1, args: ['query', 'vuln', 'CVE-2021-44228', '--root', q1] },
    { block: 'nightly', show: join(work, 'images.txt') },
    { block: 'nightly', exit: 1, today: true, args: ['archive', '--images', join(work, 'images.txt'), '--root', join(work, 'n1'), '--concurrency', '1'] },
    { block: 'nightly', today: true, args: ['verify', join(work, 'n1'), '--chain'] },
  ];
}

/** Two nightly runs of the example shop image, tag 1.4 rebuilt in between (examples/evidence/ and examples/evidence/next/). */
function shopBuilds(work) {
  const builds = [
    ['2026-11-28', 'examples/evidence'],
    ['2026-11-29', 'examples/evidence/next'],
  ];
  return builds.map(([date, folder]) => {
    const digest = readFileSync(join(work, 'custody', folder, 'IMAGE'), 'utf8')
      .trim()
      .split('@')[1];
    const files = ['sbom.spdx.json', 'sbom.cdx.json', 'provenance.intoto.json', 'scan.trivy.json'].flatMap((f) => ['--evidence', `${folder}/${f}`]);
    return ['archive', '--no-discover', `registry.example/acme/shop:1.4@${digest}`, ...files, '--root', join(work, 'shop'), '--date', date, '--quiet'];
  });
}

/** A fresh folder laid out like a checkout beside ../shared/corpus, with the inputs the steps read. */
function prepare() {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'custody-readme-')));
  const cwd = join(work, 'custody');
  cpSync(join(REPO, 'examples'), join(cwd, 'examples'), { recursive: true });
  mkdirSync(join(cwd, 'docs'));
  cpSync(join(REPO, 'docs', 'gate-policy.example.yaml'), join(cwd, 'docs', 'gate-policy.example.yaml'));
  for (const file of CORPUS_FILES) cpSync(join(corpusDir(), file), join(work, 'shared', 'corpus', file), { recursive: true });
  // Any ECDSA P-256 private key seals (e.g. openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256); a seeded one keeps the signer the same.
  writeFileSync(join(work, 'seal.key'), seededP256('custody README seal key; not a secret').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const layoutPlatform = JSON.parse(
    readFileSync(join(cwd, 'examples', 'layout', 'blobs', 'sha256', '337a21cc74ea6b7878b74446bf8b7c17c8fdb0beb97e761e95b2f1e0a4c48370'), 'utf8'),
  ).manifests[0].digest;
  writeFileSync(
    join(work, 'images.txt'),
    [
      '# production images, one a line',
      'oci:examples/layout:1.0',
      'oci:examples/layout:2.0        # no such tag',
      `oci:examples/layout@${layoutPlatform}   # by digest`,
      '',
    ].join('\n'),
  );
  return { work, cwd };
}

function runStep(step, { work, cwd }, shown) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, LANG: 'C.UTF-8', TZ: 'UTC' };
  if (step.show) return transcript(`$ cat ${shown(step.show)}`, { status: 0, output: readFileSync(step.show, 'utf8') });
  if (step.sh) return transcript(`$ ${shown(step.sh)}`, runMerged('/bin/bash', ['-c', step.sh], { cwd, env, scratch: work }));
  const result = runMerged(process.execPath, [CLI, ...step.args], { cwd, env, scratch: work });
  if (result.status !== (step.exit ?? 0)) {
    throw new Error(`README example "${step.block}": custody ${step.args.join(' ')} exited ${result.status}, expected ${step.exit ?? 0}:\n${result.output}`);
  }
  return transcript(commandLines('custody', step.args.map(shown)), result);
}

/** Run every step; returns block name -> the text of its ```text block. */
export function renderExamples() {
  const why = examplesUnavailable();
  if (why) throw new Error(`cannot produce the README examples: ${why}`);
  const today = new Date().toISOString().slice(0, 10);
  const place = prepare();
  try {
    const blocks = new Map();
    for (const step of steps(place.work, today)) {
      const shown = (text) => normalise(text, { workDir: place.work, today: step.block === 'demo' || step.today ? today : undefined });
      const text = shown(runStep(step, place, shown));
      blocks.set(step.block, (blocks.get(step.block) ?? '') + text);
    }
    return blocks;
  } finally {
    rmSync(place.work, { recursive: true, force: true });
  }
}

const BLOCK = /<!-- example:([a-z0-9-]+) -->\n```text\n([\s\S]*?)```\n/g;

/** The example blocks of a README: name -> text. */
export function readmeExamples(readme) {
  return new Map([...readme.matchAll(BLOCK)].map((m) => [m[1], m[2]]));
}

/** README text with the given blocks replaced; throws when one has no marker. */
export function withExamples(readme, blocks) {
  const present = readmeExamples(readme);
  const missing = [...blocks.keys()].filter((name) => !present.has(name));
  if (missing.length) throw new Error(`README.md has no <!-- example:NAME --> block for ${missing.join(', ')}`);
  return readme.replace(BLOCK, (whole, name) => (blocks.has(name) ? `<!-- example:${name} -->\n\`\`\`text\n${blocks.get(name)}\`\`\`\n` : whole));
}

const FILE_BLOCK = /<!-- file:([\w./-]+) -->\n```(\w+)\n([\s\S]*?)```\n/g;

/** The `<!-- file:PATH -->` blocks of a README: path -> text shown. */
export function readmeFiles(readme) {
  return new Map([...readme.matchAll(FILE_BLOCK)].map((m) => [m[1], m[3]]));
}

/** README text with every `<!-- file:PATH -->` block set to that file of the repository. */
export function withFiles(readme) {
  return readme.replace(FILE_BLOCK, (_whole, path, lang) => `<!-- file:${path} -->\n\`\`\`${lang}\n${readFileSync(join(REPO, path), 'utf8')}\`\`\`\n`);
}
