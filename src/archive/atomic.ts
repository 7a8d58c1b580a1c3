import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CustodyError } from '../errors.js';
import { diskError, fsyncDir, tempName, writeFileAtomic, type WriteOptions } from '../lib/atomic.js';
import { isMissingFile, openRegularFile, readRegularFileIfExists } from '../lib/read-file.js';

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

/** A verified temporary file to be renamed into place: where it is, and what it holds. */
export interface VerifiedTemp {
  path: string;
  size: number;
  sha256: string;
}

/**
 * Append-only placement of a verified temporary file: renamed to `path`
 * (same file system: the archive root) unless `path` already holds exactly
 * these bytes, in which case nothing moves and the temporary file is left to
 * its owner. Throws when `path` holds other content. The temporary file was
 * fsynced when it was verified; the caller fsyncs the folder.
 */
export async function placeOnce(path: string, from: VerifiedTemp): Promise<boolean> {
  const existing = await hashIfExists(path);
  if (existing) {
    if (existing.sha256 === from.sha256 && existing.size === from.size) return false;
    throw new CustodyError('DISK', `refusing to overwrite ${path}: it already holds other content (archives are append-only)`);
  }
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw diskError(err, dir, 'create folder');
  }
  try {
    await rename(from.path, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw diskError(err, path, `move ${from.path} to`);
    await copyIntoPlace(from.path, path);
  }
  return true;
}

/** A temporary file on another file system than its target: copied beside the target, fsynced, renamed. */
async function copyIntoPlace(source: string, path: string): Promise<void> {
  const temp = join(dirname(path), tempName(basename(path)));
  try {
    await copyFile(source, temp, constants.COPYFILE_EXCL);
    const handle = await open(temp, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw diskError(err, path, 'write');
  }
}

/** sha256 and size of an archive file, read as a stream; undefined when there is none (a link or FIFO in its place: ARCHIVE_UNSAFE). */
async function hashIfExists(path: string): Promise<{ sha256: string; size: number } | undefined> {
  let opened;
  try {
    opened = await openRegularFile(path, { what: 'archive file', noFollow: true, code: 'ARCHIVE_UNSAFE' });
  } catch (err) {
    if (isMissingFile(err)) return undefined;
    throw err;
  }
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of opened.handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
  } catch (err) {
    throw diskError(err, path, 'read');
  } finally {
    await opened.handle.close().catch(() => undefined);
  }
  return { sha256: hash.digest('hex'), size };
}

/** A file to create: its bytes, or a verified temporary file to rename into place. */
export type NewFile = { path: string; bytes: Uint8Array; from?: undefined } | { path: string; from: VerifiedTemp; bytes?: undefined };

/**
 * Create files (append-only) under `root`, each atomically, then fsync each
 * folder they went into once: after this returns they are all durable, and
 * only then may a manifest that lists them be written. Each file actually
 * created is pushed onto `created` as it is written (for a roll-back).
 */
export async function writeFilesDurably(root: string, files: readonly NewFile[], created: string[] = []): Promise<void> {
  const folders = new Set<string>();
  for (const file of files) {
    const path = join(root, file.path);
    const wrote = file.from ? await placeOnce(path, file.from) : await writeOnce(path, file.bytes, { syncDir: false });
    if (wrote) {
      created.push(path);
      folders.add(dirname(path));
    }
  }
  for (const folder of folders) await fsyncDir(folder);
}
