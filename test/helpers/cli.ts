import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CommandContext } from '../../src/cli/context.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const CORPUS = resolve(REPO_ROOT, '..', 'shared', 'corpus');
export const BUILT_CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in this process (fast; the same code path as the binary minus process.exit). */
export async function runCli(args: string[], context?: CommandContext): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) }, context);
  return { code, stdout, stderr };
}

/** Run the built binary in a child process (for kills, concurrency, real exit codes). */
export function spawnCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run npm run build before the tests`);
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
  return { child, done };
}

export async function tempDir(prefix = 'custody-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A made-up image digest from a label. */
export function fakeDigest(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}

/** The made-up image that examples/evidence/ describes (written by scripts/make-examples.mjs). */
export const EXAMPLE_DIGEST = 'sha256:5b829ddf46d6f0f69448ce05d30c9aa4f5578dce4442677d6e46ea650080a2c5';
