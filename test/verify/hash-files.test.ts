import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { HashPool, WORKER_THRESHOLD, hashFiles } from '../../src/verify/hash-files.js';
import { walkTree } from '../../src/verify/tree.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A tree with small files, their .sha256 texts, an empty file and files larger than one read (1 MiB). */
async function makeTree(fileCount: number): Promise<{ root: string; expected: Map<string, Buffer> }> {
  const root = await tempDir('custody-hash-');
  const expected = new Map<string, Buffer>();
  for (let i = 0; i < fileCount; i++) {
    const dir = `d${i % 7}`;
    await mkdir(join(root, dir), { recursive: true });
    const name = i % 5 === 0 ? `f${i}.json.sha256` : `f${i}.bin`;
    const bytes =
      i === 0 ? Buffer.alloc(0) : i % 5 === 0 ? Buffer.from(`${'a'.repeat(64)}  f${i}.json\n`) : randomBytes(i % 97 === 1 ? (1 << 20) * 2 + 17 : 100 + i);
    await writeFile(join(root, dir, name), bytes);
    expected.set(`${dir}/${name}`, bytes);
  }
  // Exactly one read's worth, then one more byte: the boundaries of the read loop.
  for (const size of [1 << 20, (1 << 20) + 1]) {
    const bytes = randomBytes(size);
    await writeFile(join(root, `edge-${size}.bin`), bytes);
    expected.set(`edge-${size}.bin`, bytes);
  }
  return { root, expected };
}

describe('hashing files across threads', () => {
  for (const [label, count, threads] of [
    ['in the main thread alone (a small tree)', 40, 2],
    ['with worker threads (a large tree)', WORKER_THRESHOLD + 300, 2],
    ['with one thread asked for', WORKER_THRESHOLD + 300, 1],
  ] as const) {
    it(`gives every file its sha256 and size, and the text of checksum files, ${label}`, async () => {
      const { root, expected } = await makeTree(count);
      const paths = [...expected.keys()];
      const digests = await hashFiles(root, paths, threads);
      expect(digests.size).toBe(expected.size);
      for (const [path, bytes] of expected) {
        const digest = digests.get(path);
        if (!digest || digest instanceof Error) throw new Error(`${path}: ${String(digest)}`);
        expect(digest.sha256, path).toBe(sha(bytes));
        expect(digest.size, path).toBe(bytes.length);
        if (path.endsWith('.sha256')) expect(digest.text, path).toBe(bytes.toString('utf8'));
        else expect(digest.text, path).toBeUndefined();
      }
    });
  }

  it('maps a file that vanished or cannot be read to its error, and hashes every other file', async () => {
    const { root, expected } = await makeTree(WORKER_THRESHOLD + 10);
    await mkdir(join(root, 'a-directory.bin'));
    const paths = [...expected.keys(), 'gone.bin', 'a-directory.bin'];
    const digests = await hashFiles(root, paths, 2);
    expect(digests.get('gone.bin')).toBeInstanceOf(Error);
    expect((digests.get('gone.bin') as Error).message).toBe('ENOENT');
    expect((digests.get('a-directory.bin') as Error).message).toBe('it is a directory, not a regular file');
    for (const path of expected.keys()) expect(digests.get(path)).not.toBeInstanceOf(Error);
  });

  it('a pool fed while the tree is walked (as verify does) hashes the same', async () => {
    const { root, expected } = await makeTree(WORKER_THRESHOLD * 5 + 50);
    const pool = new HashPool(root, 2);
    try {
      const entries = await walkTree(root, { onFile: (path) => pool.add(path) });
      const files = entries.filter((e) => e.type === 'file').map((e) => e.path);
      expect(files.sort()).toEqual([...expected.keys()].sort());
      const digests = await pool.finish();
      expect(digests.size).toBe(expected.size);
      for (const [path, bytes] of expected) expect((digests.get(path) as { sha256: string }).sha256, path).toBe(sha(bytes));
    } finally {
      await pool.close();
    }
  });

  // The pool loads its worker by URL beside hash-files: the built .js (the binary), or the .ts source with its types stripped by Node (these tests).
  for (const worker of ['src/verify/hash-worker.ts', 'dist/src/verify/hash-worker.js']) {
    it(`the worker module ${worker} hashes a job posted to it`, async (context) => {
      const file = join(REPO_ROOT, worker);
      if (!existsSync(file)) context.skip(`${worker} is not built (npm run build)`);
      const { root, expected } = await makeTree(20);
      const paths = [...expected.keys()];
      const thread = new Worker(pathToFileURL(file));
      try {
        const batch = { prefix: `${root}/`, paths, keepText: Uint8Array.from(paths, (p) => (p.endsWith('.sha256') ? 1 : 0)) };
        const results = await new Promise<[string, number, string?][]>((resolve, reject) => {
          thread.once('message', resolve);
          thread.once('error', reject);
          thread.postMessage(batch);
        });
        expect(results).toHaveLength(paths.length);
        results.forEach(([sha256, size, text], i) => {
          const bytes = expected.get(paths[i]!)!;
          expect(sha256).toBe(sha(bytes));
          expect(size).toBe(bytes.length);
          expect(text).toBe(paths[i]!.endsWith('.sha256') ? bytes.toString('utf8') : undefined);
        });
      } finally {
        await thread.terminate();
      }
    });
  }
});
