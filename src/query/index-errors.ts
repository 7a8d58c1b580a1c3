import { CustodyError } from '../errors.js';

/** How long a run waits for another custody run writing the same index, by default. */
export const INDEX_WAIT_MS = 30_000;

/**
 * A failure of SQLite on the index, as the error custody reports: another
 * run holding the write lock past the wait is LOCKED (exit 3: run it again),
 * a disk that cannot take the write is DISK, a damaged file says how to
 * build it again (the index is derived: the archive holds everything). Any
 * other error is returned as it is.
 */
export function indexFailure(err: unknown, path: string, waitMs = INDEX_WAIT_MS): unknown {
  const errcode = (err as { errcode?: unknown }).errcode;
  if ((err as { code?: unknown }).code !== 'ERR_SQLITE_ERROR' || typeof errcode !== 'number') return err;
  const what = (err as { errstr?: unknown }).errstr ?? (err as Error).message;
  // The primary result code is the low byte of the extended one.
  switch (errcode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return new CustodyError(
        'LOCKED',
        `the index ${path} is being written by another custody run; waited ${waitMs / 1000} s (run this again when it is done)`,
        {
          cause: err,
        },
      );
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return new CustodyError(
        'DISK',
        `the index ${path} is damaged (${String(what)}); it is derived from the archive: custody index --rebuild builds it again`,
        { cause: err, details: { damaged: String(what) } },
      );
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return new CustodyError('DISK', `cannot write the index ${path}: ${String(what)}`, { cause: err });
    default:
      return err;
  }
}

/** What SQLite said of a damaged index file, when that is what `err` (from indexFailure) reports. */
export function damageOf(err: unknown): string | undefined {
  const damaged = err instanceof CustodyError ? err.details?.damaged : undefined;
  return typeof damaged === 'string' ? damaged : undefined;
}

// SQLite's primary result codes (sqlite.org/rescode.html).
const SQLITE_PERM = 3;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;
