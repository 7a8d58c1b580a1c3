// Chain benchmark (issue 7): verify --chain over 365 generated days.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { archive } from '../../dist/src/archive/archive.js';
import { CLI, bestOf, fmt, scratch } from './common.mjs';

const DAYS = Number(process.env.BENCH_CHAIN_DAYS ?? 365);

export async function benchChain() {
  const root = scratch('chain-root');
  const input = scratch('chain-input');
  const start = Date.parse('2025-11-30T00:00:00Z');
  for (let i = 0; i < DAYS; i++) {
    const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    const file = join(input, 'scan.json');
    writeFileSync(file, JSON.stringify({ day: date, note: 'nightly evidence' }));
    await archive({ refs: [`bench.example/app@sha256:${(i + 1).toString(16).padStart(64, '0')}`], evidenceFiles: [file], root, date });
  }
  const run = bestOf(3, process.execPath, [CLI, 'verify', root, '--chain', '--json']);
  if (run.code !== 0) throw new Error(`verify --chain failed: ${run.stdout.slice(0, 300)}`);
  return {
    name: 'chain',
    days: DAYS,
    seconds: run.seconds,
    msPerDay: (run.seconds * 1000) / DAYS,
    rssMb: run.rssMb,
    summary: `verify --chain over ${DAYS} days: ${fmt(run.seconds)} s, ${fmt((run.seconds * 1000) / DAYS)} ms per day (each day: manifest, one image, checksums, link), peak RSS ${fmt(run.rssMb, 0)} MB`,
  };
}
