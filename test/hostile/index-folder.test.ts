import { execFileSync } from 'node:child_process';
import { mkdir, open, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { archivedExample } from './archive-fixture.js';

/**
 * ROOT/.custody-index/ is derived (custody index) and never part of the
 * archive, so `verify ROOT` must not read it: whatever is planted there can
 * neither stall verification nor hide in it. Each row plants something in
 * the index folder of an intact archive; verify ROOT must still finish
 * with exit 0 (the archive is intact), or name the planted link.
 */
interface Row {
  name: string;
  plant: (index: string, outside: string) => Promise<void>;
  exit: number;
  message?: RegExp;
}

const ROWS: Row[] = [
  {
    // Hashing 64 GiB of zeros would take longer than the test's timeout: the file must not be read.
    name: 'a 64 GiB sparse file',
    plant: async (index) => {
      await mkdir(index, { recursive: true });
      const handle = await open(join(index, 'index.sqlite'), 'w');
      await handle.truncate(64 * 1024 ** 3);
      await handle.close();
    },
    exit: 0,
  },
  {
    // Opening a FIFO for reading blocks until a writer comes: it must not be opened.
    name: 'a FIFO',
    plant: async (index) => {
      await mkdir(index, { recursive: true });
      execFileSync('mkfifo', [join(index, 'index.sqlite')]);
    },
    exit: 0,
  },
  {
    name: 'a deep tree of folders and files',
    plant: async (index) => {
      let dir = index;
      for (let depth = 0; depth < 50; depth++) {
        dir = join(dir, `d${depth}`);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'f'), 'derived');
      }
    },
    exit: 0,
  },
  {
    name: 'the index folder itself a link to a folder outside the root',
    plant: async (index, outside) => {
      await writeFile(join(outside, 'index.sqlite'), 'elsewhere');
      await symlink(outside, index);
    },
    exit: 1,
    message: /\.custody-index is a symbolic link/,
  },
];

describe('verify ROOT never reads ROOT/.custody-index/', () => {
  it.each(ROWS)(
    '$name planted in the index folder',
    async (row) => {
      const { root } = await archivedExample();
      await row.plant(join(root, '.custody-index'), await tempDir('custody-index-outside-'));
      const result = await runCli(['verify', root, '--json']);
      expect(result.code, result.stderr).toBe(row.exit);
      const report = JSON.parse(result.stdout) as { ok: boolean; problems: { code: string; path: string; message: string }[] };
      if (row.exit === 0) expect(report).toMatchObject({ ok: true, problems: [] });
      else {
        expect(report.problems.map((p) => p.path)).toEqual(['.custody-index']);
        expect(report.problems[0]!.message).toMatch(row.message!);
      }
    },
    20_000,
  );
});
