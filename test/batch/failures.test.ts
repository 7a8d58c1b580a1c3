import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { archive, type Collector } from '../../src/archive/archive.js';
import type { CommandContext } from '../../src/cli/context.js';
import { CustodyError } from '../../src/errors.js';
import { verifyArchive } from '../../src/verify/verify.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { LayoutBuilder } from '../helpers/layout-builder.js';

/** Issue 13: every image named in a run ends in the day manifest, whatever the retries and the error kind. */

const DATE = '2026-11-29';
let layout: string;
let imagesFile: string;

beforeAll(async () => {
  layout = join(await tempDir('custody-failures-layout-'), 'layout');
  await new LayoutBuilder(layout).image('1.0');
  imagesFile = join(await tempDir(), 'images.txt');
  await writeFile(imagesFile, `oci:${layout}:1.0\noci:${layout}:no-such-tag\n`);
});

async function dayImages(root: string): Promise<{ ref: string; status: string; error: string | null }[]> {
  return JSON.parse(await readFile(join(root, DATE, 'manifest.json'), 'utf8')).images;
}

describe('a failed image is listed in the day manifest', () => {
  it.each([
    ['the default retries', []],
    ['--retries 0', ['--retries', '0']],
    ['--retries 3', ['--retries', '3']],
  ])('a missing tag (not retryable) with %s: failed with its error, the run exits 1', async (_label, retries) => {
    const root = await tempDir();
    const run = await runCli(['archive', '--images', imagesFile, '--root', root, '--date', DATE, '--quiet', ...retries]);
    expect(run.code).toBe(1);
    const images = await dayImages(root);
    expect(images.map((i) => i.status).sort()).toEqual(['failed', 'ok']);
    expect(images.find((i) => i.ref.endsWith(':no-such-tag'))).toMatchObject({ status: 'failed', error: expect.stringContaining('no-such-tag') });
    expect((await verifyArchive(root)).problems).toEqual([]);
  });

  it('a retryable failure is retried, then recorded once', async () => {
    const root = await tempDir();
    let calls = 0;
    const collect: Collector = async () => {
      calls++;
      throw new CustodyError('NETWORK', 'connection refused by registry.example');
    };
    const report = await archive({ refs: ['registry.example/acme/app:1.0'], root, date: DATE, collect, retries: 2, retryDelayMs: 1 });
    expect(calls).toBe(3);
    expect(report.images[0]).toMatchObject({ status: 'failed', errorCode: 'NETWORK' });
    expect(await dayImages(root)).toEqual([
      expect.objectContaining({ ref: 'registry.example/acme/app:1.0', status: 'failed', error: 'connection refused by registry.example' }),
    ]);
  });

  it('a failure that cannot be recorded stops the run: DISK, exit 3, one line naming the image', async () => {
    const root = await tempDir();
    const collect: Collector = async () => {
      // The day manifest cannot be written: a folder stands where it goes.
      await mkdir(join(root, DATE, 'manifest.json'), { recursive: true });
      throw new CustodyError('NOT_FOUND', 'registry.example/acme/app: no image tagged "gone"');
    };
    await expect(archive({ refs: ['registry.example/acme/app:gone'], root, date: DATE, collect })).rejects.toMatchObject({
      code: 'DISK',
      message: expect.stringContaining('cannot record the failure of registry.example/acme/app:gone'),
    });

    const other = await tempDir();
    const context: CommandContext = {
      isTerminal: () => false,
      collecting: async () => ({
        collect: async () => {
          await mkdir(join(other, DATE, 'manifest.json'), { recursive: true });
          throw new CustodyError('NOT_FOUND', 'no image tagged "gone"');
        },
        resolve: async () => 'sha256:0',
        close: () => undefined,
      }),
    };
    const run = await runCli(['archive', 'registry.example/acme/app:gone', '--root', other, '--date', DATE], context);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^custody: cannot record the failure of registry\.example\/acme\/app:gone in .*manifest\.json: /),
    ]);
  });
});
