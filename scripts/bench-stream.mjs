#!/usr/bin/env node
// Issue 15's streaming benchmark: `custody archive` of one image carrying a
// large SPDX SBOM and a large opaque blob (default 512 MiB and 1 GiB), pushed
// to a local Distribution registry (Debian docker-registry on 127.0.0.1).
// Measured in the same run, on the same registry, one after the other:
//   - this build: blobs stream into the spool and are renamed into place;
//   - the build from before streaming (the parent of the commit that added
//     src/archive/spool.ts, exported with `git archive` into a temporary
//     folder and compiled there with this checkout's node_modules): every
//     body read whole into memory, as custody did before.
// Peak RSS and wall time of each child come from /usr/bin/time. Both
// archives must hold the same evidence, byte for byte (checked).
// Target: this build's peak RSS under 300 MB.
//
// BENCH_STREAM_SBOM_MB, BENCH_STREAM_OPAQUE_MB change the sizes;
// BENCH_STREAM_BASELINE names another commit to compare with.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, ROOT, fmt, scratch, timed } from './bench/common.mjs';
import { pushLargeLayout, writeLargeEvidenceImage } from './lib/large-evidence.mjs';
import { startRegistryProcess } from './lib/registry-process.mjs';

const MiB = 1024 * 1024;
const TARGET_MB = 300;

function requireTools() {
  const missing = [];
  if (!existsSync('/usr/bin/time')) missing.push('time (/usr/bin/time: apt-get install -y time)');
  if (!existsSync(process.env.CUSTODY_REGISTRY_BINARY ?? '/usr/bin/docker-registry')) missing.push('docker-registry');
  if (spawnSync('git', ['--version']).status !== 0) missing.push('git');
  if (missing.length) throw new Error(`bench stream needs ${missing.join(', ')}`);
  if (!existsSync(CLI)) throw new Error(`bench stream needs the build: run npm run build (missing ${CLI})`);
}

/** The commit before streaming: the parent of the first commit that added the spool. */
function baselineCommit() {
  if (process.env.BENCH_STREAM_BASELINE) return process.env.BENCH_STREAM_BASELINE;
  const added = execFileSync('git', ['log', '--diff-filter=A', '--format=%H', '--', 'src/archive/spool.ts'], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);
  if (added.length === 0) throw new Error('bench stream: no commit adds src/archive/spool.ts; set BENCH_STREAM_BASELINE to the commit to compare with');
  return execFileSync('git', ['rev-parse', `${added[added.length - 1]}^`], { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** `git archive` of `commit` into `dir`, compiled with this checkout's TypeScript and node_modules. */
function buildBaseline(commit, dir) {
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', commit], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const cli = join(dir, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`bench stream: the baseline build has no ${cli}`);
  return cli;
}

/** Read every file under `dir` once, so that neither run pays for a cold page cache the other did not. */
function warm(dir) {
  const files = readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
  spawnSync('cat', files, { stdio: ['ignore', 'ignore', 'inherit'] });
  // And no writeback of earlier writes (the push, the other run's archive) left to compete with this run's fsyncs.
  spawnSync('sync');
}

function archiveOnce(cli, ref, root, maxBytes) {
  const run = timed(process.execPath, [
    cli,
    'archive',
    ref,
    '--root',
    root,
    '--date',
    '2026-01-01',
    '--max-bytes',
    String(maxBytes),
    '--retries',
    '0',
    '--json',
  ]);
  if (run.code !== 0) throw new Error(`${cli} archive exited ${run.code}: ${run.stdout.slice(-600)}`);
  const image = JSON.parse(run.stdout).images[0];
  if (image.status !== 'ok') throw new Error(`${cli} archive: image ${image.status}: ${image.error}`);
  const manifest = JSON.parse(readFileSync(join(root, '2026-01-01', image.path, 'manifest.json'), 'utf8'));
  return { ...run, image, manifest };
}

export async function benchStream(options = {}) {
  const sbomBytes = Math.round((options.sbomMb ?? Number(process.env.BENCH_STREAM_SBOM_MB ?? 512)) * MiB);
  const opaqueBytes = Math.round((options.opaqueMb ?? Number(process.env.BENCH_STREAM_OPAQUE_MB ?? 1024)) * MiB);
  requireTools();
  const work = scratch('stream');
  let registry;
  try {
    const commit = baselineCommit();
    console.error(`bench stream: building the baseline ${commit.slice(0, 12)} (before streaming)…`);
    const baselineCli = buildBaseline(commit, join(work, 'baseline'));

    console.error(`bench stream: writing an image with a ${fmt(sbomBytes / MiB, 0)} MiB SBOM and a ${fmt(opaqueBytes / MiB, 0)} MiB opaque blob…`);
    const written = writeLargeEvidenceImage(join(work, 'layout'), { name: 'large', tag: '1.0', sbomBytes, opaqueBytes });
    registry = await startRegistryProcess({ dir: join(work, 'registry') });
    await pushLargeLayout(registry.url, written, 'bench/large');
    rmSync(join(work, 'layout'), { recursive: true, force: true });
    const ref = `${registry.host}/bench/large:1.0`;
    // Both builds get the same limit: large enough for the blobs (the default is 512 MiB per body).
    const maxBytes = Math.max(sbomBytes, opaqueBytes) + MiB;

    warm(join(work, 'registry', 'data'));
    console.error('bench stream: archive, this build (streaming)…');
    const streamed = archiveOnce(CLI, ref, join(work, 'root-new'), maxBytes);
    rmSync(join(work, 'root-new'), { recursive: true, force: true });
    warm(join(work, 'registry', 'data'));
    console.error('bench stream: archive, the build before streaming…');
    const buffered = archiveOnce(baselineCli, ref, join(work, 'root-old'), maxBytes);

    // The same evidence, byte for byte (sha256 of every archived file), and the same verdicts.
    const facts = (m) => m.evidence.map((e) => `${e.path} ${e.sha256} ${e.size} ${e.kind}/${e.format} valid=${e.valid}`).sort();
    if (JSON.stringify(facts(streamed.manifest)) !== JSON.stringify(facts(buffered.manifest))) {
      throw new Error(
        `bench stream: the two builds archived different evidence:\n${facts(streamed.manifest).join('\n')}\n---\n${facts(buffered.manifest).join('\n')}`,
      );
    }
    const sbom = streamed.manifest.evidence.find((e) => e.origin.descriptor?.digest === written.sbom.digest);
    if (!sbom?.valid || sbom.summary.componentCount !== written.sbom.packages)
      throw new Error(`bench stream: the SBOM was not judged as expected: ${JSON.stringify(sbom)}`);

    const result = {
      name: 'stream',
      baselineCommit: commit,
      sbomMB: +(written.sbom.size / MiB).toFixed(1),
      sbomPackages: written.sbom.packages,
      opaqueMB: +(written.opaque.size / MiB).toFixed(1),
      evidenceMB: +((written.sbom.size + written.opaque.size) / MiB).toFixed(1),
      streamedPeakRssMb: Math.round(streamed.rssMb),
      bufferedPeakRssMb: Math.round(buffered.rssMb),
      streamedSeconds: streamed.seconds,
      bufferedSeconds: buffered.seconds,
      wallTimeRatio: +(streamed.seconds / buffered.seconds).toFixed(2),
      targetPeakRssMb: TARGET_MB,
      met: streamed.rssMb < TARGET_MB,
    };
    result.summary = [
      `stream: custody archive of one image with a ${result.sbomMB} MiB SPDX SBOM (${result.sbomPackages} packages) and a ${result.opaqueMB} MiB opaque blob from the local registry`,
      `  this build (streaming): peak RSS ${result.streamedPeakRssMb} MB (target < ${TARGET_MB} MB: ${result.met ? 'met' : 'MISSED'}), ${fmt(result.streamedSeconds, 1)} s`,
      `  before streaming (${commit.slice(0, 12)}, bodies read whole): peak RSS ${result.bufferedPeakRssMb} MB, ${fmt(result.bufferedSeconds, 1)} s`,
      `  wall time streaming / before: ${fmt(result.wallTimeRatio)}; the same evidence archived byte for byte`,
    ].join('\n');
    return result;
  } finally {
    await registry?.stop();
    if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
    else console.error(`bench stream: kept ${work}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchStream();
  console.log(result.summary);
  if (!result.met) process.exitCode = 1;
}
