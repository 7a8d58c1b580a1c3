import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BUILT_CLI, EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.js';

export const REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
export const GOOD = join(REPO_ROOT, 'examples', 'evidence', 'sbom.spdx.json');
export const DATE = '2026-11-29';

export function mkfifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/** Running as root, file modes do not stop reads: drop the two capabilities that bypass them (setpriv, util-linux). */
const AS_UNPRIVILEGED = ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search'];
export const canDropPrivileges = process.getuid?.() !== 0 || existsSync('/usr/bin/setpriv');

export interface BoundedResult extends CliResult {
  /** The child was still running at the deadline and was killed: a hang. */
  killed: boolean;
}

/**
 * The built CLI in a child process with a kill timer: a regression that
 * blocks on a FIFO fails the row instead of hanging the suite.
 */
export function runBounded(
  args: string[],
  options: { timeoutMs?: number; unprivileged?: boolean; cwd?: string; env?: Record<string, string> } = {},
): Promise<BoundedResult> {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run npm run build before the tests`);
  const argv = [process.execPath, BUILT_CLI, ...args];
  const [command, ...rest] = options.unprivileged && process.getuid?.() === 0 ? ['setpriv', ...AS_UNPRIVILEGED, ...argv] : argv;
  const child = spawn(command!, rest, { cwd: options.cwd ?? REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  let killed = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 20_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, killed });
    });
  });
}

/** Exactly one stderr line, `custody: …`; returns it. */
export function oneErrorLine(stderr: string): string {
  const lines = stderr.split('\n');
  expect(lines.at(-1), 'stderr ends with a newline').toBe('');
  expect(lines.slice(0, -1), `one line: ${JSON.stringify(stderr)}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^custody: /);
  return lines[0]!;
}

/** A fresh archive root with one image archived from the example SBOM; its day and image folders. */
export async function makeArchive(): Promise<{ root: string; day: string; image: string }> {
  const root = await tempDir('custody-hostile-root-');
  const result = await runCli(['archive', '--no-discover', REF, '--evidence', GOOD, '--root', root, '--date', DATE]);
  expect(result.code, result.stderr).toBe(0);
  const day = join(root, DATE);
  let image = join(day, 'images');
  while (!(await readdir(image)).includes('manifest.json')) image = join(image, (await readdir(image))[0]!);
  return { root, day, image };
}
