// Report benchmark (issue 16): `custody report` of a synthetic year (365 days
// × 200 images, most evidence repeated day to day; scripts/lib/synthetic-archive.mjs)
// against a baseline in the same run: reading and JSON.parse-ing every day
// manifest, image manifest and SBOM of the year (scripts/bench/json-scan.mjs).
// Runs alternate (scan, report, scan, report, …) after one warm-up of each, so
// that both meet the same page cache and the same load; the best of each counts.
// BENCH_REPORT_ROOT reuses an archive made before; BENCH_REPORT_DAYS and
// BENCH_REPORT_IMAGES size a new one.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS, writeSyntheticArchive } from '../lib/synthetic-archive.mjs';
import { CLI, ROOT, fmt, scratch, timed } from './common.mjs';

const DAYS = Number(process.env.BENCH_REPORT_DAYS ?? 365);
const IMAGES = Number(process.env.BENCH_REPORT_IMAGES ?? 200);
const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 2);
/** Packages per generated SBOM (the generator's default when unset). */
const COMPONENTS = process.env.BENCH_REPORT_COMPONENTS ? Number(process.env.BENCH_REPORT_COMPONENTS) : undefined;

export async function benchReport() {
  let root = process.env.BENCH_REPORT_ROOT;
  let generated;
  if (!root || !existsSync(root)) {
    root = join(scratch('report'), 'root');
    const started = performance.now();
    generated = writeSyntheticArchive(root, { days: DAYS, images: IMAGES, ...(COMPONENTS ? { components: COMPONENTS } : {}) });
    console.error(`bench: report: ${DAYS} days × ${IMAGES} images generated in ${fmt((performance.now() - started) / 1000, 1)} s (${generated.files} files)`);
  }
  const out = join(scratch('report-out'), 'year.html');
  const scan = () => timed(process.execPath, [join(ROOT, 'scripts', 'bench', 'json-scan.mjs'), root]);
  const report = () => timed(process.execPath, [CLI, 'report', root, '--out', out]);
  const check = (run, what) => {
    if (run.code !== 0) throw new Error(`${what} exited ${run.code}: ${run.stdout.slice(0, 500)}`);
    return run;
  };
  check(scan(), 'json scan');
  check(report(), 'custody report');
  let bestScan;
  let bestReport;
  for (let i = 0; i < RUNS; i++) {
    const s = check(scan(), 'json scan');
    const r = check(report(), 'custody report');
    if (!bestScan || s.seconds < bestScan.seconds) bestScan = s;
    if (!bestReport || r.seconds < bestReport.seconds) bestReport = r;
  }
  const counts = JSON.parse(bestScan.stdout);
  const sha = /sha256 ([0-9a-f]{64})/.exec(bestReport.stdout)?.[1];
  if (generated) rmSync(join(root, '..'), { recursive: true, force: true });
  const ratio = bestReport.seconds / bestScan.seconds;
  return {
    name: 'report',
    days: DAYS,
    images: IMAGES,
    imageManifests: counts.manifests,
    sboms: counts.sboms,
    jsonBytes: counts.bytes,
    scanSeconds: bestScan.seconds,
    scanRssMb: bestScan.rssMb,
    reportSeconds: bestReport.seconds,
    reportRssMb: bestReport.rssMb,
    ratio,
    reportSha256: sha,
    summary:
      `report of ${DAYS} days × ${IMAGES} images (${counts.manifests} manifests, ${counts.sboms} SBOMs${generated ? ` of ${COMPONENTS ?? DEFAULTS.components} packages each` : ''}, ${fmt(counts.bytes / 2 ** 30)} GiB of JSON): ` +
      `custody report ${fmt(bestReport.seconds)} s (verify included, peak RSS ${fmt(bestReport.rssMb, 0)} MB) vs read + JSON.parse of every manifest and SBOM ${fmt(bestScan.seconds)} s ` +
      `→ ${fmt(ratio)}× (target ≤ 2)`,
  };
}
