#!/usr/bin/env node
// Issue 4's benchmark: 200 images with 5 referrers each (plus a cosign
// signature) in a local Distribution registry. Reports, in the same run:
//   - `custody archive --images` first run, and a rerun with nothing new;
//   - the same job as people script it today: a shell loop of
//     `skopeo inspect --raw` per image and per tag, and `curl` per blob;
//   - the library alone: discover() and collect() over all images in one session.
// Needs `npm run build` (dist/), docker-registry, skopeo, curl and jq.
// BENCH_COLLECT_IMAGES and BENCH_COLLECT_REFERRERS change the size.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateKeyPairSync, sign } from 'node:crypto';
import { CLI, ROOT, fmt, scratch, timed } from './bench/common.mjs';
import { writeEvidenceImage } from './lib/evidence-image.mjs';
import { startRegistryProcess } from './lib/registry-process.mjs';
import { RegistryPusher } from './lib/registry-push.mjs';

const DEFAULT_IMAGES = Number(process.env.BENCH_COLLECT_IMAGES ?? 200);
const DEFAULT_REFERRERS = Number(process.env.BENCH_COLLECT_REFERRERS ?? 5);

/** The shell loop people write today (scripts/bench/collect-baseline.sh). */
const BASELINE = join(ROOT, 'scripts', 'bench', 'collect-baseline.sh');

function requireTools() {
  const missing = ['skopeo', 'curl', 'jq', 'bash'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (!existsSync(process.env.CUSTODY_REGISTRY_BINARY ?? '/usr/bin/docker-registry')) missing.push('docker-registry');
  if (missing.length) throw new Error(`bench collect needs ${missing.join(', ')}`);
  if (!existsSync(CLI)) throw new Error(`bench collect needs the build: run npm run build (missing ${CLI})`);
}

async function pool(items, limit, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

/**
 * options: images, referrers, concurrency (custody --concurrency), baseline
 * (run the shell loop), library (time discover/collect alone), name.
 */
export async function benchCollect(options = {}) {
  const IMAGES = options.images ?? DEFAULT_IMAGES;
  const REFERRERS = options.referrers ?? DEFAULT_REFERRERS;
  requireTools();
  const work = scratch('collect');
  const registry = await startRegistryProcess({ dir: join(work, 'registry') });
  try {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pusher = new RegistryPusher(registry.url);
    const refs = [];
    const layouts = [];
    for (let i = 0; i < IMAGES; i++) {
      const name = `app-${String(i).padStart(3, '0')}`;
      const dir = join(work, 'layouts', name);
      writeEvidenceImage(dir, {
        name,
        repository: `registry.bench/bench/${name}`,
        tag: '1.0',
        platforms: [{ os: 'linux', architecture: 'amd64' }],
        sign: (payload) => sign('sha256', payload, privateKey).toString('base64'),
        referrersTags: true,
        extraReferrers: Math.max(0, REFERRERS - 2),
      });
      layouts.push({ dir, repo: `bench/${name}` });
      refs.push(`${registry.host}/bench/${name}:1.0`);
    }
    await pool(layouts, 8, ({ dir, repo }) => pusher.pushLayout(dir, repo));
    pusher.close();
    const imagesFile = join(work, 'images.txt');
    writeFileSync(imagesFile, `${refs.join('\n')}\n`);

    // custody archive: first run, then a rerun on the same day with nothing new.
    const root = join(work, 'archive');
    const args = [
      CLI,
      'archive',
      '--images',
      imagesFile,
      '--root',
      root,
      '--date',
      '2026-01-01',
      '--quiet',
      ...(options.concurrency ? ['--concurrency', String(options.concurrency)] : []),
    ];
    const first = timed(process.execPath, args);
    if (first.code !== 0) throw new Error(`custody archive (first run) exited ${first.code}`);
    const rerun = timed(process.execPath, args);
    if (rerun.code !== 0) throw new Error(`custody archive (rerun) exited ${rerun.code}`);

    if (options.baseline === false) {
      const result = {
        name: options.name ?? 'archive',
        images: IMAGES,
        evidencePerImage: REFERRERS,
        concurrency: options.concurrency ?? null,
        archiveFirstSeconds: first.seconds,
        archiveRerunSeconds: rerun.seconds,
        firstImagesPerSecond: IMAGES / first.seconds,
        rerunImagesPerSecond: IMAGES / rerun.seconds,
        rssMb: first.rssMb,
      };
      result.summary =
        `archive: ${IMAGES} images × ${REFERRERS} evidence (+1 signature) from the local registry at concurrency ${options.concurrency ?? 'default'}: ` +
        `first run ${fmt(first.seconds)} s = ${fmt(result.firstImagesPerSecond, 1)} images/s (peak RSS ${fmt(first.rssMb, 0)} MB); ` +
        `rerun ${fmt(rerun.seconds)} s = ${fmt(result.rerunImagesPerSecond, 1)} images/s`;
      return result;
    }

    // The shell loop, same images, same registry.
    const out = join(work, 'baseline');
    mkdirSync(out);
    const baseline = timed('bash', [BASELINE, registry.host, imagesFile, out]);
    if (baseline.code !== 0) throw new Error(`baseline script exited ${baseline.code}`);

    // The library alone, in this process, one session.
    const { collect, discover, openSource, RegistrySession } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'collect', 'index.js')).href);
    const { parseReference } = await import(pathToFileURL(join(ROOT, 'dist', 'src', 'oci', 'reference.js')).href);
    const library = {};
    for (const [label, fn] of [
      ['discover', discover],
      ['collect', collect],
    ]) {
      const session = new RegistrySession();
      const started = performance.now();
      let evidence = 0;
      await pool(refs, 8, async (input) => {
        const ref = parseReference(input);
        const result = await fn(openSource(ref, { session }), ref);
        evidence += label === 'collect' ? result.evidence.length : result.nodes.length;
      });
      library[label] = { seconds: (performance.now() - started) / 1000, count: evidence };
      session.close();
    }

    const result = {
      name: 'collect',
      images: IMAGES,
      referrersPerImage: REFERRERS,
      archiveFirstSeconds: first.seconds,
      archiveRerunSeconds: rerun.seconds,
      scriptSeconds: baseline.seconds,
      firstVsScript: baseline.seconds / first.seconds,
      rerunVsFirst: first.seconds / rerun.seconds,
      libraryDiscoverSeconds: library.discover.seconds,
      libraryCollectSeconds: library.collect.seconds,
      evidencePerRun: library.collect.count,
      rssMb: first.rssMb,
    };
    result.summary = [
      `collect: ${IMAGES} images × ${REFERRERS} referrers (+1 cosign signature) in a local registry`,
      `  custody archive, first run: ${fmt(first.seconds)} s (peak RSS ${fmt(first.rssMb, 0)} MB); rerun, nothing new: ${fmt(rerun.seconds)} s`,
      `  shell loop (skopeo inspect --raw + curl): ${fmt(baseline.seconds)} s`,
      `  first run ${fmt(result.firstVsScript, 1)}× faster than the script (target ≥ 5×); rerun ${fmt(result.rerunVsFirst, 1)}× faster than the first run (target ≥ 10×)`,
      `  library alone, one session: discover ${fmt(library.discover.seconds)} s, collect ${fmt(library.collect.seconds)} s (${library.collect.count} evidence files)`,
    ].join('\n');
    return result;
  } finally {
    await registry.stop();
    if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchCollect();
  console.log(result.summary);
}
