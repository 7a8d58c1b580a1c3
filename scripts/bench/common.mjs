// Shared helpers for the benchmarks: timing child processes with GNU time
// (wall seconds and peak RSS), the machine's hashing limit, temp folders.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

export function scratch(prefix) {
  return mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), `custody-bench-${prefix}-`));
}

/** Run a command under /usr/bin/time; returns wall seconds, peak RSS in MB and the exit code. */
export function timed(command, args, options = {}) {
  const result = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const match = /BENCH ([\d.]+) (\d+)\s*$/.exec(result.stderr);
  if (!match) throw new Error(`could not time ${command}: ${result.stderr.slice(-500)}`);
  return { seconds: Number(match[1]), rssMb: Number(match[2]) / 1024, code: result.status, stdout: result.stdout };
}

/** Best (lowest wall time) of n runs, after one warm-up run (page cache hot for everyone). */
export function bestOf(n, command, args, options) {
  timed(command, args, options);
  let best;
  for (let i = 0; i < n; i++) {
    const run = timed(command, args, options);
    if (!best || run.seconds < best.seconds) best = run;
  }
  return best;
}

/** sha256 bytes per second per core for 16 KiB blocks, as `openssl speed -evp sha256` reports. */
export function opensslSha256Rate() {
  const out = execFileSync('openssl', ['speed', '-evp', 'sha256', '-bytes', '16384', '-seconds', '2'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = out.split('\n').find((l) => /^sha256\s/.test(l.trim()) || /^SHA256\s/i.test(l.trim()));
  const value = line ? /([\d.]+)k\s*$/.exec(line.trim()) : undefined;
  if (!value) throw new Error(`cannot read openssl speed output: ${out}`);
  return Number(value[1]) * 1000;
}

export const CORES = availableParallelism();

export function fmt(n, digits = 2) {
  return Number(n).toFixed(digits);
}
