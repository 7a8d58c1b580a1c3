import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CustodyError } from '../errors.js';
import { readRegularFileIfExists } from '../lib/read-file.js';

/** Prefix of every temporary file custody writes; a leftover one marks an interrupted run. */
export const TEMP_PREFIX = '.custody-tmp-';

export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

export function diskError(err: unknown, path: string, action: string): CustodyError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.message : String(err));
  return new CustodyError('DISK', `cannot ${action} ${path}: ${code}`, { cause: err });
}

export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * Write `bytes` to `path` atomically: a temporary file in the same folder,
 * written, fsynced, renamed over the target, then the folder fsynced. A
 * reader sees the old file or the new one, never a part.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, options: WriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw diskError(err, dir, 'create folder');
  }
  const temp = join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}-${basename(path)}`);
  try {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw diskError(err, path, 'write');
  }
  if (options.syncDir !== false) await fsyncDir(dir);
}

export interface WriteOptions {
  /**
   * fsync the folder after the rename (default). A caller writing many files
   * into one folder may leave it to a single fsyncDir once they are all in
   * place, before anything that lists them is written.
   */
  syncDir?: boolean;
}

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
