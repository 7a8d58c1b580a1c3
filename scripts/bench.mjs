#!/usr/bin/env node
// npm run bench: every benchmark, each against a baseline run in the same
// process tree (never lone absolute times), figures printed and written to
// bench/out/results.json. Select some with BENCH=verify,chain,...
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './bench/common.mjs';

/** scripts/bench-normalize.mjs runs in its own process (it measures peak RSS of children). */
function benchNormalize() {
  const out = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench-normalize.mjs'), '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (out.status !== 0) throw new Error('bench-normalize failed');
  const { results } = JSON.parse(out.stdout);
  return {
    name: 'normalize',
    results,
    summary: results
      .map(
        (r) =>
          `normalize ${r.document} ${r.sizeMB} MB: JSON.parse ${r.jsonParseMs} ms, normalize ${r.normalizeMs} ms → ${r.ratio}× (target ≤ 1.5); peak RSS ${r.peakRssMB} MB = ${r.rssToSize}× size (target ≤ 4)`,
      )
      .join('\n'),
  };
}

const all = {
  verify: async () => (await import('./bench/verify.mjs')).benchVerify(),
  chain: async () => (await import('./bench/chain.mjs')).benchChain(),
  report: async () => (await import('./bench/report.mjs')).benchReport(),
  normalize: async () => benchNormalize(),
  'tag-value': async () => (await import('./bench/spdx-tag-value.mjs')).benchTagValue(),
  collect: async () => (await import('./bench-collect.mjs')).benchCollect(),
  stream: async () => (await import('./bench-stream.mjs')).benchStream(),
  archive: async () =>
    (await import('./bench-collect.mjs')).benchCollect({
      name: 'archive',
      images: Number(process.env.BENCH_ARCHIVE_IMAGES ?? 1000),
      referrers: 5,
      concurrency: 8,
      baseline: false,
    }),
  index: async () => (await import('./bench/index.mjs')).benchIndex(),
};
const wanted = (process.env.BENCH ?? Object.keys(all).join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const results = [];
for (const name of wanted) {
  const bench = all[name];
  if (!bench) throw new Error(`unknown benchmark ${name} (known: ${Object.keys(all).join(', ')})`);
  console.error(`bench: ${name}…`);
  const result = await bench();
  if (result) {
    results.push(result);
    console.log(result.summary);
  }
}
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'results.json'), `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
