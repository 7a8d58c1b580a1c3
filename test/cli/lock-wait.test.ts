import { existsSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_NAME } from '../../src/lib/archive-format.js';
import type { CommandContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { EXAMPLE_DIGEST, REPO_ROOT, fakeDigest, runCli, tempDir } from '../helpers/cli.js';

const REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
const GOOD = join(REPO_ROOT, 'examples', 'evidence', 'sbom.spdx.json');
const SINCE = '2026-12-01T00:00:00.000Z';

/** A root whose lock another live run holds (this test process: alive, and not the run's own lock). */
async function lockedRoot(): Promise<string> {
  const root = await tempDir();
  await writeFile(join(root, LOCK_NAME), JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'other-run', startedAt: SINCE }));
  return root;
}

const archiveArgs = (root: string, ...extra: string[]) => [
  'archive',
  '--no-discover',
  REF,
  '--evidence',
  GOOD,
  '--root',
  root,
  '--date',
  '2026-11-29',
  ...extra,
];
const holder = `held by pid ${process.pid} on ${hostname()} since ${SINCE}`;

describe("waiting for another run's lock", () => {
  it('says at once who holds the lock and how long it waits, then fails naming the holder', async () => {
    const root = await lockedRoot();
    const result = await runCli(archiveArgs(root, '--lock-timeout', '0.3'));
    expect(result.code).toBe(3);
    expect(result.stderr.split('\n')).toEqual([
      `custody: waiting up to 0.3 s for the lock on ${root}, ${holder} (--lock-timeout S to change, 0 to fail at once)`,
      `custody: archive root ${root} is locked by pid ${process.pid} on ${hostname()} since ${SINCE}; waited 0.3 s (lock file ${join(root, LOCK_NAME)})`,
      '',
    ]);
    expect(existsSync(join(root, '2026-11-29'))).toBe(false);
  });

  it('--lock-timeout 0 fails at once, in one line', async () => {
    const root = await lockedRoot();
    const started = Date.now();
    const result = await runCli(archiveArgs(root, '--lock-timeout', '0'));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `custody: archive root ${root} is locked by pid ${process.pid} on ${hostname()} since ${SINCE}; waited 0 s (lock file ${join(root, LOCK_NAME)})\n`,
    );
  });

  it('the notice comes before the wait ends: released after it, the run archives', async () => {
    const root = await lockedRoot();
    const lines: string[] = [];
    let noticeAt = 0;
    const code = await main(archiveArgs(root), {
      out: () => undefined,
      err: (text) => {
        lines.push(text);
        if (text.includes('waiting up to')) {
          noticeAt = Date.now();
          void unlink(join(root, LOCK_NAME));
        }
      },
    });
    expect(code).toBe(0);
    expect(noticeAt).toBeGreaterThan(0);
    expect(lines).toEqual([`custody: waiting up to 120 s for the lock on ${root}, ${holder} (--lock-timeout S to change, 0 to fail at once)\n`]);
  });

  it('where progress is JSON lines, the wait is a lock-wait event', async () => {
    const root = await lockedRoot();
    const context: CommandContext = { isTerminal: () => false, collecting: () => Promise.reject(new Error('no registry in this test')) };
    const result = await runCli(
      ['archive', '--no-discover', REF, `registry.example/acme/other@${fakeDigest('other')}`, '--root', root, '--date', '2026-11-29', '--lock-timeout', '0.2'],
      context,
    );
    expect(result.code).toBe(3);
    const [first] = result.stderr.split('\n');
    expect(JSON.parse(first!)).toEqual({ event: 'lock-wait', root, pid: process.pid, host: hostname(), since: SINCE, waitSeconds: 0.2 });
  });

  it('--quiet says nothing while waiting', async () => {
    const root = await lockedRoot();
    const result = await runCli(archiveArgs(root, '--lock-timeout', '0.2', '--quiet'));
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^custody: archive root .* is locked by pid \d+ .*\n$/);
  });
});
