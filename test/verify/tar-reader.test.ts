import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/types.js';
import { TarReader } from '../../src/verify/tar-reader.js';
import { longName, paxHeader, TAR_END, tarFile } from '../helpers/hostile-tar.js';

const LIMITS = { maxMeta: 64 * 1024, maxTrailing: 1024 * 1024 };

/** Feed `tar` to a reader `chunk` bytes at a time; what it saw. */
function read(tar: Buffer, chunk: number) {
  const seen: string[] = [];
  const problems: Problem[] = [];
  const reader = new TarReader(
    {
      entry: (entry) => {
        const hash = createHash('sha256');
        return { write: (data) => hash.update(data), end: () => seen.push(`${entry.typeflag} ${entry.name} ${entry.size} ${hash.digest('hex').slice(0, 12)}`) };
      },
      problem: (p) => problems.push(p),
    },
    LIMITS,
  );
  let more = true;
  for (let at = 0; at < tar.length && more; at += chunk) more = reader.write(tar.subarray(at, at + chunk));
  if (more) reader.end();
  return { seen, problems, more };
}

const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

const TAR = Buffer.concat([
  tarFile('empty', ''),
  tarFile('one', body(1)),
  tarFile('block-less-one', body(511)),
  tarFile('block', body(512)),
  tarFile('block-and-one', body(513)),
  paxHeader({ path: 'from/pax', size: '70000', mtime: '1' }),
  tarFile('ignored', body(70000), { size: 0 }).subarray(0, 512),
  body(70000),
  Buffer.alloc((512 - (70000 % 512)) % 512),
  longName(`long/${'n'.repeat(300)}`),
  tarFile('short', body(3), { magic: 'gnu' }),
  tarFile(`${'p'.repeat(120)}/in-prefix`, body(5)),
  TAR_END,
  Buffer.alloc(8192),
]);

describe('TarReader', () => {
  it('sees the same members whatever the chunk boundaries', () => {
    const whole = read(TAR, TAR.length);
    expect(whole.problems).toEqual([]);
    expect(whole.seen.map((s) => s.split(' ').slice(1, 3).join(' '))).toEqual([
      'empty 0',
      'one 1',
      'block-less-one 511',
      'block 512',
      'block-and-one 513',
      'from/pax 70000',
      `long/${'n'.repeat(300)} 3`,
      `${'p'.repeat(120)}/in-prefix 5`,
    ]);
    for (const chunk of [1, 7, 511, 512, 513, 4096, 65536]) expect(read(TAR, chunk), `chunks of ${chunk}`).toEqual(whole);
  });

  it('stops one byte past the trailing-zero limit, fed a byte at a time', () => {
    const tar = Buffer.concat([tarFile('a', 'x'), TAR_END, Buffer.alloc(LIMITS.maxTrailing)]);
    const result = read(tar, 1);
    expect(result.more).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(['trailing-data']);
    expect(read(tar.subarray(0, tar.length - 1024), 1).problems).toEqual([]);
  });
});
