import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Real producers in tests (DESIGN.md "Real components in tests"): whether a
 * tool runs here. Where CI=true a missing tool fails the run (`.ci/run`
 * installs it); elsewhere its tests are skipped, and say so.
 */
export function toolAvailable(command: string, args: string[] = ['--version']): boolean {
  let ok: boolean;
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 60_000 });
    ok = true;
  } catch {
    ok = false;
  }
  if (!ok && process.env.CI === 'true') throw new Error(`${command} is needed by these tests (CI=true): .ci/run installs it`);
  return ok;
}

/** The Python that has the in-toto library Debian's `in-toto` package installs (not a pyenv shim). */
export const SYSTEM_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
