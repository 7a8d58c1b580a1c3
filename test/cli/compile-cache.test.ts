import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOOL } from '../../src/version.js';
import { spawnCli, tempDir } from '../helpers/cli.js';

/** Files anywhere under a folder. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

/** src/cli/main.ts turns Node's compile cache on before the command line and the commands load: a per-user folder, never in the way. */
describe('the compile cache of the custody command', () => {
  it('is kept in XDG_CACHE_HOME/custody/node-compile-cache; a folder that cannot be made, or NODE_DISABLE_COMPILE_CACHE, changes nothing else', async () => {
    const cache = await tempDir('custody-compile-cache-');
    const env = { XDG_CACHE_HOME: cache, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined };
    const first = await spawnCli(['--version'], { env }).done;
    expect(first).toEqual({ code: 0, stdout: `${TOOL.version}\n`, stderr: '' });
    expect(filesUnder(join(cache, 'custody', 'node-compile-cache')).length).toBeGreaterThan(0);
    expect(await spawnCli(['--version'], { env }).done).toEqual(first);

    const blocked = join(cache, 'a-file');
    writeFileSync(blocked, '');
    expect(await spawnCli(['--version'], { env: { ...env, XDG_CACHE_HOME: blocked } }).done).toEqual(first);

    const off = join(cache, 'off');
    expect(await spawnCli(['--version'], { env: { ...env, XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' } }).done).toEqual(first);
    expect(existsSync(off)).toBe(false);
  });
});
