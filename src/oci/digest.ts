import { createHash, type Hash } from 'node:crypto';
import { CustodyError } from '../errors.js';
import { isDigest } from './reference.js';

/**
 * Integrity checks for everything read from a registry or a layout: one pass
 * over the bytes counts them and hashes them (ssri integrityStream), and fails
 * on a digest mismatch, on more or fewer bytes than the descriptor says, and
 * past a size limit. `checkBuffer` and `checkStream` are the same check for
 * bytes in memory and bytes arriving; `checkStreamTo` hands the arriving
 * bytes to a sink (a temporary file) instead of keeping them.
 */

export type DigestAlgorithm = 'sha256' | 'sha512';

/** What the bytes must be: a digest and/or a size (both from a descriptor, usually). */
export interface Expected {
  digest?: string;
  size?: number;
}

export interface StreamCheckOptions {
  /** Cut the body off past this many bytes (BODY_TOO_LARGE). */
  maxBytes: number;
  /** Names the content in messages: `manifest sha256:… from ghcr.io/acme/app`. */
  what: string;
  /** Called for every chunk (stall timers). */
  onChunk?: () => void;
}

export interface Checked {
  bytes: Buffer;
  /** Digest computed over the bytes, with the expected digest's algorithm (sha256 otherwise). */
  digest: string;
}

/** `sha256:…` → algorithm and hex; undefined for anything that is not a supported, well-formed digest. */
export function splitDigest(digest: string): { algorithm: DigestAlgorithm; hex: string } | undefined {
  if (!isDigest(digest)) return undefined;
  const [algorithm, hex] = digest.split(':') as [DigestAlgorithm, string];
  return { algorithm, hex };
}

export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function algorithmOf(expected: Expected, what: string): DigestAlgorithm {
  if (expected.digest === undefined) return 'sha256';
  const parts = splitDigest(expected.digest);
  if (!parts) throw new CustodyError('DIGEST_MISMATCH', `${what}: expected digest "${shorten(expected.digest)}" is not a supported digest (sha256 or sha512)`);
  return parts.algorithm;
}

function shorten(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return shown.replace(/[^\x20-\x7e]/g, '?');
}

function sizeMismatch(what: string, expected: number, got: number, more: boolean): CustodyError {
  const found = more ? `more than ${expected} bytes` : `${got} bytes`;
  return new CustodyError('SIZE_MISMATCH', `${what}: expected ${expected} bytes, got ${found}`, {
    details: { expectedSize: expected, ...(more ? {} : { size: got }) },
  });
}

function tooLarge(what: string, maxBytes: number): CustodyError {
  return new CustodyError('BODY_TOO_LARGE', `${what}: body exceeds the limit of ${maxBytes} bytes; cut off`, { details: { maxBytes } });
}

function digestMismatch(what: string, expected: string, found: string): CustodyError {
  return new CustodyError('DIGEST_MISMATCH', `${what}: digest is ${found}, expected ${expected}`, {
    details: { expected, found },
  });
}

/** Fail fast when a descriptor announces more bytes than the limit allows: nothing is fetched. */
export function checkAnnouncedSize(size: number, maxBytes: number, what: string): void {
  if (size > maxBytes) {
    throw new CustodyError('BODY_TOO_LARGE', `${what}: ${size} bytes announced, over the limit of ${maxBytes} bytes; not fetched`, {
      details: { size, maxBytes },
    });
  }
}

/** Check bytes in memory against a digest and size. Returns the computed digest. */
export function checkBuffer(bytes: Uint8Array, expected: Expected, what: string, maxBytes = Number.MAX_SAFE_INTEGER): string {
  const algorithm = algorithmOf(expected, what);
  if (bytes.length > maxBytes) throw tooLarge(what, maxBytes);
  if (expected.size !== undefined && bytes.length !== expected.size) {
    throw sizeMismatch(what, expected.size, bytes.length, bytes.length > expected.size);
  }
  const digest = digestOf(bytes, algorithm);
  if (expected.digest !== undefined && digest !== expected.digest) throw digestMismatch(what, expected.digest, digest);
  return digest;
}

/** Where checked bytes go as they arrive: memory (`checkStream`) or a temporary file (the archive's spool). */
export interface ChunkSink<T> {
  /** Called for each chunk, in order, before the digest is known: nothing written may be trusted yet. */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Every byte arrived, the size and digest matched: keep what was written. */
  close(checked: StreamChecked): Promise<T>;
  /** The stream failed (digest, size, limit, network): drop everything written. Never throws. */
  abort(): Promise<void>;
}

/** What a stream turned out to be once checked. */
export interface StreamChecked {
  /** Computed digest, with the expected digest's algorithm (sha256 otherwise). */
  digest: string;
  size: number;
}

/**
 * Read a stream to its end while counting and hashing it, handing each chunk
 * to `sink` as it arrives (oras-go `VerifyReader`): memory does not grow with
 * the stream. Stops reading (and so destroys a Node stream) as soon as it is
 * past the expected size or the limit; then checks the size and the digest.
 * The sink is closed only when everything matched, and aborted on any
 * failure, so a mismatching body never stays anywhere.
 */
export async function checkStreamTo<T>(stream: AsyncIterable<Uint8Array>, expected: Expected, options: StreamCheckOptions, sink: ChunkSink<T>): Promise<T> {
  let checked: StreamChecked;
  try {
    const algorithm = algorithmOf(expected, options.what);
    const hash: Hash = createHash(algorithm);
    let total = 0;
    for await (const chunk of stream) {
      options.onChunk?.();
      total += chunk.length;
      if (expected.size !== undefined && total > expected.size) throw sizeMismatch(options.what, expected.size, total, true);
      if (total > options.maxBytes) throw tooLarge(options.what, options.maxBytes);
      hash.update(chunk);
      await sink.write(chunk);
    }
    if (expected.size !== undefined && total !== expected.size) throw sizeMismatch(options.what, expected.size, total, false);
    const digest = `${algorithm}:${hash.digest('hex')}`;
    if (expected.digest !== undefined && digest !== expected.digest) throw digestMismatch(options.what, expected.digest, digest);
    checked = { digest, size: total };
  } catch (err) {
    await sink.abort();
    throw err;
  }
  return sink.close(checked);
}

/** A sink that keeps the chunks in memory: for manifests, listings and small blobs. */
export function memorySink(): ChunkSink<Checked> {
  const chunks: Buffer[] = [];
  return {
    write(chunk) {
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    },
    close: async ({ digest, size }) => ({ bytes: Buffer.concat(chunks, size), digest }),
    abort: async () => {
      chunks.length = 0;
    },
  };
}

/**
 * Read a stream to its end while counting and hashing it, into memory. Stops
 * reading as soon as it is past the expected size or the limit; then checks
 * the size and the digest.
 */
export async function checkStream(stream: AsyncIterable<Uint8Array>, expected: Expected, options: StreamCheckOptions): Promise<Checked> {
  return checkStreamTo(stream, expected, options, memorySink());
}
