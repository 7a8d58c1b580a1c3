import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustodyError } from '../../src/errors.js';
import { chunked } from '../helpers/chunks.js';
import {
  checkAnnouncedSize,
  checkBuffer,
  checkStream,
  checkStreamTo,
  digestOf,
  splitDigest,
  type ChunkSink,
  type StreamChecked,
} from '../../src/oci/digest.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as CustodyError).code;
  }
  return undefined;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as CustodyError).code;
  }
  return undefined;
}

describe('digest checks', () => {
  const hello = Buffer.from('hello');
  const helloDigest = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

  it('computes sha256 and sha512 digests and splits only supported, well-formed ones', () => {
    expect(digestOf(hello)).toBe(helloDigest);
    expect(digestOf(hello, 'sha512')).toMatch(/^sha512:[0-9a-f]{128}$/);
    expect(splitDigest(helloDigest)).toEqual({ algorithm: 'sha256', hex: helloDigest.slice(7) });
    expect(splitDigest('sha256:ABC')).toBeUndefined();
    expect(splitDigest('md5:d41d8cd98f00b204e9800998ecf8427e')).toBeUndefined();
    expect(splitDigest('sha256:../../etc/passwd')).toBeUndefined();
  });

  it('checkBuffer: size first, then digest; unsupported expected digests are refused', () => {
    expect(checkBuffer(hello, { digest: helloDigest, size: 5 }, 'x')).toBe(helloDigest);
    expect(code(() => checkBuffer(hello, { digest: helloDigest, size: 6 }, 'x'))).toBe('SIZE_MISMATCH');
    expect(code(() => checkBuffer(Buffer.from('hellp'), { digest: helloDigest, size: 5 }, 'x'))).toBe('DIGEST_MISMATCH');
    expect(code(() => checkBuffer(hello, { digest: 'sha1:aaaa' }, 'x'))).toBe('DIGEST_MISMATCH');
    expect(code(() => checkBuffer(hello, {}, 'x', 4))).toBe('BODY_TOO_LARGE');
    expect(code(() => checkAnnouncedSize(10, 9, 'x'))).toBe('BODY_TOO_LARGE');
  });

  it('checkStream: the same verdicts as checkBuffer for any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.array(fc.nat(), { maxLength: 8 }), fc.nat(), async (bytes, cuts, flip) => {
        const digest = digestOf(bytes);
        const checked = await checkStream(Readable.from(chunked(bytes, cuts)), { digest, size: bytes.length }, { maxBytes: 4096, what: 'p' });
        expect(checked.digest).toBe(digest);
        expect(Buffer.compare(checked.bytes, Buffer.from(bytes))).toBe(0);
        if (bytes.length > 0) {
          const altered = Uint8Array.from(bytes);
          altered[flip % bytes.length] = altered[flip % bytes.length]! ^ 0xff;
          expect(await codeOf(checkStream(Readable.from(chunked(altered, cuts)), { digest, size: bytes.length }, { maxBytes: 4096, what: 'p' }))).toBe(
            'DIGEST_MISMATCH',
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('checkStream stops reading as soon as the body passes the expected size or the limit', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled += 1;
        yield Buffer.alloc(1024, 1);
      }
    }
    expect(await codeOf(checkStream(endless(), { size: 3000 }, { maxBytes: 1 << 20, what: 'e' }))).toBe('SIZE_MISMATCH');
    expect(pulled).toBe(3);
    pulled = 0;
    expect(await codeOf(checkStream(endless(), {}, { maxBytes: 5000, what: 'e' }))).toBe('BODY_TOO_LARGE');
    expect(pulled).toBe(5);
  });

  it('checkStream: a short body is SIZE_MISMATCH, and messages name what was read', async () => {
    try {
      await checkStream(Readable.from([hello]), { digest: helloDigest, size: 9 }, { maxBytes: 100, what: 'registry.test/app: blob sha256:abc' });
      expect.unreachable();
    } catch (err) {
      expect((err as CustodyError).code).toBe('SIZE_MISMATCH');
      expect((err as CustodyError).message).toBe('registry.test/app: blob sha256:abc: expected 9 bytes, got 5 bytes');
    }
  });

  /** A sink that records what happened to it. */
  function recordingSink(): ChunkSink<string> & { written: Buffer[]; closed?: StreamChecked; aborted: number } {
    const sink = {
      written: [] as Buffer[],
      closed: undefined as StreamChecked | undefined,
      aborted: 0,
      write(chunk: Uint8Array) {
        sink.written.push(Buffer.from(chunk));
      },
      async close(checked: StreamChecked) {
        sink.closed = checked;
        return 'kept';
      },
      async abort() {
        sink.aborted += 1;
      },
    };
    return sink;
  }

  it('checkStreamTo: the sink gets every chunk in order and is closed once the digest matched (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.array(fc.nat(), { maxLength: 8 }), fc.nat(), async (bytes, cuts, flip) => {
        const digest = digestOf(bytes);
        const sink = recordingSink();
        expect(await checkStreamTo(Readable.from(chunked(bytes, cuts)), { digest, size: bytes.length }, { maxBytes: 4096, what: 'p' }, sink)).toBe('kept');
        expect(Buffer.concat(sink.written).equals(Buffer.from(bytes))).toBe(true);
        expect(sink).toMatchObject({ closed: { digest, size: bytes.length }, aborted: 0 });
        if (bytes.length > 0) {
          const altered = Uint8Array.from(bytes);
          altered[flip % bytes.length] = altered[flip % bytes.length]! ^ 0xff;
          const bad = recordingSink();
          expect(await codeOf(checkStreamTo(Readable.from(chunked(altered, cuts)), { digest, size: bytes.length }, { maxBytes: 4096, what: 'p' }, bad))).toBe(
            'DIGEST_MISMATCH',
          );
          expect(bad).toMatchObject({ closed: undefined, aborted: 1 });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('checkStreamTo: past the expected size or the limit, reading stops and the sink is aborted, never closed', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled += 1;
        yield Buffer.alloc(1024, 1);
      }
    }
    const oversize = recordingSink();
    expect(await codeOf(checkStreamTo(endless(), { size: 3000 }, { maxBytes: 1 << 20, what: 'e' }, oversize))).toBe('SIZE_MISMATCH');
    expect(pulled).toBe(3);
    expect(oversize).toMatchObject({ closed: undefined, aborted: 1 });
    // Nothing past the expected size reached the sink.
    expect(Buffer.concat(oversize.written).length).toBeLessThanOrEqual(3000);
    pulled = 0;
    const unbounded = recordingSink();
    expect(await codeOf(checkStreamTo(endless(), {}, { maxBytes: 5000, what: 'e' }, unbounded))).toBe('BODY_TOO_LARGE');
    expect(pulled).toBe(5);
    expect(unbounded).toMatchObject({ closed: undefined, aborted: 1 });
    expect(Buffer.concat(unbounded.written).length).toBeLessThanOrEqual(5000);
  });

  it('checkStreamTo: a stream that fails (a reset) aborts the sink', async () => {
    async function* reset(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('half');
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    const sink = recordingSink();
    await expect(checkStreamTo(reset(), { size: 8 }, { maxBytes: 100, what: 'r' }, sink)).rejects.toThrow('socket hang up');
    expect(sink).toMatchObject({ closed: undefined, aborted: 1 });
  });
});
