// Index benchmark (issue 16): a synthetic archive of 365 days × 200 images
// (scripts/lib/synthetic-archive.mjs; BENCH_INDEX_DAYS, BENCH_INDEX_IMAGES
// make it smaller). Measured, each as its own process, against a baseline of
// the same run (scripts/bench/json-scan.mjs: reading and JSON.parse-ing
// every manifest and SBOM of the year):
// - `custody index` from scratch, and after one new day (targets: the new
//   day at least 20× faster than the full build);
// - `custody query package` and `custody query vuln` on the up-to-date
//   index (target: under 1 % of the JSON scan).
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOG4J, writeSyntheticArchive } from '../lib/synthetic-archive.mjs';
import { CLI, ROOT, bestOf, fmt, scratch, timed } from './common.mjs';

const DAYS = Number(process.env.BENCH_INDEX_DAYS ?? 365);
const IMAGES = Number(process.env.BENCH_INDEX_IMAGES ?? 200);

export async function benchIndex() {
  const root = join(scratch('index'), 'archive');
  const options = { days: DAYS, images: IMAGES };
  let started = Date.now();
  const generated = writeSyntheticArchive(root, options, 0, DAYS - 1);
  const generateSeconds = (Date.now() - started) / 1000;
  const index = join(root, '.custody-index', 'index.sqlite');
  const saved = join(root, '..', 'index-before-last-day.sqlite');

  // From scratch: no index folder at all, best of 2.
  let full;
  for (let run = 0; run < 2; run++) {
    rmSync(join(root, '.custody-index'), { recursive: true, force: true });
    const t = timed(process.execPath, [CLI, 'index', root, '--json']);
    if (t.code !== 0) throw new Error(`custody index failed on the benchmark archive: ${t.stdout.slice(0, 500)}`);
    if (!full || t.seconds < full.seconds) full = { ...t, report: JSON.parse(t.stdout) };
  }
  copyFileSync(index, saved);

  // One more day, indexed into a copy of the 364-day index, best of 3.
  started = Date.now();
  writeSyntheticArchive(root, options, DAYS - 1, DAYS);
  const appendSeconds = (Date.now() - started) / 1000;
  let incremental;
  for (let run = 0; run < 3; run++) {
    copyFileSync(saved, index);
    const t = timed(process.execPath, [CLI, 'index', root, '--json']);
    if (t.code !== 0) throw new Error(`custody index (one new day) failed: ${t.stdout.slice(0, 500)}`);
    const report = JSON.parse(t.stdout);
    if (report.days.added.length !== 1 || report.rebuilt !== null) throw new Error(`the new day was not indexed alone: ${t.stdout.slice(0, 500)}`);
    if (!incremental || t.seconds < incremental.seconds) incremental = { ...t, report };
  }

  const scan = bestOf(2, process.execPath, [join(ROOT, 'scripts', 'bench', 'json-scan.mjs'), root, LOG4J.name]);
  if (scan.code !== 0) throw new Error('the JSON scan failed');
  const scanned = JSON.parse(scan.stdout);
  const pkg = bestOf(3, process.execPath, [CLI, 'query', 'package', LOG4J.name, '--version', `>=2.0.0 <${LOG4J.fixed}`, '--root', root, '--format', 'csv']);
  const vuln = bestOf(3, process.execPath, [CLI, 'query', 'vuln', LOG4J.cve, '--root', root, '--format', 'csv']);
  for (const [name, q] of [['package', pkg], ['vuln', vuln]]) if (q.code !== 0) throw new Error(`custody query ${name} found nothing on the benchmark archive`);
  const rows = (q) => q.stdout.split('\r\n').filter(Boolean).length - 1;

  const result = {
    name: 'index',
    days: DAYS,
    images: IMAGES,
    files: generated.files,
    generateSeconds,
    appendSeconds,
    totals: full.report.totals,
    fullSeconds: full.seconds,
    fullRssMb: full.rssMb,
    incrementalSeconds: incremental.seconds,
    incrementalWork: { images: incremental.report.images, documents: incremental.report.documents },
    fullOverIncremental: full.seconds / incremental.seconds,
    scanSeconds: scan.seconds,
    scanned,
    packageSeconds: pkg.seconds,
    packageRows: rows(pkg),
    vulnSeconds: vuln.seconds,
    vulnRows: rows(vuln),
    packageOverScan: pkg.seconds / scan.seconds,
    vulnOverScan: vuln.seconds / scan.seconds,
  };
  result.summary = [
    `index ${DAYS} days × ${IMAGES} images (${result.totals.evidence} evidence entries of ${result.totals.documents} documents): from scratch ${fmt(full.seconds)} s (RSS ${fmt(full.rssMb, 0)} MB), one new day ${fmt(incremental.seconds)} s → ${fmt(result.fullOverIncremental, 1)}× faster (target ≥ 20×)`,
    `query package ${LOG4J.name} (${result.packageRows} rows) ${fmt(pkg.seconds)} s, query vuln ${LOG4J.cve} (${result.vulnRows} rows) ${fmt(vuln.seconds)} s; JSON scan of ${scanned.manifests} manifests and ${scanned.sboms} SBOMs ${fmt(scan.seconds)} s → ${fmt(result.packageOverScan * 100, 2)} % and ${fmt(result.vulnOverScan * 100, 2)} % of it (target < 1 %)`,
  ].join('\n');
  rmSync(join(root, '..'), { recursive: true, force: true });
  return result;
}
