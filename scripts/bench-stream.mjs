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
// BENCH_STREAM_RUNS archives the same image that many times with each build
// (alternating, default 1); BENCH_STREAM_BASELINE names another commit to
// compare with.
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

/** Both builds must archive the same evidence, byte for byte (sha256 of every archived file), with the same verdicts. */
function sameEvidence(streamed, buffered) {
  const facts = (m) => m.evidence.map((e) => `${e.path} ${e.sha256} ${e.size} ${e.kind}/${e.format} valid=${e.valid}`).sort();
  if (JSON.stringify(facts(streamed)) !== JSON.stringify(facts(buffered))) {
    throw new Error(`bench stream: the two builds archived different evidence:\n${facts(streamed).join('\n')}\n---\n${facts(buffered).join('\n')}`);
  }
}

export async function benchStream(options = {}) {
  const runs = Math.max(1, Math.floor(options.runs ?? Number(process.env.BENCH_STREAM_RUNS ?? 1)));
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

    // Each round: this build, then the old one, each after the same warm-up; every round must archive the same evidence.
    const rounds = [];
    for (let round = 1; round <= runs; round++) {
      const label = runs > 1 ? ` (run ${round} of ${runs})` : '';
      warm(join(work, 'registry', 'data'));
      console.error(`bench stream: archive, this build (streaming)${label}…`);
      const streamed = archiveOnce(CLI, ref, join(work, 'root-new'), maxBytes);
      rmSync(join(work, 'root-new'), { recursive: true, force: true });
      warm(join(work, 'registry', 'data'));
      console.error(`bench stream: archive, the build before streaming${label}…`);
      const buffered = archiveOnce(baselineCli, ref, join(work, 'root-old'), maxBytes);
      rmSync(join(work, 'root-old'), { recursive: true, force: true });
      sameEvidence(streamed.manifest, buffered.manifest);
      rounds.push({ streamed, buffered });
    }
    const { streamed } = rounds[0];
    const sbom = streamed.manifest.evidence.find((e) => e.origin.descriptor?.digest === written.sbom.digest);
    if (!sbom?.valid || sbom.summary.componentCount !== written.sbom.packages)
      throw new Error(`bench stream: the SBOM was not judged as expected: ${JSON.stringify(sbom)}`);

    const streamedRss = rounds.map((r) => Math.round(r.streamed.rssMb));
    const bufferedRss = rounds.map((r) => Math.round(r.buffered.rssMb));
    const streamedSeconds = rounds.map((r) => r.streamed.seconds);
    const bufferedSeconds = rounds.map((r) => r.buffered.seconds);
    const result = {
      name: 'stream',
      baselineCommit: commit,
      sbomMB: +(written.sbom.size / MiB).toFixed(1),
      sbomPackages: written.sbom.packages,
      opaqueMB: +(written.opaque.size / MiB).toFixed(1),
      evidenceMB: +((written.sbom.size + written.opaque.size) / MiB).toFixed(1),
      runs,
      streamedPeakRssMb: Math.max(...streamedRss),
      bufferedPeakRssMb: Math.max(...bufferedRss),
      streamedPeakRssMbEach: streamedRss,
      bufferedPeakRssMbEach: bufferedRss,
      streamedSeconds: Math.max(...streamedSeconds),
      bufferedSeconds: Math.max(...bufferedSeconds),
      streamedSecondsEach: streamedSeconds,
      bufferedSecondsEach: bufferedSeconds,
      wallTimeRatio: +(streamedSeconds.reduce((a, b) => a + b, 0) / bufferedSeconds.reduce((a, b) => a + b, 0)).toFixed(2),
      targetPeakRssMb: TARGET_MB,
      met: Math.max(...streamedRss) < TARGET_MB,
    };
    const each = (values, unit, digits = 0) => values.map((v) => `${fmt(v, digits)}${unit}`).join(', ');
    result.summary = [
      `stream: custody archive of one image with a ${result.sbomMB} MiB SPDX SBOM (${result.sbomPackages} packages) and a ${result.opaqueMB} MiB opaque blob from the local registry${runs > 1 ? `, ${runs} runs of each build` : ''}`,
      `  this build (streaming): peak RSS ${each(streamedRss, ' MB')} (target < ${TARGET_MB} MB: ${result.met ? 'met' : 'MISSED'}), ${each(streamedSeconds, ' s', 1)}`,
      `  before streaming (${commit.slice(0, 12)}, bodies read whole): peak RSS ${each(bufferedRss, ' MB')}, ${each(bufferedSeconds, ' s', 1)}`,
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
