import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants, closeSync, openSync, readSync } from 'node:fs';
import { lstat, mkdir, open, readFile, readdir, rm, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { BlobSpool } from '../collect/types.js';
import { CustodyError, fromFsError } from '../errors.js';
import type { DocumentFile } from '../normalize/file.js';
import type { ChunkSink, StreamChecked } from '../oci/digest.js';
import type { Descriptor, RawFile } from '../types.js';
import { processAlive } from './lock.js';
import { TEMP_PREFIX } from '../lib/archive-format.js';
import { diskError, tempName } from '../lib/atomic.js';

/**
 * The run's spool: large blobs stream from the registry or layout into
 * temporary files here while their digest and size are checked, and the
 * archive later renames them into place (same file system: the root), so no
 * blob is ever held whole in memory or written twice.
 *
 * It lives at the root, `ROOT/.custody-tmp-spool-<host>-<pid>-<random>/`,
 * not in a day folder: blobs arrive before the root lock is taken, and a day
 * folder created for them by a run killed at that moment would be a day
 * without a manifest. Every file in it is named `.custody-tmp-…`, so a
 * leftover is what verify reports as a temporary file of an interrupted run
 * (a warning), and the next archive run removes it (removeLeftoverSpools).
 */

/** Blobs that declare at least this many bytes are spooled (smaller ones, signatures and configs, are held in memory). */
export const SPOOL_ABOVE = 1 << 20;

const SPOOL_PREFIX = `${TEMP_PREFIX}spool-`;
/** What a spooled file keeps of its first bytes (enough to name its extension). */
const HEAD_BYTES = 1 << 16;
const READ_CHUNK = 1 << 20;

/** Which machine a spool belongs to: a short hash of the host name (names are not safe in file names). */
function hostTag(): string {
  return createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
}

export class RunSpool {
  readonly dir: string;
  private made: Promise<void> | undefined;
  /** The document being judged now, if any: the next waits until it is closed. */
  private judging: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: string,
    readonly above: number = SPOOL_ABOVE,
  ) {
    this.dir = join(root, `${SPOOL_PREFIX}${hostTag()}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  /** The blobs of one attempt at one image. */
  forImage(): ImageSpool {
    return new ImageSpool(this);
  }

  /** The folder, made when the first blob arrives (most runs spool nothing). */
  ensure(): Promise<void> {
    this.made ??= (async () => {
      try {
        await mkdir(this.root, { recursive: true });
        await mkdir(this.dir, { mode: 0o755 });
      } catch (err) {
        throw diskError(err, this.dir, 'create spool folder');
      }
    })();
    return this.made;
  }

  /**
   * Open a spooled blob for the normaliser, one at a time across the run's
   * images: a large document's layout and fold live until it is closed, so
   * images archived at once never hold several of them together.
   */
  async openForJudging(file: RawFile): Promise<DocumentFile & { close(): Promise<void> }> {
    const previous = this.judging;
    let done!: () => void;
    this.judging = new Promise((resolve) => (done = resolve));
    await previous;
    let document: DocumentFile & { close(): Promise<void> };
    try {
      document = await openSpooled(file);
    } catch (err) {
      done();
      throw err;
    }
    return {
      ...document,
      close: async () => {
        try {
          await document.close();
        } finally {
          done();
        }
      },
    };
  }

  /** The run is over: whatever is still in the spool was not archived. */
  async remove(): Promise<void> {
    if (this.made === undefined) return;
    await this.made.catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Spooled blobs of one image; `discard` removes those that were not renamed into the archive. */
export class ImageSpool implements BlobSpool {
  private readonly files = new Set<string>();
  /** Set by discard: a fetch still in flight for a failed image keeps nothing. */
  private discarded = false;

  constructor(private readonly run: RunSpool) {}

  get above(): number {
    return this.run.above;
  }

  async open(descriptor: Descriptor): Promise<ChunkSink<RawFile>> {
    if (this.discarded) throw new CustodyError('DISK', `${descriptor.digest}: the image's spool was already discarded; not fetched`);
    await this.run.ensure();
    const tag = /^sha(256|512):([0-9a-f]{12})/.exec(descriptor.digest)?.[2] ?? 'blob';
    const path = join(this.run.dir, tempName(tag));
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (err) {
      throw diskError(err, path, 'create');
    }
    this.files.add(path);
    return new FileSink(
      path,
      handle,
      descriptor.digest.startsWith('sha256:') ? undefined : createHash('sha256'),
      () => this.drop(path),
      () => this.discarded,
    );
  }

  /** Remove every file of this image still in the spool (renamed ones are gone already); later blobs are refused. */
  async discard(): Promise<void> {
    this.discarded = true;
    for (const path of this.files) await unlink(path).catch(() => undefined);
    this.files.clear();
  }

  private async drop(path: string): Promise<void> {
    await unlink(path).catch(() => undefined);
    this.files.delete(path);
  }
}

/** One blob arriving into its temporary file: fsynced once checked, deleted on any failure. */
class FileSink implements ChunkSink<RawFile> {
  private readonly head: Buffer[] = [];
  private headBytes = 0;

  constructor(
    private readonly path: string,
    private readonly handle: FileHandle,
    /** Hashes the bytes when the descriptor's digest is not sha256 (the archive names files by sha256). */
    private readonly sha256: Hash | undefined,
    private readonly drop: () => Promise<void>,
    private readonly discarded: () => boolean,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.headBytes < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headBytes);
      this.head.push(Buffer.from(part));
      this.headBytes += part.length;
    }
    this.sha256?.update(chunk);
    try {
      for (let offset = 0; offset < chunk.length;) {
        const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    } catch (err) {
      throw diskError(err, this.path, 'write');
    }
  }

  async close(checked: StreamChecked): Promise<RawFile> {
    try {
      await this.handle.sync();
      await this.handle.close();
    } catch (err) {
      await this.abort();
      throw diskError(err, this.path, 'write');
    }
    if (this.discarded()) {
      await this.drop();
      throw new CustodyError('DISK', `${this.path}: the image's spool was discarded while the blob arrived; not kept`);
    }
    const sha256 = this.sha256 ? this.sha256.digest('hex') : checked.digest.slice('sha256:'.length);
    return { path: this.path, size: checked.size, sha256, head: Buffer.concat(this.head, this.headBytes) };
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await this.drop();
  }
}

/** A spooled blob opened for the normaliser: read in chunks, in slices (synchronously, as folds ask) or whole. */
export async function openSpooled(file: RawFile): Promise<DocumentFile & { close(): Promise<void> }> {
  let fd: number | undefined;
  const what = `spooled blob ${file.path}`;
  return {
    size: file.size,
    chunks: () => readChunks(file.path),
    readRange(start: number, end: number): Buffer {
      try {
        fd ??= openSync(file.path, constants.O_RDONLY | constants.O_NOFOLLOW);
        const buffer = Buffer.allocUnsafe(end - start);
        let done = 0;
        while (done < buffer.length) {
          const n = readSync(fd, buffer, done, buffer.length - done, start + done);
          if (n === 0) throw new CustodyError('DISK', `${what} ends at ${start + done} bytes; ${file.size} were written`);
          done += n;
        }
        return buffer;
      } catch (err) {
        if (err instanceof CustodyError) throw err;
        throw fromFsError(err, file.path, 'read');
      }
    },
    async readAll(): Promise<Buffer> {
      try {
        return await readFile(file.path);
      } catch (err) {
        throw fromFsError(err, file.path, 'read');
      }
    },
    async close(): Promise<void> {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** A file's bytes in order through one reused buffer: each chunk is valid until the next is asked for (no garbage per chunk). */
async function* readChunks(path: string): AsyncIterable<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw fromFsError(err, path, 'read');
  }
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null));
      } catch (err) {
        throw fromFsError(err, path, 'read');
      }
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Remove spools that killed runs on this machine left at the root (their
 * process is gone). Spools of live runs, and of other machines sharing the
 * root, are left alone. Call with the root lock held.
 */
export async function removeLeftoverSpools(root: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw fromFsError(err, root, 'list');
  }
  const host = hostTag();
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(SPOOL_PREFIX)) continue;
    const match = /^([0-9a-f]{8})-(\d+)-[0-9a-f]+$/.exec(name.slice(SPOOL_PREFIX.length));
    if (!match || match[1] !== host) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    const path = join(root, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory()) continue;
    await rm(path, { recursive: true, force: true }).catch((err: unknown) => {
      throw fromFsError(err, path, 'remove');
    });
    removed++;
  }
  return removed;
}
