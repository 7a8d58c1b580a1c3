import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_CLI } from '../helpers/cli.js';

/** Run the built CLI with its stdout read by nobody: the pipe is closed before custody writes a byte (`custody … | head -0`). */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** A reader that stops reading (head, a pager quit early) ends custody's output quietly, as it ends sha256sum's or git's. */
describe('a closed stdout pipe', () => {
  for (const [label, args, code] of [
    ['help text', ['--help'], 0],
    ['a usage error still exits 2 and says so on stderr', ['verify'], 2],
  ] as const) {
    it(`${label}: no stack trace, the command's own exit code`, async (context) => {
      if (!existsSync(BUILT_CLI)) context.skip('the CLI is not built (npm run build)');
      const result = await runWithClosedStdout([...args]);
      expect(result.code).toBe(code);
      expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(node:/);
      if (code === 2) expect(result.stderr).toMatch(/^custody: /);
      else expect(result.stderr).toBe('');
    });
  }
});
