#!/usr/bin/env node
// The index benchmark's library measurement (scripts/bench/index.mjs): one
// question asked RUNS times through the library in one process (a service,
// a report), after one warm-up; prints the best wall and CPU milliseconds
// of a call, answer rendered as CSV included.
// Usage: node query-library.mjs ROOT RUNS package NAME RANGE | vuln ID
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { ROOT as REPO } from './common.mjs';

const { queryArchive, renderQuery } = await import(join(REPO, 'dist', 'src', 'query', 'index.js'));
const [root, runs, kind, term, range] = process.argv.slice(2);
const query = kind === 'package' ? { kind, name: term, ...(range ? { version: range } : {}) } : { kind, id: term };
let best;
let rows = 0;
for (let i = 0; i <= Number(runs); i++) {
  const cpu = cpuUsage();
  const started = performance.now();
  const result = await queryArchive(root, query);
  renderQuery(result, 'csv');
  const used = cpuUsage(cpu);
  const run = { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  rows = result.rows.length;
  if (i > 0 && (!best || run.ms < best.ms)) best = run;
}
console.log(JSON.stringify({ ...best, rows }));
