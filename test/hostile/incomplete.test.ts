import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, openSource } from '../../src/collect/index.js';
import type { CommandContext } from '../../src/cli/context.js';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { readJson } from './archive-fixture.js';

/**
 * Discovery cut short (a registry listing 10,000 referrers against a bound
 * of 2,000, here the bundled layout against a bound of 2): the image is
 * archived `incomplete`, and the run does not pass, because the archive is
 * missing evidence that exists.
 */
function boundedDiscovery(maxArtifacts: number): CommandContext {
  return {
    isTerminal: () => false,
    collecting: async () => ({
      collect: async (ref) => {
        const source = openSource(ref);
        try {
          return await collect(source, ref, { maxArtifacts });
        } finally {
          await source.close();
        }
      },
      resolve: async (ref) => (await openSource(ref).resolve(ref)).digest,
      close: () => undefined,
    }),
  };
}

describe('an image whose discovery was cut short', () => {
  it('is archived incomplete, named in the day manifest, and the run exits 1', async () => {
    const root = await tempDir();
    const layout = `oci:${join(REPO_ROOT, 'examples', 'layout')}:1.0`;
    const run = await runCli(['archive', layout, '--root', root, '--date', '2026-11-29'], boundedDiscovery(2));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^custody: archived, but 1 of 1 images incomplete; first: .*more than 2 attached artifacts; the rest were not discovered/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    const day = await readJson<{ images: { status: string; error: string }[] }>(join(root, '2026-11-29', 'manifest.json'));
    expect(day.images).toEqual([expect.objectContaining({ status: 'incomplete', error: expect.stringMatching(/more than 2 attached artifacts/) })]);

    const whole = await runCli(['archive', layout, '--root', await tempDir(), '--date', '2026-11-29'], boundedDiscovery(2000));
    expect(whole.code, whole.stderr).toBe(0);
  });
});
