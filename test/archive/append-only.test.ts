import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFilesDurably, writeOnce } from '../../src/archive/atomic.js';
import { tempDir } from '../helpers/cli.js';
import { codeOf } from '../helpers/errors.js';

/**
 * DESIGN.md "Append-only: a file is never rewritten with other content."
 * The refusal in src/archive/atomic.ts is what guarantees it when a name
 * is already taken; these tests break when it goes.
 */
describe('append-only writes', () => {
  it('writeOnce refuses a path that holds other bytes and leaves them as they are; the same bytes are a no-op', async () => {
    const dir = await tempDir();
    const path = join(dir, 'evidence.json');
    expect(await writeOnce(path, 'first')).toBe(true);
    expect(await writeOnce(path, 'first')).toBe(false);
    const [code, message] = await codeOf(writeOnce(path, 'second'));
    expect(code).toBe('DISK');
    expect(message).toMatch(/refusing to overwrite .*append-only/);
    expect(await readFile(path, 'utf8')).toBe('first');
  });

  it('writeFilesDurably stops at a taken name and never lists it as created (a roll-back must not delete it)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'b.json'), 'kept');
    const created: string[] = [];
    const [code] = await codeOf(
      writeFilesDurably(
        dir,
        [
          { path: 'a.json', bytes: Buffer.from('new') },
          { path: 'b.json', bytes: Buffer.from('other') },
        ],
        created,
      ),
    );
    expect(code).toBe('DISK');
    expect(created).toEqual([join(dir, 'a.json')]);
    expect(await readFile(join(dir, 'b.json'), 'utf8')).toBe('kept');
  });
});
