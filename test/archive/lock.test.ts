import { spawn } from 'node:child_process';
import { utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/archive/lock.js';
import { LOCK_NAME } from '../../src/lib/archive-format.js';
import { CustodyError } from '../../src/errors.js';
import { verifyArchive } from '../../src/verify/verify.js';
import { EXAMPLE_DIGEST, REPO_ROOT, spawnCli, tempDir } from '../helpers/cli.js';

describe('archive root lock', () => {
  it('a second taker waits, then fails with a clear LOCKED message naming the holder', async () => {
    const root = await tempDir();
    const held = await acquireLock(root);
    const started = Date.now();
    const error = await acquireLock(root, { waitMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(error).toBeInstanceOf(CustodyError);
    expect((error as CustodyError).code).toBe('LOCKED');
    expect((error as CustodyError).message).toContain(`pid ${process.pid} on ${hostname()}`);
    await held.release();
    const again = await acquireLock(root, { waitMs: 100 });
    await again.release();
  });

  it('a waiting taker gets the lock as soon as it is released', async () => {
    const root = await tempDir();
    const held = await acquireLock(root);
    setTimeout(() => void held.release(), 100);
    const second = await acquireLock(root, { waitMs: 5_000 });
    await second.release();
  });

  it('recovers a stale lock left by a killed process on this host', async () => {
    const root = await tempDir();
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    await writeFile(join(root, LOCK_NAME), JSON.stringify({ pid: deadPid, host: hostname(), nonce: 'dead', startedAt: '2026-01-01T00:00:00Z' }));
    const lock = await acquireLock(root, { waitMs: 200 });
    await lock.release();
  });

  it('recovers an unreadable lock only once it is older than staleMs', async () => {
    const root = await tempDir();
    await writeFile(join(root, LOCK_NAME), 'garbage');
    await expect(acquireLock(root, { waitMs: 100, staleMs: 60_000 })).rejects.toMatchObject({ code: 'LOCKED' });
    const lock = await acquireLock(root, { waitMs: 1_000, staleMs: 0 });
    await lock.release();
  });

  it('an empty lock (a run killed between creating and filling it) is stale after 10 s, not after staleMs', async () => {
    const root = await tempDir();
    const path = join(root, LOCK_NAME);
    await writeFile(path, '');
    // Just created: a live taker may be about to fill it.
    await expect(acquireLock(root, { waitMs: 100, staleMs: 600_000 })).rejects.toMatchObject({ code: 'LOCKED' });
    const old = new Date(Date.now() - 11_000);
    await utimes(path, old, old);
    const lock = await acquireLock(root, { waitMs: 1_000, staleMs: 600_000 });
    await lock.release();
  });

  it('two concurrent archive runs on one root both succeed and the tree verifies', async () => {
    const root = await tempDir();
    const evidence = join(REPO_ROOT, 'examples', 'evidence');
    const runs = ['a', 'b'].map(
      (label) =>
        spawnCli([
          'archive',
          '--no-discover',
          `registry.example/acme/${label}@${EXAMPLE_DIGEST}`,
          '--evidence',
          join(evidence, 'sbom.spdx.json'),
          '--evidence',
          join(evidence, 'scan.trivy.json'),
          '--evidence',
          join(evidence, 'sbom.cdx.json'),
          '--root',
          root,
          '--date',
          '2026-11-29',
        ]).done,
    );
    const results = await Promise.all(runs);
    for (const result of results) {
      // The only thing said on stderr: that one run waits for the other's lock, if it had to.
      expect(result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('custody: waiting up to 120 s for the lock on '))).toEqual([]);
      expect(result.code).toBe(0);
    }
    const report = await verifyArchive(root);
    expect(report.problems).toEqual([]);
    const { readFile } = await import('node:fs/promises');
    const day = JSON.parse(await readFile(join(root, '2026-11-29', 'manifest.json'), 'utf8'));
    expect(day.images.map((i: { ref: string }) => i.ref)).toEqual([`registry.example/acme/a@${EXAMPLE_DIGEST}`, `registry.example/acme/b@${EXAMPLE_DIGEST}`]);
  });
});
