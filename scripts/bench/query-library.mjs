#!/usr/bin/env node
// The index benchmark's library measurement (scripts/bench/index.mjs): one
// question asked through the library in one process (a service, a report):
// WARMUP calls first, for V8 to compile the hot code (the first few calls
// also pay the optimising compiler's threads), then RUNS calls; prints the
// best wall and CPU milliseconds of those RUNS calls (the steady state), and
// the first call's own figures, answer rendered as CSV included.
// Usage: node query-library.mjs ROOT RUNS package NAME RANGE | vuln ID  (WARMUP in the environment, default 5)
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { ROOT as REPO } from './common.mjs';

const { queryArchive, renderQuery } = await import(join(REPO, 'dist', 'src', 'query', 'index.js'));
const [root, runs, kind, term, range] = process.argv.slice(2);
const warmup = Number(process.env.WARMUP ?? 5);
const query = kind === 'package' ? { kind, name: term, ...(range ? { version: range } : {}) } : { kind, id: term };
let best;
let first;
let rows = 0;
for (let i = 0; i < warmup + Number(runs); i++) {
  const cpu = cpuUsage();
  const started = performance.now();
  const result = await queryArchive(root, query);
  renderQuery(result, 'csv');
  const used = cpuUsage(cpu);
  const run = { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  rows = result.cells.length;
  first ??= run;
  if (i >= warmup && (!best || run.ms < best.ms)) best = run;
}
console.log(JSON.stringify({ ...best, rows, warmup, first }));
