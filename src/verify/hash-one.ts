import { hash as oneShotHash, createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes read at a time; each thread keeps one buffer of this size. */
export const READ_SIZE = 1 << 20;

/**
 * TEXT_FILE_LIMIT of src/lib/archive-format.ts (a test holds them equal):
 * this module runs in the hashing workers, which import nothing of custody
 * but it (vitest runs the worker's source as it is, where `.js` names do
 * not lead to `.ts` files).
 */
export const TEXT_LIMIT = 512 * 1024 * 1024;

/** `[sha256, size, text?]`, or `[null, 0, error]`: compact, cheap to pass between threads. */
export type HashResult = [string, number, string?] | [null, number, string];

/**
 * Read and hash one file in one pass, READ_SIZE at a time. Synchronous on
 * purpose: it runs where blocking is right (a hashing worker,
 * hash-worker.ts, or a main-thread slice): one implementation for every
 * thread. The walk saw a regular file, but the name may have been swapped
 * since: the open neither follows a link nor waits on a FIFO, and fstat on
 * the open descriptor refuses anything but a regular file (the rule of
 * src/lib/read-file.ts, written out here for a synchronous read into a
 * reused buffer).
 */
export function hashOneSync(buffer: Buffer, path: string, keepText: boolean): HashResult {
  let fd: number | undefined;
  try {
    const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW, O_NOCTTY } = constants;
    fd = openSync(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
    const info = fstatSync(fd);
    if (!info.isFile()) {
      const type = info.isFIFO()
        ? 'a FIFO'
        : info.isDirectory()
          ? 'a directory'
          : info.isSocket()
            ? 'a socket'
            : info.isCharacterDevice() || info.isBlockDevice()
              ? 'a device'
              : 'not a regular file';
      return [null, 0, `it is ${type}, not a regular file`];
    }
    if (keepText && info.size > TEXT_LIMIT)
      return [null, 0, `it is ${info.size} bytes, more than the ${TEXT_LIMIT} a manifest, checksum or journal file may have`];
    let n = readSync(fd, buffer, 0, buffer.length, null);
    let result: HashResult;
    if (n < buffer.length) {
      // The whole file in one read (a short read of a regular file is its end):
      // one-shot hashing, no hash object, no second read(2).
      const bytes = buffer.subarray(0, n);
      result = [oneShotHash('sha256', bytes, 'hex'), n];
      if (keepText) result.push(bytes.toString('utf8'));
      return result;
    }
    const hash = createHash('sha256');
    // Text kept from the same descriptor: reading the name again could read another file.
    const kept: Buffer[] = [];
    let size = 0;
    for (; n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
      const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
      hash.update(chunk);
      size += n;
      // A file that grows past the limit while it is read is refused as one that was over it.
      if (keepText && size > TEXT_LIMIT) return [null, 0, `it is over ${TEXT_LIMIT} bytes, more than a manifest, checksum or journal file may have`];
      if (keepText) kept.push(Buffer.from(chunk));
    }
    result = [hash.digest('hex'), size];
    if (keepText) result.push(Buffer.concat(kept).toString('utf8'));
    return result;
  } catch (err) {
    const error = err as NodeJS.ErrnoException;
    if (error?.code === 'ELOOP') return [null, 0, 'it is a symbolic link, not a regular file'];
    return [null, 0, String(error?.code ?? error?.message ?? err)];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
