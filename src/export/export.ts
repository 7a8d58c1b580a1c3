import { createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Header, Pack, ReadEntry } from 'tar';
import { DATE_PATTERN, EXPORT_SUMS, isTempName, JOURNAL } from '../lib/archive-format.js';
import { tempName } from '../lib/atomic.js';
import { CustodyError } from '../errors.js';
import { diskTree } from '../verify/tree-source.js';
import { verifyTree } from '../verify/verify.js';

export interface ExportResult {
  out: string;
  date: string;
  files: number;
  bytes: number;
  /** What verify warned about the day (exported all the same). */
  warnings: string[];
}

/** An in-memory file as a tar entry (the top-level checksum list). */
function memoryEntry(path: string, body: Buffer, mtime: Date): ReadEntry {
  const header = new Header({ path, mode: 0o644, size: body.length, mtime, type: 'File', uid: 0, gid: 0, uname: '', gname: '' });
  const entry = new ReadEntry(header);
  entry.end(body);
  return entry;
}

/**
 * Export one verified day folder as a deterministic `.tar.gz` for an
 * auditor: `SHA256SUMS` (every file, `sha256sum -c` format) first, then the
 * day's files in sorted order under `<date>/`, with a fixed mtime (the day),
 * portable modes and owners. The same day gives the same bytes.
 */
export async function exportDay(dayDir: string, out: string): Promise<ExportResult> {
  const date = basename(resolve(dayDir));
  if (!DATE_PATTERN.test(date)) throw new CustodyError('NOT_A_BUNDLE', `${dayDir} is not a day folder (YYYY-MM-DD)`);
  const tree = await diskTree(dayDir);
  const report = await verifyTree(tree, 'day', dayDir, date);
  // Only problems stop an export; warnings (a seal checked against the key kept beside it, an interrupted run) travel with it.
  if (!report.ok) {
    const first = report.problems[0]!;
    throw new CustodyError(
      'VERIFICATION_FAILED',
      `refusing to export ${dayDir}: it does not verify, ${report.problems.length} problem(s); first: ${first.path}: ${first.message} (${first.code})`,
    );
  }

  // An interrupted run is not a finished day: an export is a frozen copy that a journal could not excuse.
  if (tree.entries.some((e) => e.path === JOURNAL)) {
    throw new CustodyError(
      'VERIFICATION_FAILED',
      `refusing to export ${dayDir}: an archive run into it was interrupted (${JOURNAL}); rerun custody archive for ${date} to complete it, then export`,
    );
  }
  // Temporary files a killed run left are no part of the day.
  const files = tree.entries
    .filter((e) => e.type === 'file' && !isTempName(basename(e.path)))
    .map((e) => e.path)
    .sort();
  let bytes = 0;
  const sums = files
    .map((file) => {
      const digest = tree.digests.get(file);
      if (!digest || digest instanceof Error) throw new CustodyError('DISK', `cannot read ${join(dayDir, file)} while exporting`);
      bytes += digest.size;
      return `${digest.sha256}  ${date}/${file}\n`;
    })
    .join('');

  const mtime = new Date(`${date}T00:00:00Z`);
  const temp = join(dirname(resolve(out)), tempName(basename(out)));
  const pack = new Pack({ cwd: dirname(resolve(dayDir)), gzip: { level: 9 }, portable: true, mtime, noDirRecurse: true, strict: true });
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const sink = createWriteStream(temp, { flags: 'wx', mode: 0o644 });
      sink.on('error', reject);
      pack.on('error', reject);
      sink.on('close', () => resolvePromise());
      (pack as unknown as NodeJS.ReadableStream).pipe(sink);
      pack.add(memoryEntry(EXPORT_SUMS, Buffer.from(sums), mtime));
      for (const file of files) pack.add(`${date}/${file}`);
      pack.end();
    });
    const handle = await open(temp, 'r');
    await handle.sync();
    await handle.close();
    await rename(temp, out);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    if (err instanceof CustodyError) throw err;
    throw new CustodyError('DISK', `cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  return { out, date, files: files.length, bytes, warnings: report.warnings };
}
