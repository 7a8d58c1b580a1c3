// Verify benchmark (issue 7): an archive of about 1 GiB in 20,000 files.
// custody verify against `sha256sum -c` over the same checksum lines, in the
// same run, and against the machine's hashing limit.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { archive } from '../../dist/src/archive/archive.js';
import { CLI, CORES, bestOf, fmt, opensslSha256Rate, scratch } from './common.mjs';

const IMAGES = Number(process.env.BENCH_VERIFY_IMAGES ?? 100);
const PER_IMAGE = Number(process.env.BENCH_VERIFY_FILES ?? 100);
const FILE_BYTES = Number(process.env.BENCH_VERIFY_BYTES ?? 107_000);

export async function benchVerify() {
  const input = scratch('verify-input');
  const root = scratch('verify-root');
  const date = '2026-11-29';
  const started = Date.now();
  for (let i = 0; i < IMAGES; i++) {
    const files = [];
    for (let j = 0; j < PER_IMAGE; j++) {
      const path = join(input, `${i}-${j}.bin`);
      writeFileSync(path, randomBytes(FILE_BYTES));
      files.push(path);
    }
    const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
    await archive({ refs: [`bench.example/app-${i}@${digest}`], evidenceFiles: files, root, date, lock: {} });
    for (const f of files) writeFileSync(f, '');
  }
  const generateSeconds = (Date.now() - started) / 1000;

  // One list of every checksum line, paths relative to the root, for a single sha256sum -c.
  const lines = [];
  const evidence = [];
  let bytes = 0;
  let files = 0;
  const walk = (rel) => {
    for (const name of readdirSync(join(root, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const info = statSync(join(root, path));
      if (info.isDirectory()) walk(path);
      else {
        files++;
        if (name.endsWith('.sha256')) {
          const [hash, target] = readFileSync(join(root, path), 'utf8')
            .trim()
            .split(/\s+\*?/);
          const folder = rel;
          lines.push(`${hash}  ${folder}/${target}`);
        } else {
          bytes += info.size;
          evidence.push(path);
        }
      }
    }
  };
  walk('');
  const sums = join(scratch('verify-sums'), 'ALL.sha256');
  writeFileSync(sums, `${lines.join('\n')}\n`);

  const custody = bestOf(3, process.execPath, [CLI, 'verify', root, '--json'], { cwd: root });
  if (custody.code !== 0) throw new Error(`custody verify failed on the benchmark archive: ${custody.stdout.slice(0, 500)}`);
  const coreutils = bestOf(3, 'sha256sum', ['-c', '--quiet', sums], { cwd: root });
  if (coreutils.code !== 0) throw new Error('sha256sum -c failed on the benchmark archive');
  // The native floor: OpenSSL's own digest tool, one process per core, over the same files. It
  // reads and hashes and checks nothing; it shows what reading the files costs on top of the
  // hashing limit, which counts hashing in memory only.
  const list = join(scratch('verify-list'), 'files0');
  writeFileSync(list, evidence.join('\0'));
  const perProcess = Math.ceil(evidence.length / CORES);
  const openssl = bestOf(3, 'sh', ['-c', `xargs -0 -P ${CORES} -n ${perProcess} openssl dgst -sha256 < "$1" > /dev/null`, 'sh', list], { cwd: root });
  if (openssl.code !== 0) throw new Error('openssl dgst failed on the benchmark archive');
  const rate = opensslSha256Rate();
  const limitSeconds = bytes / (CORES * rate);
  return {
    name: 'verify',
    files,
    bytes,
    generateSeconds,
    custodySeconds: custody.seconds,
    custodyRssMb: custody.rssMb,
    sha256sumSeconds: coreutils.seconds,
    ratioToSha256sum: custody.seconds / coreutils.seconds,
    opensslBytesPerSecondPerCore: rate,
    cores: CORES,
    hashingLimitSeconds: limitSeconds,
    ratioToHashingLimit: custody.seconds / limitSeconds,
    opensslDgstSeconds: openssl.seconds,
    opensslDgstToHashingLimit: openssl.seconds / limitSeconds,
    summary:
      `verify ${files} files, ${fmt(bytes / 2 ** 30, 3)} GiB: custody ${fmt(custody.seconds)} s (peak RSS ${fmt(custody.rssMb, 0)} MB), ` +
      `sha256sum -c ${fmt(coreutils.seconds)} s → ${fmt(custody.seconds / coreutils.seconds)}× sha256sum (target ≤ 0.25); ` +
      `hashing limit ${fmt(limitSeconds)} s (${CORES} cores × ${fmt(rate / 1e9)} GB/s) → ${fmt(custody.seconds / limitSeconds)}× (target ≤ 1.5); ` +
      `openssl dgst on ${CORES} cores over the same files (hashing only) ${fmt(openssl.seconds)} s = ${fmt(openssl.seconds / limitSeconds)}× the limit`,
  };
}
