import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileIdentity, readArchiveDays } from '../../src/query/archive-days.js';
import { tempDir } from '../helpers/cli.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The stat data a query trusts instead of hashing a day manifest again, and when it does not. */
describe('readArchiveDays', () => {
  async function day(text: string) {
    const root = await tempDir('custody-days-');
    await mkdir(join(root, '2026-07-01'));
    const file = join(root, '2026-07-01', 'manifest.json');
    await writeFile(file, text);
    return { root, file };
  }

  it('hashes a manifest it knows nothing of', async () => {
    const { root } = await day('{"a":1}');
    expect(readArchiveDays(root, ['2026-07-01'])).toEqual([
      { date: '2026-07-01', sha256: sha256('{"a":1}'), pending: false, stat: expect.any(String), statAt: expect.any(Number) },
    ]);
  });

  it('trusts the recorded sha256 while the file identity is the recorded one and was old when recorded', async () => {
    const { root, file } = await day('{"a":1}');
    const stat = fileIdentity(file)!.key;
    const recorded = new Map([['2026-07-01', { sha256: 'recorded', stat, statAt: Date.now() + 60_000 }]]);
    expect(readArchiveDays(root, ['2026-07-01'], recorded)[0]!.sha256).toBe('recorded');
  });

  it('hashes again when the file changed since (its identity differs)', async () => {
    const { root, file } = await day('{"a":1}');
    const recorded = new Map([['2026-07-01', { sha256: 'recorded', stat: fileIdentity(file)!.key, statAt: Date.now() + 60_000 }]]);
    await new Promise((resolve) => setTimeout(resolve, 30)); // past the file system's timestamp tick
    await writeFile(file, '{"a":2}'); // same size, new bytes: mtime and ctime move
    expect(readArchiveDays(root, ['2026-07-01'], recorded)[0]!.sha256).toBe(sha256('{"a":2}'));
  });

  it('hashes again when the file had changed less than 2 s before its identity was recorded (it may change again within the same tick)', async () => {
    const { root, file } = await day('{"a":1}');
    const recorded = new Map([['2026-07-01', { sha256: 'recorded', stat: fileIdentity(file)!.key, statAt: Date.now() }]]);
    expect(readArchiveDays(root, ['2026-07-01'], recorded)[0]!.sha256).toBe(sha256('{"a":1}'));
  });

  it('a day without a manifest yet, and a day with a journal', async () => {
    const { root } = await day('{}');
    await mkdir(join(root, '2026-07-02'));
    await writeFile(join(root, '2026-07-01', '.custody-journal.json'), '{}');
    const days = readArchiveDays(root, ['2026-07-01', '2026-07-02']);
    expect(days.map((d) => [d.date, d.sha256 !== undefined, d.pending])).toEqual([
      ['2026-07-01', true, true],
      ['2026-07-02', false, false],
    ]);
  });
});
