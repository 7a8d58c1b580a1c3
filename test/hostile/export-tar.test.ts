import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { archive } from '../../src/archive/archive.js';
import { exportDay } from '../../src/export/export.js';
import { isCustodyError } from '../../src/errors.js';
import { verifyArchive } from '../../src/verify/verify.js';
import type { Problem } from '../../src/types.js';
import { BUILT_CLI, EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { gnuExtract } from '../helpers/gnu-tar.js';
import { longName, padded, paxHeader, TAR_END, tarFile, tarHeader, tarWithoutEnd, ustarEntries, writeTarGz } from '../helpers/hostile-tar.js';

/**
 * Attacks on an exported bundle, as data. Each row starts from a real export
 * (archive + exportDay), makes it hostile, and says what `custody verify`
 * must answer (exit code and problem or error code, naming the entry) and
 * whether GNU tar (`tar -xzf`, what an auditor runs before `sha256sum -c`)
 * extracts something other than the clean export. Whenever GNU tar does,
 * custody must not say OK.
 */

const DATE = '2026-11-29';
const MANIFEST = `${DATE}/manifest.json`;
const FORGED = '{"forged":true}\n';
const ONE_MIB = Buffer.alloc(1 << 20);

interface Good {
  /** The export's tar bytes, without its end-of-archive blocks. */
  body: Buffer;
  /** Its files, in order. */
  files: { path: string; body: Buffer }[];
  /** The export's .tar.gz bytes. */
  gz: Buffer;
}

/** The hostile archive: tar records to gzip as they are, raw file bytes, or a file already written. */
type Built = Buffer[] | { bytes: Buffer } | { file: string };

interface Attack {
  name: string;
  build: (good: Good, dir: string) => Built | Promise<Built>;
  exit: 0 | 1 | 2;
  /** Problem codes (exit 1) or the error code (exit 2) that must be reported. */
  codes: string[];
  /** The entry the first code's message must name. */
  names?: string;
  /** Codes that must not be reported (the row shows a header field is read the way GNU tar reads it). */
  absent?: string[];
  /** A name no problem may mention: the one GNU tar does not extract to. */
  unnamed?: string;
  /** Whether GNU tar extracts something other than the clean export (or fails); `skip` for inputs too large to extract in a test. */
  gnu: 'differs' | 'same' | 'skip';
  /** The test's time limit, when it must differ from 60 s (the guard against slow, quadratic work). */
  timeoutMs?: number;
  /** Run in a child process and bound its peak memory (MiB). */
  maxRssMiB?: number;
  also?: (problems: Problem[]) => void;
}

const rebuild = (good: Good, before: Buffer[] = []): Buffer[] => [...before, ...good.files.map((f) => tarFile(f.path, f.body)), TAR_END];
const appended = (good: Good, ...extra: Buffer[]): Buffer[] => [good.body, ...extra, TAR_END];

/** n one-byte files, a thousand at a time: one header template, only the name and checksum written per file. */
function* manyEntries(n: number): Generator<Buffer> {
  const template = Buffer.concat([tarHeader({ name: '', size: 1 }), padded('x')]);
  const blank = Buffer.from('        ');
  const baseSum =
    [...template.subarray(0, 512)].reduce((sum, byte) => sum + byte, 0) - [...template.subarray(148, 156)].reduce((sum, byte) => sum + byte, 0) + 8 * 0x20;
  for (let start = 0; start < n; start += 1000) {
    const count = Math.min(n, start + 1000) - start;
    const batch = Buffer.alloc(count * 1024);
    for (let j = 0; j < count; j++) {
      const at = j * 1024;
      template.copy(batch, at);
      const name = Buffer.from(`${DATE}/f/${start + j}`, 'latin1');
      name.copy(batch, at);
      const sum = baseSum + name.reduce((total, byte) => total + byte, 0);
      blank.copy(batch, at + 148);
      batch.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
    }
    yield batch;
  }
  yield TAR_END;
}

const ATTACKS: Attack[] = [
  // Controls: the builder and the reader are sound, and header extensions are honoured the way GNU tar honours them.
  { name: 'a rebuild of the export (control)', build: (g) => rebuild(g), exit: 0, codes: [], gnu: 'same' },
  {
    name: 'pax path and size for every file, header name and size blank (control)',
    build: (g) => [
      ...g.files.flatMap((f) => [paxHeader({ path: f.path, size: String(f.body.length) }), tarHeader({ name: 'ignored', size: 0 }), padded(f.body)]),
      TAR_END,
    ],
    exit: 0,
    codes: [],
    gnu: 'same',
  },
  {
    name: 'GNU long-name records for every file (control)',
    build: (g) => [...g.files.flatMap((f) => [longName(f.path), tarFile('ignored', f.body, { magic: 'gnu' })]), TAR_END],
    exit: 0,
    codes: [],
    gnu: 'same',
  },

  // Entries that are not plain regular files or folders.
  {
    name: 'typeflag Z appended',
    build: (g) => appended(g, tarFile(`${DATE}/extra.json`, 'x', { type: 'Z' })),
    exit: 1,
    codes: ['tar-entry'],
    names: `${DATE}/extra.json`,
    gnu: 'differs',
  },
  {
    name: 'typeflag Z re-using a listed path after the real one',
    build: (g) => appended(g, tarFile(MANIFEST, FORGED, { type: 'Z' })),
    exit: 1,
    codes: ['duplicate-entry', 'tar-entry'],
    names: MANIFEST,
    gnu: 'differs',
  },
  {
    name: 'a hard link',
    build: (g) => appended(g, tarHeader({ name: `${DATE}/hard`, type: '1', linkname: MANIFEST })),
    exit: 1,
    codes: ['symlink'],
    names: `${DATE}/hard`,
    gnu: 'differs',
  },
  {
    name: 'a symbolic link',
    build: (g) => appended(g, tarHeader({ name: `${DATE}/link`, type: '2', linkname: '/etc/passwd' })),
    exit: 1,
    codes: ['symlink'],
    names: `${DATE}/link`,
    gnu: 'differs',
  },
  {
    name: 'a character device',
    build: (g) => appended(g, tarHeader({ name: `${DATE}/tty`, type: '3' })),
    exit: 1,
    codes: ['special-file'],
    names: `${DATE}/tty`,
    gnu: 'differs',
  },
  {
    name: 'a block device',
    build: (g) => appended(g, tarHeader({ name: `${DATE}/sda`, type: '4' })),
    exit: 1,
    codes: ['special-file'],
    names: `${DATE}/sda`,
    gnu: 'differs',
  },
  {
    name: 'a FIFO',
    build: (g) => appended(g, tarHeader({ name: `${DATE}/fifo`, type: '6' })),
    exit: 1,
    codes: ['special-file'],
    names: `${DATE}/fifo`,
    gnu: 'differs',
  },
  {
    name: 'a contiguous file',
    build: (g) => appended(g, tarFile(`${DATE}/contig`, 'x', { type: '7' })),
    exit: 1,
    codes: ['special-file'],
    names: `${DATE}/contig`,
    gnu: 'differs',
  },
  {
    name: 'an old GNU sparse file',
    build: (g) => appended(g, tarFile(`${DATE}/sparse`, 'DATA', { type: 'S', magic: 'gnu' })),
    exit: 1,
    codes: ['tar-entry'],
    names: `${DATE}/sparse`,
    gnu: 'differs',
  },
  {
    name: 'a pax sparse file (GNU.sparse.name renames it)',
    build: (g) =>
      appended(
        g,
        paxHeader({ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.name': `${DATE}/sparse`, 'GNU.sparse.realsize': '4' }),
        tarFile(`${DATE}/GNUSparseFile.0/sparse`, `${'1\n0\n4\n'.padEnd(512, '\0')}DATA`),
      ),
    exit: 1,
    codes: ['tar-entry'],
    names: `${DATE}/sparse`,
    gnu: 'differs',
  },
  { name: 'a volume label', build: (g) => rebuild(g, [tarHeader({ name: 'label', type: 'V' })]), exit: 1, codes: ['tar-entry'], names: 'label', gnu: 'same' },
  { name: 'a long link name before a regular file', build: (g) => rebuild(g, [longName('target', 'K')]), exit: 1, codes: ['tar-entry'], gnu: 'same' },
  {
    name: 'a pax comment (hidden bytes)',
    build: (g) => rebuild(g, [paxHeader({ comment: 'hidden' })]),
    exit: 1,
    codes: ['tar-entry'],
    names: 'comment',
    gnu: 'same',
  },
  {
    name: 'a set-user-ID file',
    build: (g) => appended(g, tarFile(`${DATE}/run`, 'x', { mode: 0o4755 })),
    exit: 1,
    codes: ['tar-entry'],
    names: `${DATE}/run`,
    gnu: 'differs',
  },
  {
    name: 'a listed file its owner cannot read once extracted',
    build: (g) => [...g.files.map((f) => tarFile(f.path, f.body, f.path === MANIFEST ? { mode: 0o200 } : {})), TAR_END],
    exit: 1,
    codes: ['tar-entry'],
    names: MANIFEST,
    gnu: 'differs',
  },
  {
    name: 'a folder entry that declares data (GNU tar reads the data as the next header)',
    build: (g) => appended(g, tarHeader({ name: `${DATE}/folder/`, type: '5', size: 1024, mode: 0o755 }), tarFile(MANIFEST, FORGED)),
    exit: 1,
    codes: ['tar-entry', 'duplicate-entry'],
    names: `"${DATE}/folder/" declares 1024 bytes`,
    gnu: 'differs',
  },

  // The same path twice, however it is spelled.
  { name: 'a listed path twice', build: (g) => appended(g, tarFile(MANIFEST, FORGED)), exit: 1, codes: ['duplicate-entry'], names: MANIFEST, gnu: 'differs' },
  {
    name: 'a ./-spelled duplicate',
    build: (g) => appended(g, tarFile(`./${DATE}/./manifest.json`, FORGED)),
    exit: 1,
    codes: ['duplicate-entry'],
    names: MANIFEST,
    gnu: 'differs',
  },
  {
    name: 'a //-spelled duplicate',
    build: (g) => appended(g, tarFile(`${DATE}//manifest.json`, FORGED)),
    exit: 1,
    codes: ['duplicate-entry'],
    names: MANIFEST,
    gnu: 'differs',
  },
  {
    name: 'a file with a trailing slash (a folder) over a listed file',
    build: (g) => appended(g, tarFile(`${MANIFEST}/`)),
    exit: 1,
    codes: ['duplicate-entry'],
    names: MANIFEST,
    gnu: 'differs',
  },
  {
    name: 'a file over a folder the export implies',
    build: (g) => appended(g, tarFile(`${DATE}/images`, FORGED)),
    exit: 1,
    codes: ['duplicate-entry'],
    names: `${DATE}/images`,
    gnu: 'differs',
  },
  {
    name: 'a listed file used as a folder',
    build: (g) => appended(g, tarFile(`${MANIFEST}/x`, 'x')),
    exit: 1,
    codes: ['duplicate-entry'],
    names: MANIFEST,
    gnu: 'differs',
  },

  // Names GNU tar strips, rewrites or refuses.
  {
    name: 'an absolute path over a listed file',
    build: (g) => appended(g, tarFile(`/${MANIFEST}`, FORGED)),
    exit: 1,
    codes: ['unsafe-path', 'duplicate-entry'],
    names: `/${MANIFEST}`,
    gnu: 'differs',
  },
  {
    name: 'a .. path',
    build: (g) => appended(g, tarFile(`${DATE}/../../evil`, 'x')),
    exit: 1,
    codes: ['unsafe-path'],
    names: `${DATE}/../../evil`,
    gnu: 'differs',
  },
  {
    name: 'a non-ASCII name',
    build: (g) => appended(g, tarFile(`${DATE}/évidence.json`, 'x')),
    exit: 1,
    codes: ['unsafe-path'],
    names: `${DATE}/\\xc3\\xa9vidence.json`,
    gnu: 'differs',
  },
  {
    name: 'a control character in a name',
    build: (g) => appended(g, tarFile(`${DATE}/a\nb`, 'x')),
    exit: 1,
    codes: ['unsafe-path'],
    names: `${DATE}/a\\x0ab`,
    gnu: 'differs',
  },
  {
    name: 'a name over 1024 characters',
    build: (g) => appended(g, paxHeader({ path: `${DATE}/${'d'.repeat(200)}/`.repeat(6) + 'f' }), tarHeader({ name: 'short', size: 0 })),
    exit: 1,
    codes: ['unsafe-path'],
    names: `${DATE}/dddd`,
    gnu: 'differs',
  },
  {
    name: 'a pax path override onto a listed file',
    build: (g) => appended(g, paxHeader({ path: MANIFEST }), tarFile(`${DATE}/innocent.json`, FORGED)),
    exit: 1,
    codes: ['duplicate-entry'],
    names: MANIFEST,
    unnamed: 'innocent',
    gnu: 'differs',
  },
  {
    name: 'a GNU long-name override onto a listed file',
    build: (g) => appended(g, longName(MANIFEST), tarFile(`${DATE}/innocent.json`, FORGED)),
    exit: 1,
    codes: ['duplicate-entry'],
    names: MANIFEST,
    unnamed: 'innocent',
    gnu: 'differs',
  },
  {
    name: 'a pax path wins over a later GNU long name',
    build: (g) => appended(g, paxHeader({ path: MANIFEST }), longName(`${DATE}/long-innocent.json`), tarFile(`${DATE}/innocent.json`, FORGED)),
    exit: 1,
    codes: ['duplicate-entry'],
    names: MANIFEST,
    unnamed: 'innocent',
    gnu: 'differs',
  },
  {
    name: 'a second pax header replaces the first (its path is dropped)',
    build: (g) => appended(g, paxHeader({ path: MANIFEST }), paxHeader({ mtime: '1' }), tarFile(`${DATE}/other.json`, FORGED)),
    exit: 1,
    codes: ['unlisted'],
    names: `${DATE}/other.json`,
    absent: ['duplicate-entry'],
    gnu: 'differs',
  },
  {
    name: 'a global pax header renaming every entry after it',
    build: (g) => appended(g, paxHeader({ path: MANIFEST }, 'g'), tarFile(`${DATE}/other.json`, FORGED)),
    exit: 1,
    codes: ['duplicate-entry', 'tar-entry'],
    names: MANIFEST,
    gnu: 'differs',
  },
  {
    name: 'a GNU-format header whose prefix field GNU tar ignores',
    build: (g) => appended(g, tarFile('manifest.json', FORGED, { magic: 'gnu', prefix: DATE })),
    exit: 1,
    codes: ['unlisted'],
    names: 'manifest.json',
    absent: ['duplicate-entry'],
    gnu: 'differs',
  },

  // Bytes GNU tar never looks at, and archives that end wrong.
  {
    name: '64 MiB of zeros after the end of the archive',
    build: async (g, dir) => {
      const file = join(dir, 'zeros.tar.gz');
      await writeTarGz(file, [g.body, TAR_END, ...Array.from({ length: 64 }, () => ONE_MIB)], 9);
      return { file };
    },
    exit: 1,
    codes: ['trailing-data'],
    gnu: 'skip',
  },
  {
    name: 'non-zero bytes after the end of the archive',
    build: (g) => [g.body, TAR_END, Buffer.from('hidden bytes')],
    exit: 1,
    codes: ['trailing-data'],
    gnu: 'same',
  },
  {
    name: 'a listed file hidden after a lone zero block',
    build: (g) => [
      ...g.files.filter((f) => f.path !== MANIFEST).map((f) => tarFile(f.path, f.body)),
      Buffer.alloc(512),
      tarFile(MANIFEST, g.files.find((f) => f.path === MANIFEST)!.body),
      TAR_END,
    ],
    exit: 1,
    codes: ['trailing-data', 'missing'],
    gnu: 'differs',
  },
  {
    name: 'non-zero padding after a file (hidden bytes)',
    build: (g) => [
      ...g.files.map((f, i) => (i === 0 ? Buffer.concat([tarHeader({ name: f.path, size: f.body.length }), padded(f.body, 0x48)]) : tarFile(f.path, f.body))),
      TAR_END,
    ],
    exit: 1,
    codes: ['trailing-data'],
    names: 'SHA256SUMS',
    gnu: 'same',
  },
  {
    name: 'a second gzip member after the end of the archive',
    build: (g) => ({ bytes: Buffer.concat([g.gz, gzipSync(Buffer.concat([tarFile(MANIFEST, FORGED), TAR_END]))]) }),
    exit: 1,
    codes: ['trailing-data'],
    gnu: 'same',
  },
  { name: 'no end-of-archive blocks', build: (g) => [g.body], exit: 1, codes: ['truncated'], gnu: 'same' },
  {
    name: 'bytes after the gzip stream that start with a zero byte (zlib stops there quietly)',
    build: (g) => ({ bytes: Buffer.concat([g.gz, Buffer.from('\0hidden bytes')]) }),
    exit: 1,
    codes: ['trailing-data'],
    names: 'gzip',
    gnu: 'differs',
  },
  {
    name: 'garbage after the gzip stream',
    build: (g) => ({ bytes: Buffer.concat([g.gz, Buffer.from('hidden bytes')]) }),
    exit: 2,
    codes: ['NOT_A_BUNDLE'],
    gnu: 'differs',
  },
  {
    name: 'cut inside an entry',
    build: (g) => ({ bytes: gzipSync(g.body.subarray(0, g.body.length - 700)) }),
    exit: 2,
    codes: ['NOT_A_BUNDLE'],
    names: 'truncated',
    gnu: 'differs',
  },
  {
    name: 'a header with a bad checksum',
    build: (g) => appended(g, tarFile(`${DATE}/x`, 'x', { badChecksum: true })),
    exit: 2,
    codes: ['NOT_A_BUNDLE'],
    names: 'checksum',
    gnu: 'differs',
  },
  {
    name: 'an uncompressed tar named .tar.gz',
    build: (g) => ({ bytes: Buffer.concat([g.body, TAR_END]) }),
    exit: 2,
    codes: ['NOT_A_BUNDLE'],
    names: 'gzip',
    gnu: 'differs',
  },

  // Size.
  {
    name: '1,000,000 one-byte entries',
    build: async (_g, dir) => {
      const file = join(dir, 'many.tar.gz');
      await writeTarGz(file, manyEntries(1_000_000));
      return { file };
    },
    exit: 2,
    codes: ['INPUT_TOO_LARGE'],
    names: 'entries',
    gnu: 'skip',
    maxRssMiB: 500,
    timeoutMs: 120_000,
  },
  {
    name: 'a gzip bomb: one file of 256 MiB of zeros',
    build: async (g, dir) => {
      const file = join(dir, 'bomb.tar.gz');
      await writeTarGz(file, [g.body, tarHeader({ name: `${DATE}/bomb`, size: 256 << 20 }), ...Array.from({ length: 256 }, () => ONE_MIB), TAR_END], 9);
      return { file };
    },
    exit: 2,
    codes: ['INPUT_TOO_LARGE'],
    names: 'times its size',
    gnu: 'skip',
  },
  {
    name: '1,000 unlisted files: problems capped per code, with a summary',
    build: (g) => appended(g, ...Array.from({ length: 1000 }, (_, i) => tarFile(`${DATE}/extra/${i}`, 'x'))),
    exit: 1,
    codes: ['unlisted', 'checksum-missing'],
    names: `${DATE}/extra/0`,
    gnu: 'differs',
    also: (problems) => {
      const unlisted = problems.filter((p) => p.code === 'unlisted');
      expect(unlisted).toHaveLength(101);
      expect(unlisted.at(-1)).toEqual({ code: 'unlisted', path: '', message: '…and 1900 more unlisted problems' });
      expect(problems.filter((p) => p.code === 'checksum-missing').at(-1)?.message).toBe('…and 900 more checksum-missing problems');
    },
  },
];

let good: Good;
let cleanTree: string[];

beforeAll(async () => {
  const root = await tempDir();
  const evidence = ['sbom.spdx.json', 'sbom.cdx.json', 'scan.trivy.json', 'provenance.intoto.json'].map((f) => join(REPO_ROOT, 'examples', 'evidence', f));
  await archive({ refs: [`registry.example/acme/shop@${EXAMPLE_DIGEST}`], evidenceFiles: evidence, root, date: DATE });
  const out = join(await tempDir(), 'day.tar.gz');
  await exportDay(join(root, DATE), out);
  const { readFile } = await import('node:fs/promises');
  const gz = await readFile(out);
  const body = tarWithoutEnd(gz);
  good = { gz, body, files: ustarEntries(body) };
  expect(good.files.map((f) => f.path)).toContain(MANIFEST);
  const clean = gnuExtract(out, await tempDir());
  expect(clean).toMatchObject({ status: 0, sumsPass: true });
  cleanTree = clean.tree;
});

/** The CLI in a child process, reporting its own peak resident memory. */
function verifyInChild(file: string): Promise<{ code: number; stderr: string; maxRssMiB: number }> {
  const report = "process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))";
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(report)}`, BUILT_CLI, 'verify', file, '--json'], {
    cwd: REPO_ROOT,
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const rss = /maxrss=(\d+)/.exec(stderr);
      resolve({ code: code ?? -1, stderr: stderr.replace(/maxrss=\d+\n/, ''), maxRssMiB: rss ? Number(rss[1]) / 1024 : Infinity });
    });
  });
}

describe('custody verify on hostile exports', () => {
  for (const attack of ATTACKS)
    it(
      attack.name,
      async () => {
        const dir = await tempDir();
        const built = await attack.build(good, dir);
        let file: string;
        if ('file' in built) file = built.file;
        else {
          file = join(dir, 'hostile.tar.gz');
          await writeFile(file, Array.isArray(built) ? gzipSync(Buffer.concat(built)) : built.bytes);
        }

        if (attack.gnu !== 'skip') {
          const gnu = gnuExtract(file, await tempDir());
          const differs = gnu.status !== 0 || !gnu.sumsPass || gnu.tree.join('\n') !== cleanTree.join('\n');
          expect({ differs, stderr: gnu.stderr }).toMatchObject({ differs: attack.gnu === 'differs' });
        }

        if (attack.maxRssMiB !== undefined) {
          const child = await verifyInChild(file);
          expect(child.code).toBe(attack.exit);
          expect(child.stderr.trim().split('\n')).toHaveLength(1);
          expect(child.stderr).toContain(file);
          expect(child.maxRssMiB).toBeLessThan(attack.maxRssMiB);
        }

        if (attack.exit === 2) {
          const error = await verifyArchive(file).then(
            () => undefined,
            (err: unknown) => err,
          );
          expect(isCustodyError(error) && error.code).toBe(attack.codes[0]);
          expect((error as Error).message).toContain(file);
          if (attack.names) expect((error as Error).message).toContain(attack.names);
          if (attack.maxRssMiB === undefined) {
            const result = await runCli(['verify', file]);
            expect(result.code).toBe(2);
            expect(result.stderr.trim().split('\n')).toHaveLength(1);
          }
          return;
        }

        const result = await runCli(['verify', file, '--json']);
        // Valid and bounded JSON, however hostile the input.
        expect(result.stdout.length).toBeLessThan(1_000_000);
        const report = JSON.parse(result.stdout) as { ok: boolean; problems: Problem[] };
        expect({ code: result.code, problems: report.problems }).toMatchObject({ code: attack.exit });
        const codes = new Set(report.problems.map((p) => p.code));
        for (const code of attack.codes) expect([...codes]).toContain(code);
        for (const code of attack.absent ?? []) expect([...codes]).not.toContain(code);
        if (attack.unnamed) expect(report.problems.filter((p) => `${p.path} ${p.message}`.includes(attack.unnamed!))).toEqual([]);
        if (attack.names) {
          const named = report.problems.filter((p) => p.code === attack.codes[0]);
          expect(named.some((p) => p.message.includes(attack.names!))).toBe(true);
        }
        attack.also?.(report.problems);
      },
      attack.timeoutMs ?? 60_000,
    );
});
