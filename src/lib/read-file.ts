import { closeSync, constants, fstatSync, openSync, readSync, stat as statCallback, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { CustodyError, type ErrorCode } from '../errors.js';

/**
 * The one way custody reads a file someone else named or put there: opened
 * without blocking (a FIFO never hangs the open), checked with fstat on the
 * open handle (no window between check and read), refused unless it is a
 * regular file, read with a size limit.
 */
export interface ReadFileOptions {
  /** What the file is, for messages: `evidence file`, `policy`, `key`. */
  what: string;
  /** Largest size accepted: a larger file is refused before a byte is read (INPUT_TOO_LARGE). */
  maxBytes?: number;
  /** Appended to the too-large message, e.g. `(set --max-bytes)`. */
  limitHint?: string;
  /** Refuse a symbolic link: for files inside an archive or a layout. Files a user names may be links. */
  noFollow?: boolean;
  /** The error code for a file that cannot be read or is not a regular file (default FILE_UNREADABLE). */
  code?: ErrorCode;
}

export interface OpenedFile {
  handle: FileHandle;
  size: number;
}

// O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting.
// O_NOCTTY: naming a terminal device never makes it custody's controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;
const READ_CHUNK = 1 << 20;
/** Most bytes asked of one read: Node aborts the process (not an error to catch) when a read's length does not fit in 32 bits. */
const MAX_READ = 1 << 30;
const statPath = promisify(statCallback);

/** `a FIFO`, `a directory`, …: what a non-regular file is, for one-line messages. */
export function describeFileType(
  info: Pick<Stats, 'isFIFO' | 'isDirectory' | 'isSymbolicLink' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isFile'>,
): string {
  if (info.isFile()) return 'a regular file';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isDirectory()) return 'a directory';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function flags(options: ReadFileOptions): number {
  return OPEN_FLAGS | (options.noFollow ? constants.O_NOFOLLOW : 0);
}

function notRegular(path: string, type: string, options: ReadFileOptions): CustodyError {
  return new CustodyError(options.code ?? 'FILE_UNREADABLE', `${options.what} ${path} is ${type}, not a regular file`, { details: { path, type } });
}

function cannotRead(path: string, err: unknown, options: ReadFileOptions): CustodyError {
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  return new CustodyError(
    options.code ?? 'FILE_UNREADABLE',
    `cannot read ${options.what} ${path}: ${errno ?? (err instanceof Error ? err.message : String(err))}`,
    {
      cause: err,
      details: { path, ...(errno ? { errno } : {}) },
    },
  );
}

function tooLarge(path: string, size: number, maxBytes: number, options: ReadFileOptions): CustodyError {
  return new CustodyError(
    'INPUT_TOO_LARGE',
    `${options.what} ${path} is ${size} bytes, over the limit of ${maxBytes}${options.limitHint ? ` ${options.limitHint}` : ''}`,
    {
      details: { path, size, maxBytes },
    },
  );
}

/** The error of an open that failed: a link refused by O_NOFOLLOW, a socket (ENXIO) named as what it is. */
async function openFailure(path: string, err: unknown, options: ReadFileOptions): Promise<CustodyError> {
  const errno = (err as NodeJS.ErrnoException).code;
  if (errno === 'ELOOP' && options.noFollow) return notRegular(path, 'a symbolic link', options);
  if (errno === 'ENXIO' || errno === 'ENODEV' || errno === 'EOPNOTSUPP') {
    const info = await statPath(path).catch(() => undefined);
    if (info && !info.isFile()) return notRegular(path, describeFileType(info), options);
  }
  return cannotRead(path, err, options);
}

/** True when `err` says the file was not there (for callers to whom a missing file is normal). */
export function isMissingFile(err: unknown): boolean {
  return err instanceof CustodyError && (err.details?.errno === 'ENOENT' || err.details?.errno === 'ENOTDIR');
}

/**
 * Open a regular file for streaming. The caller closes the handle. A FIFO,
 * directory, device or socket is refused with a one-line error naming the
 * path and what it is; so is a file over `maxBytes`.
 */
export async function openRegularFile(path: string, options: ReadFileOptions): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags(options));
  } catch (err) {
    throw await openFailure(path, err, options);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(path, describeFileType(info), options);
    if (options.maxBytes !== undefined && info.size > options.maxBytes) throw tooLarge(path, info.size, options.maxBytes, options);
    return { handle, size: info.size };
  } catch (err) {
    await handle.close().catch(() => undefined);
    if (err instanceof CustodyError) throw err;
    throw cannotRead(path, err, options);
  }
}

/** Read a whole regular file (see openRegularFile); a file that grows past `maxBytes` while read is refused too. */
export async function readRegularFile(path: string, options: ReadFileOptions): Promise<Buffer> {
  const { handle, size } = await openRegularFile(path, options);
  const limit = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      // One read for a file that does not change; a growing file is read on until its end or the limit.
      const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(total === 0 ? size + 1 : READ_CHUNK, limit - total + 1, MAX_READ)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit)
        throw tooLarge(path, total, limit, { ...options, limitHint: `(it grew while being read)${options.limitHint ? ` ${options.limitHint}` : ''}` });
    }
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    throw cannotRead(path, err, options);
  } finally {
    await handle.close().catch(() => undefined);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** readRegularFile, or undefined when the file (or a folder on its path) does not exist. */
export async function readRegularFileIfExists(path: string, options: ReadFileOptions): Promise<Buffer | undefined> {
  try {
    return await readRegularFile(path, options);
  } catch (err) {
    if (isMissingFile(err)) return undefined;
    throw err;
  }
}

/** readRegularFile for the few callers that must stay synchronous (a constructor). */
export function readRegularFileSync(path: string, options: ReadFileOptions): Buffer {
  let fd: number;
  try {
    fd = openSync(path, flags(options));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP' && options.noFollow) throw notRegular(path, 'a symbolic link', options);
    throw cannotRead(path, err, options);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw notRegular(path, describeFileType(info), options);
    const limit = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    if (info.size > limit) throw tooLarge(path, info.size, limit, options);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(total === 0 ? info.size + 1 : READ_CHUNK, limit - total + 1, MAX_READ)));
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      chunks.push(buffer.subarray(0, n));
      total += n;
      if (total > limit) throw tooLarge(path, total, limit, options);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof CustodyError) throw err;
    throw cannotRead(path, err, options);
  } finally {
    closeSync(fd);
  }
}
