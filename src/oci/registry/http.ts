import http from 'node:http';
import https from 'node:https';
import { CustodyError } from '../../errors.js';
import { checkStreamTo, memorySink, type Checked, type ChunkSink, type Expected } from '../digest.js';

/** One HTTP exchange with timeouts: until headers, and between body chunks. */

export const USER_AGENT = 'custody (+https://github.com/opencontainers/distribution-spec)';

export class TimeoutError extends Error {
  readonly code = 'CUSTODY_TIMEOUT';
  constructor(
    readonly phase: 'headers' | 'body',
    readonly ms: number,
  ) {
    super(phase === 'headers' ? `no response within ${ms} ms` : `body stalled for ${ms} ms`);
  }
}

export interface SendOptions {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers: Record<string, string>;
  agent: http.Agent;
  timeoutMs: number;
  body?: string;
}

export function send(options: SendOptions): Promise<http.IncomingMessage> {
  const { url } = options;
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers, agent: options.agent });
    const timer = setTimeout(() => req.destroy(new TimeoutError('headers', options.timeoutMs)), options.timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

export interface ReadOptions {
  maxBytes: number;
  stallTimeoutMs: number;
  what: string;
}

/** Read a response body through the verifying stream into memory; the connection is destroyed on any failure. */
export async function readBody(res: http.IncomingMessage, expected: Expected, options: ReadOptions): Promise<Checked> {
  return readBodyInto(res, expected, options, memorySink());
}

/**
 * Read a response body through the verifying stream into `sink` (closed when
 * the body matched, aborted on any failure); the connection is destroyed on
 * any failure.
 */
export async function readBodyInto<T>(res: http.IncomingMessage, expected: Expected, options: ReadOptions, sink: ChunkSink<T>): Promise<T> {
  const announced = res.headers['content-length'];
  if (announced !== undefined && /^\d+$/.test(announced)) {
    const length = Number(announced);
    let refused: CustodyError | undefined;
    if (length > options.maxBytes) {
      refused = new CustodyError('BODY_TOO_LARGE', `${options.what}: ${length} bytes announced, over the limit of ${options.maxBytes} bytes; cut off`, {
        details: { size: length, maxBytes: options.maxBytes },
      });
    } else if (expected.size !== undefined && length !== expected.size) {
      refused = new CustodyError('SIZE_MISMATCH', `${options.what}: expected ${expected.size} bytes, the registry announced ${length}`, {
        details: { expectedSize: expected.size, size: length },
      });
    }
    if (refused) {
      res.destroy();
      await sink.abort();
      throw refused;
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => res.destroy(new TimeoutError('body', options.stallTimeoutMs)), options.stallTimeoutMs);
  };
  arm();
  try {
    return await checkStreamTo(res, expected, { maxBytes: options.maxBytes, what: options.what, onChunk: arm }, sink);
  } catch (err) {
    res.destroy();
    throw err;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Read at most `limit` bytes of an error body (to learn the registry's error code), then let go. */
export async function drain(res: http.IncomingMessage, limit = 16 * 1024, stallTimeoutMs = 5_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(() => res.destroy(new TimeoutError('body', stallTimeoutMs)), stallTimeoutMs);
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        res.destroy();
        break;
      }
    }
  } catch {
    // An error body that fails to arrive changes nothing: the status decides.
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** distribution-spec error body `{"errors":[{"code","message"}]}` → codes and a short, printable message. */
export function registryErrors(body: Buffer): { codes: string[]; message?: string } {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    if (!Array.isArray(doc.errors)) return { codes: [] };
    const codes: string[] = [];
    let message: string | undefined;
    for (const e of doc.errors.slice(0, 10)) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code)) codes.push(code);
      const m = (e as { message?: unknown }).message;
      if (message === undefined && typeof m === 'string') message = m.replace(/[^\x20-\x7e]/g, '?').slice(0, 160);
    }
    return message === undefined ? { codes } : { codes, message };
  } catch {
    return { codes: [] };
  }
}

/** `https://host/path` without query or fragment: what messages may show of a URL (signed URLs carry secrets in queries). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
