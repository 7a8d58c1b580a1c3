#!/usr/bin/env node
// Benchmark of the normaliser on large SBOMs (issue 3, "Benchmark"):
// generates a ~100 MB SPDX 2.3 JSON and a ~100 MB CycloneDX 1.6 JSON in a
// temporary folder, then, for each, in child processes:
//   - the time of JSON.parse alone on the same bytes (decoded outside the timing),
//   - the time of normalize() on those bytes (shape limits, parsing,
//     schema validation, subjects and summary included; a document this large
//     is judged in slices, never parsed whole),
//   - the peak RSS of a process that only reads the file and normalises it.
// Targets: normalize ≤ 1.5 × JSON.parse, peak RSS ≤ 4 × file size.
//
// Needs the compiled sources: `npx tsc -p .` first (imports dist/src/...).
// Usage: node scripts/bench-normalize.mjs [--mb 100] [--runs 5] [--json] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NORMALIZE = join(ROOT, 'dist', 'src', 'normalize', 'normalize.js');
const SELF = fileURLToPath(import.meta.url);

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

// ------------------------------------------------------------------ generators
/** Deterministic pseudo-random hex (xorshift), so every run benchmarks the same bytes. */
function hexStream(seed) {
  let x = seed >>> 0 || 1;
  return (length) => {
    let out = '';
    while (out.length < length) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out += (x >>> 0).toString(16).padStart(8, '0');
    }
    return out.slice(0, length);
  };
}

const LICENSES = ['MIT', 'Apache-2.0', 'BSD-3-Clause', 'GPL-2.0-only', 'ISC', 'MPL-2.0', 'LGPL-2.1-or-later', 'BSD-2-Clause'];

/** Write `head`, then items from `next(i)` joined by commas until the file reaches `bytes`, then `tail`. */
function writeDocument(path, bytes, head, next, tail) {
  const fd = openSync(path, 'w');
  let size = 0;
  let chunk = head;
  let i = 0;
  const budget = bytes - Buffer.byteLength(tail);
  while (size + chunk.length < budget) {
    const item = (i === 0 ? '' : ',') + next(i);
    i++;
    chunk += item;
    if (chunk.length > 1 << 20) {
      size += writeSync(fd, chunk);
      chunk = '';
    }
  }
  size += writeSync(fd, chunk);
  size += writeSync(fd, tail);
  closeSync(fd);
  return i;
}

function generateSpdx(path, bytes) {
  const hex = hexStream(23);
  const head =
    '{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"bench-image",' +
    '"documentNamespace":"https://example.com/spdx/bench-image","creationInfo":{"created":"2026-01-01T00:00:00Z",' +
    '"creators":["Tool: custody-bench-1.0.0","Organization: Example"]},"documentDescribes":["SPDXRef-Package-0"],"packages":[';
  let packages = 0;
  const count = writeDocument(
    path,
    Math.floor(bytes * 0.8),
    head,
    (i) => {
      packages = i + 1;
      const lic = LICENSES[i % LICENSES.length];
      return JSON.stringify({
        SPDXID: `SPDXRef-Package-${i}`,
        name: `package-${i}`,
        versionInfo: `${i % 13}.${i % 7}.${i % 5}`,
        supplier: 'Organization: Example',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: lic,
        licenseDeclared: `${lic} OR MIT`,
        copyrightText: 'NOASSERTION',
        checksums: [{ algorithm: 'SHA256', checksumValue: hex(64) }],
        externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:npm/package-${i}@${i % 13}.${i % 7}.${i % 5}` }],
        primaryPackagePurpose: 'LIBRARY',
      });
    },
    '],"relationships":[',
  );
  // Relationships fill the remaining fifth of the file.
  const fd = openSync(path, 'a');
  let size = statSync(path).size;
  let chunk = '';
  let r = 0;
  const tail = ']}';
  while (size + chunk.length < bytes - tail.length) {
    chunk +=
      (r === 0 ? '' : ',') +
      JSON.stringify({
        spdxElementId: 'SPDXRef-Package-0',
        relationshipType: 'DEPENDS_ON',
        relatedSpdxElement: `SPDXRef-Package-${(r % Math.max(1, packages - 1)) + 1}`,
      });
    r++;
    if (chunk.length > 1 << 20) {
      size += writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk + tail);
  closeSync(fd);
  return { packages: count, relationships: r };
}

function generateCyclonedx(path, bytes) {
  const hex = hexStream(42);
  const head =
    '{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,' +
    '"metadata":{"timestamp":"2026-01-01T00:00:00Z","tools":{"components":[{"type":"application","name":"custody-bench","version":"1.0.0"}]},' +
    `"component":{"type":"container","name":"bench-image","purl":"pkg:oci/bench-image@sha256%3A${'a'.repeat(64)}"}},"components":[`;
  const count = writeDocument(
    path,
    bytes,
    head,
    (i) =>
      JSON.stringify({
        type: 'library',
        'bom-ref': `pkg:npm/component-${i}@1.${i % 9}.${i % 4}`,
        name: `component-${i}`,
        version: `1.${i % 9}.${i % 4}`,
        purl: `pkg:npm/component-${i}@1.${i % 9}.${i % 4}`,
        hashes: [{ alg: 'SHA-256', content: hex(64) }],
        licenses: [{ license: { id: LICENSES[i % LICENSES.length] } }],
        properties: [{ name: 'custody:bench', value: String(i) }],
      }),
    ']}',
  );
  return { components: count };
}

// ------------------------------------------------------------------ child modes
async function child(mode, file) {
  const { normalize } = await import(NORMALIZE);
  const bytes = readFileSync(file);
  if (mode === 'time-parse' || mode === 'time-normalize') {
    // One measurement per fresh process, so that neither side inherits the other's heap. Both
    // first handle a small document of the same format (schemas compiled, code warm), then the
    // large one once.
    const small = readFileSync(arg('--warm', ''));
    const work = mode === 'time-parse' ? (b) => JSON.parse(b.toString('utf8')) : (b) => normalize({ bytes: b });
    work(small);
    const text = mode === 'time-parse' ? bytes.toString('utf8') : undefined;
    const t = performance.now();
    const result = mode === 'time-parse' ? JSON.parse(text) : normalize({ bytes });
    const ms = performance.now() - t;
    process.stdout.write(
      JSON.stringify({
        ms,
        ...(mode === 'time-normalize' ? { format: result.format, valid: result.valid, problems: result.problems.slice(0, 3), summary: result.summary } : {}),
      }),
    );
  } else if (mode === 'time-warm') {
    // The other way to measure: one long-lived process, both sides repeated with the heap already
    // grown (fewer collections while JSON.parse builds its graph).
    const parseTimes = [];
    const normTimes = [];
    for (let r = 0; r < 3; r++) {
      const text = bytes.toString('utf8');
      let t = performance.now();
      if (!JSON.parse(text)) throw new Error('unreachable');
      parseTimes.push(performance.now() - t);
      globalThis.gc?.();
      t = performance.now();
      normalize({ bytes });
      normTimes.push(performance.now() - t);
      globalThis.gc?.();
    }
    process.stdout.write(JSON.stringify({ parseMs: median(parseTimes), normalizeMs: median(normTimes) }));
  } else if (mode === 'rss') {
    const result = normalize({ bytes });
    if (!result.valid) throw new Error(`benchmark document is invalid: ${JSON.stringify(result.problems.slice(0, 3))}`);
    process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  } else if (mode === 'rss-parse') {
    // JSON.parse alone on the same bytes, for scale: the parsed graph is most of any normaliser's memory.
    const parsed = JSON.parse(bytes.toString('utf8'));
    process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, keys: Object.keys(parsed).length }));
  } else if (mode === 'breakdown') {
    // Where normalize's time goes, stage by stage, on the path a large document takes (judged in slices):
    // the scan for the top-level arrays, JSON.parse of the slices, and the rest (head, detection and the
    // format's fold: validation, subjects, summary), measured as normalize's time minus the first two.
    const { scanJson } = await import(join(ROOT, 'dist', 'src', 'normalize', 'scan.js'));
    const { forEachElement } = await import(join(ROOT, 'dist', 'src', 'normalize', 'split.js'));
    const { DEFAULT_LIMITS } = await import(join(ROOT, 'dist', 'src', 'normalize', 'limits.js'));
    const { normalize } = await import(NORMALIZE);
    normalize({ bytes }); // warm-up: compiled schemas, optimised code
    const time = (fn) => {
      const t = performance.now();
      const value = fn();
      return [performance.now() - t, value];
    };
    const [scan, { layout }] = time(() => scanJson(bytes, DEFAULT_LIMITS, true));
    const [parse] = time(() => {
      for (const member of layout.arrays) forEachElement(bytes, member, () => {});
    });
    const [total] = time(() => normalize({ bytes }));
    process.stdout.write(JSON.stringify({ scan: Math.round(scan), 'parse slices': Math.round(parse), 'head, detect, fold': Math.round(total - scan - parse) }));
  } else if (mode === 'rss-baseline') {
    process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, read: bytes.length }));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runChild(mode, file, extra = []) {
  const out = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', SELF, '--child', mode, file, ...extra], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (out.status !== 0) throw new Error(`child ${mode} failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

// ------------------------------------------------------------------ main
async function main() {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4]);
  if (!existsSync(NORMALIZE)) {
    console.error(`bench: ${NORMALIZE} is missing; build first (npx tsc -p .)`);
    process.exit(2);
  }
  const mb = Number(arg('--mb', '100'));
  const bytes = mb * 1024 * 1024;
  const dir = mkdtempSync(join(tmpdir(), 'custody-bench-'));
  const results = [];
  try {
    const docs = [
      { name: `SPDX 2.3 JSON`, file: join(dir, 'bench.spdx.json'), make: generateSpdx },
      { name: `CycloneDX 1.6 JSON`, file: join(dir, 'bench.cdx.json'), make: generateCyclonedx },
    ];
    for (const doc of docs) {
      const shape = doc.make(doc.file, bytes);
      const size = statSync(doc.file).size;
      const warm = `${doc.file}.small.json`;
      doc.make(warm, 64 * 1024);
      // Alternating fresh processes, median of each side.
      const parseTimes = [];
      const normTimes = [];
      let timing;
      for (let r = 0; r < Number(arg('--runs', '5')); r++) {
        parseTimes.push(runChild('time-parse', doc.file, ['--warm', warm]).ms);
        timing = runChild('time-normalize', doc.file, ['--warm', warm]);
        normTimes.push(timing.ms);
      }
      timing = { ...timing, parseMs: median(parseTimes), normalizeMs: median(normTimes), parseTimes, normTimes };
      const warmTiming = runChild('time-warm', doc.file);
      const rss = runChild('rss', doc.file);
      const rssParse = runChild('rss-parse', doc.file);
      const breakdown = runChild('breakdown', doc.file);
      const baseline = runChild('rss-baseline', doc.file);
      results.push({
        document: doc.name,
        sizeMB: +(size / 1048576).toFixed(1),
        shape,
        format: timing.format,
        valid: timing.valid,
        jsonParseMs: Math.round(timing.parseMs),
        normalizeMs: Math.round(timing.normalizeMs),
        warmProcess: {
          jsonParseMs: Math.round(warmTiming.parseMs),
          normalizeMs: Math.round(warmTiming.normalizeMs),
          ratio: +(warmTiming.normalizeMs / warmTiming.parseMs).toFixed(2),
        },
        jsonParseRunsMs: timing.parseTimes.map(Math.round),
        normalizeRunsMs: timing.normTimes.map(Math.round),
        ratio: +(timing.normalizeMs / timing.parseMs).toFixed(2),
        peakRssMB: Math.round(rss.maxRssKb / 1024),
        rssToSize: +((rss.maxRssKb * 1024) / size).toFixed(2),
        baselineRssMB: Math.round(baseline.maxRssKb / 1024),
        jsonParsePeakRssMB: Math.round(rssParse.maxRssKb / 1024),
        breakdownMs: breakdown,
        summary: timing.summary,
      });
    }
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.error(`kept ${dir}`);
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ node: process.version, results }, null, 2));
    return;
  }
  console.log(`normalize benchmark (node ${process.version}; targets: ratio ≤ 1.5, peak RSS ≤ 4 × size)`);
  for (const r of results) {
    const ok = (cond) => (cond ? 'ok' : 'MISSED');
    console.log(
      `${r.document.padEnd(20)} ${String(r.sizeMB).padStart(6)} MB  JSON.parse ${String(r.jsonParseMs).padStart(6)} ms  normalize ${String(r.normalizeMs).padStart(6)} ms  ` +
        `ratio ${r.ratio.toFixed(2)} (${ok(r.ratio <= 1.5)})  peak RSS ${r.peakRssMB} MB = ${r.rssToSize.toFixed(2)} × size (${ok(r.rssToSize <= 4)})  valid=${r.valid}`,
    );
    console.log(
      `${''.padEnd(20)} runs (ms, fresh process each): JSON.parse ${r.jsonParseRunsMs.join(' ')}; normalize ${r.normalizeRunsMs.join(' ')}\n` +
        `${''.padEnd(20)} one long-lived process, heap grown: JSON.parse ${r.warmProcess.jsonParseMs} ms, normalize ${r.warmProcess.normalizeMs} ms, ratio ${r.warmProcess.ratio}\n` +
        `${''.padEnd(20)} read-only process ${r.baselineRssMB} MB, read + JSON.parse alone ${r.jsonParsePeakRssMB} MB; stages (ms): ` +
        Object.entries(r.breakdownMs)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
    );
  }
}

await main();
