import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMissingFile, readRegularFile, readRegularFileIfExists, readRegularFileSync } from '../../src/lib/read-file.js';
import { codeOf } from '../helpers/errors.js';
import { tempDir } from '../helpers/cli.js';

describe('readRegularFile: regular files only, with a size limit', () => {
  it('reads a file, and a link to one when links are allowed', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'hello');
    await symlink(join(dir, 'f'), join(dir, 'link'));
    expect((await readRegularFile(join(dir, 'f'), { what: 'file' })).toString()).toBe('hello');
    expect((await readRegularFile(join(dir, 'link'), { what: 'file' })).toString()).toBe('hello');
    expect(readRegularFileSync(join(dir, 'link'), { what: 'file' }).toString()).toBe('hello');
  });

  it('refuses a link with noFollow, a folder, a device and a FIFO, naming each (this test would hang on a blocking open)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'f'), 'x');
    await symlink(join(dir, 'f'), join(dir, 'link'));
    await mkdir(join(dir, 'folder'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const cases: [string, boolean, string][] = [
      [join(dir, 'link'), true, 'a symbolic link'],
      [join(dir, 'folder'), false, 'a directory'],
      ['/dev/null', false, 'a character device'],
      [join(dir, 'fifo'), false, 'a FIFO'],
    ];
    for (const [path, noFollow, type] of cases) {
      expect(await codeOf(readRegularFile(path, { what: 'thing', noFollow }))).toEqual(['FILE_UNREADABLE', `thing ${path} is ${type}, not a regular file`]);
      // The synchronous reader on a FIFO is exercised in a child process (--ca-file rows in test/hostile/files.test.ts).
      if (type !== 'a FIFO') expect(() => readRegularFileSync(path, { what: 'thing', noFollow })).toThrow(`thing ${path} is ${type}, not a regular file`);
    }
  });

  it('refuses a file over the limit before reading it, with the hint; uses the code asked for', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'big'), 'x'.repeat(11));
    expect(await codeOf(readRegularFile(join(dir, 'big'), { what: 'file', maxBytes: 10, limitHint: '(set --max-bytes)' }))).toEqual([
      'INPUT_TOO_LARGE',
      `file ${join(dir, 'big')} is 11 bytes, over the limit of 10 (set --max-bytes)`,
    ]);
    expect((await readRegularFile(join(dir, 'big'), { what: 'file', maxBytes: 11 })).length).toBe(11);
    expect(await codeOf(readRegularFile(join(dir, 'none'), { what: 'policy', code: 'INVALID_POLICY' }))).toEqual([
      'INVALID_POLICY',
      `cannot read policy ${join(dir, 'none')}: ENOENT`,
    ]);
  });

  it('a missing file is undefined for readRegularFileIfExists, and isMissingFile says so', async () => {
    const dir = await tempDir();
    expect(await readRegularFileIfExists(join(dir, 'none'), { what: 'file' })).toBeUndefined();
    const err = await readRegularFile(join(dir, 'none'), { what: 'file' }).catch((e: unknown) => e);
    expect(isMissingFile(err)).toBe(true);
  });
});
