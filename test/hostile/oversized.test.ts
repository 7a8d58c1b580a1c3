import { execFile } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEXT_FILE_LIMIT } from '../../src/lib/archive-format.js';
import { TEXT_LIMIT } from '../../src/verify/hash-one.js';
import { BUILT_CLI, tempDir } from '../helpers/cli.js';
import { makeArchive, oneErrorLine, runBounded } from './support.js';

/**
 * Files far larger than any custody writes, in an archive handed over (sparse
 * files: gigabytes that cost no disk). Before, a 3 GiB day manifest aborted
 * verify and report inside Node (a read longer than 32 bits: exit 134, no
 * message), and read whole, it cost 36 s and 8 GB of memory. Now it is one
 * problem naming the file and its size, found before it is read; `query`
 * refuses to index the day in one line.
 */
describe('an oversized file where custody reads text', () => {
  it('a 3 GiB day manifest: verify and report name it and its size (exit 1), without reading it', async () => {
    const { root, day } = await makeArchive();
    truncateSync(join(day, 'manifest.json'), 3 * 1024 ** 3);
    const unreadable = `${join(day.slice(root.length + 1), 'manifest.json')} cannot be read: it is ${3 * 1024 ** 3} bytes, more than the ${512 * 1024 ** 2} a manifest, checksum or journal file may have`;
    const verify = await runBounded(['verify', root, '--json'], { timeoutMs: 20_000 });
    expect(verify.killed).toBe(false);
    expect(verify.code, verify.stderr).toBe(1);
    const problems = (JSON.parse(verify.stdout) as { problems: { code: string; message: string }[] }).problems;
    expect(problems).toContainEqual(expect.objectContaining({ code: 'unreadable', message: unreadable }));
    // It is there: never called missing.
    expect(problems.filter((p) => p.code === 'missing')).toEqual([]);

    const out = join(await tempDir('custody-oversized-report-'), 'report.html');
    const report = await runBounded(['report', root, '--out', out], { timeoutMs: 20_000 });
    expect(report.killed).toBe(false);
    expect(report.code, report.stderr).toBe(1);
    expect(report.stdout).toContain('verify    FAILED');

    // query refuses to index the day, in one line, before reading the file (before: read whole, 10 s and 2 GB for 1 GiB).
    const query = await runBounded(['query', 'package', 'openssl', '--root', root], { timeoutMs: 20_000 });
    expect(query.code).toBe(1);
    expect(oneErrorLine(query.stderr)).toBe(
      `custody: ${join(day.slice(root.length + 1), 'manifest.json')} is ${3 * 1024 ** 3} bytes, more than the ${512 * 1024 ** 2} a manifest may have; not indexed (custody verify ${root} lists every problem)`,
    );
  });

  it("the hashing workers' limit is the archive's (the workers import nothing of custody but hash-one.ts)", () => {
    expect(TEXT_LIMIT).toBe(TEXT_FILE_LIMIT);
  });

  it('a whole-file read of 2 GiB and more is made in reads Node accepts (before: the process aborted)', async () => {
    const dir = await tempDir('custody-oversized-read-');
    const file = join(dir, 'big');
    writeFileSync(file, '');
    truncateSync(file, 2 ** 31);
    const readFile = join(BUILT_CLI, '..', '..', 'lib', 'read-file.js');
    // The two readers in two processes at once (each reads 2 GiB of zeros).
    const read = (reader: string) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
        const script = `const m = await import(${JSON.stringify(readFile)}); console.log((await m.${reader}(${JSON.stringify(file)}, { what: 'file' })).length);`;
        execFile(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
          resolve({
            code: err ? ((err as { code?: number }).code ?? null) : 0,
            signal: err ? ((err as { signal?: NodeJS.Signals }).signal ?? null) : null,
            stdout,
            stderr,
          }),
        );
      });
    for (const run of await Promise.all([read('readRegularFile'), read('readRegularFileSync')])) {
      expect(run.signal, run.stderr).toBe(null);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe(`${2 ** 31}`);
    }
  }, 90_000);
});
