import { dirname, join } from 'node:path';
import { CustodyError } from '../errors.js';
import { fsyncDir, writeFileAtomic, type WriteOptions } from '../lib/atomic.js';
import { readRegularFileIfExists } from '../lib/read-file.js';

// Temporary re-export for branches written before src/lib/atomic.ts and src/lib/archive-format.ts (h-report, h-stream); remove after the merge.
export { diskError, fsyncDir, writeFileAtomic, type WriteOptions } from '../lib/atomic.js';
export { isTempName, TEMP_PREFIX } from '../lib/archive-format.js';

/** A Buffer view of the bytes (no copy), for comparing with what is on disk. */
function asBuffer(bytes: Uint8Array | string): Buffer {
  return typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Read a file of the archive, or undefined when it does not exist. A link,
 * FIFO, folder or device in its place is a damaged archive (ARCHIVE_UNSAFE), never
 * followed or waited on.
 */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  return readRegularFileIfExists(path, { what: 'archive file', noFollow: true, code: 'ARCHIVE_UNSAFE' });
}

/**
 * Append-only write: create `path` with `bytes` unless it already holds
 * exactly these bytes. Returns false when nothing had to be written; throws
 * when the file exists with other content (custody never rewrites evidence).
 */
export async function writeOnce(path: string, bytes: Uint8Array | string, options: WriteOptions = {}): Promise<boolean> {
  const existing = await readIfExists(path);
  const wanted = asBuffer(bytes);
  if (existing) {
    if (existing.equals(wanted)) return false;
    throw new CustodyError('DISK', `refusing to overwrite ${path}: it already holds other content (archives are append-only)`);
  }
  await writeFileAtomic(path, wanted, options);
  return true;
}

/** Replace `path` only when the content differs; returns whether it wrote. */
export async function writeIfChanged(path: string, bytes: Uint8Array | string): Promise<boolean> {
  const existing = await readIfExists(path);
  const wanted = asBuffer(bytes);
  if (existing?.equals(wanted)) return false;
  await writeFileAtomic(path, wanted);
  return true;
}

/**
 * Create files (append-only) under `root`, each atomically, then fsync each
 * folder they went into once: after this returns they are all durable, and
 * only then may a manifest that lists them be written. Each file actually
 * created is pushed onto `created` as it is written (for a roll-back).
 */
export async function writeFilesDurably(root: string, files: readonly { path: string; bytes: Uint8Array }[], created: string[] = []): Promise<void> {
  const folders = new Set<string>();
  for (const file of files) {
    const path = join(root, file.path);
    if (await writeOnce(path, file.bytes, { syncDir: false })) {
      created.push(path);
      folders.add(dirname(path));
    }
  }
  for (const folder of folders) await fsyncDir(folder);
}
