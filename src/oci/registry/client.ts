import type http from 'node:http';
import { CustodyError } from '../../errors.js';
import type { Checked, ChunkSink, Expected } from '../digest.js';
import { RegistryAuth, type TokenRequest } from './auth.js';
import { apiHost, plainHttpAllowed } from './endpoint.js';
import { USER_AGENT, TimeoutError, displayUrl, drain, readBody, readBodyInto, registryErrors, send } from './http.js';
import { backoffDelay, isRetryableNetworkError, isRetryableStatus, parseRetryAfter, sleep } from './retry.js';
import { Semaphore } from './semaphore.js';
import type { RegistryContext } from './context.js';

/**
 * The Distribution API client for one registry host: decides the scheme
 * once (GET /v2/), answers auth challenges through RegistryAuth (auth.ts),
 * retries 5xx, 429 and connection failures with backoff, and keeps at most
 * `concurrency` requests in flight. Authorization headers go to the
 * registry origin only, never along a redirect to another one.
 */

export interface RequestSpec {
  method: 'GET' | 'HEAD';
  /** `/v2/...` path with query, on the registry origin. */
  path?: string;
  /** An absolute URL on the registry origin (a `Link` page). */
  url?: URL;
  accept?: string;
  /** Repository the request is about (auth scope, credential lookup). */
  repository: string;
  /** Names the thing fetched in messages: `manifest sha256:… of host/repo`. */
  what: string;
  /**
   * Read and check the body: into memory (`body`), or, with `sink`, into a
   * writer opened per attempt (`stored`: what the writer's close returned).
   */
  read?: { expected: Expected; maxBytes: number; sink?: () => Promise<ChunkSink<unknown>> };
  /** Return a 404 instead of throwing NOT_FOUND. */
  allow404?: boolean;
}

export interface RegistryResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  url: URL;
  body?: Checked;
  stored?: unknown;
}

const MAX_REDIRECTS = 5;

const CERT_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** A failure worth another attempt; `final` builds the error thrown when attempts run out. */
class RetryableFailure extends Error {
  constructor(
    readonly final: (attempts: number) => CustodyError,
    readonly retryAfterMs?: number,
  ) {
    super('retryable');
  }
}

/** The TLS handshake met something that is not TLS: the server speaks plain HTTP. */
class NotTls extends Error {}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function plural(n: number): string {
  return n === 1 ? '1 attempt' : `${n} attempts`;
}

export class RegistryClient {
  /** API host (docker.io → registry-1.docker.io). */
  readonly host: string;
  private origin: Promise<URL> | undefined;
  private readonly auth: RegistryAuth;
  private readonly semaphore: Semaphore;

  constructor(
    /** The registry as named in references (`docker.io`, `127.0.0.1:5000`). */
    readonly registry: string,
    private readonly session: RegistryContext,
  ) {
    this.host = apiHost(registry);
    this.semaphore = new Semaphore(session.options.concurrency);
    this.auth = new RegistryAuth(registry, session, (request) => this.tokenRequest(request));
  }

  /** Requests in flight now (for tests of the per-registry limit). */
  get inFlight(): number {
    return this.semaphore.inFlight;
  }

  async request(spec: RequestSpec): Promise<RegistryResponse> {
    const origin = await this.ping();
    return this.withRetries(() => this.semaphore.run(() => this.once(spec, origin)));
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    const policy = this.session.retryPolicy;
    for (let n = 0; ; n += 1) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof RetryableFailure)) throw err;
        if (n >= policy.retries) throw err.final(n + 1);
        if (err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxRetryAfterMs) {
          throw new CustodyError(
            'REGISTRY',
            `${err.final(n + 1).message}; the registry asks to wait ${Math.ceil(err.retryAfterMs / 1000)} s, more than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s allowed`,
          );
        }
        await sleep(err.retryAfterMs ?? backoffDelay(n, policy));
      }
    }
  }

  // ---- scheme and ping -------------------------------------------------

  private ping(): Promise<URL> {
    if (!this.origin) {
      const pending = this.findOrigin();
      this.origin = pending;
      pending.catch(() => {
        if (this.origin === pending) this.origin = undefined;
      });
    }
    return this.origin;
  }

  /** HTTPS first; plain HTTP only where allowed and only when the server does not speak TLS at all. */
  private async findOrigin(): Promise<URL> {
    const secure = new URL(`https://${this.host}`);
    try {
      await this.withRetries(() => this.semaphore.run(() => this.pingOnce(secure)));
      return secure;
    } catch (err) {
      if (!(err instanceof NotTls)) throw err;
      if (!plainHttpAllowed(this.host, this.session.options.insecure)) {
        throw new CustodyError('NETWORK', `${this.registry}: the registry does not speak HTTPS; plain HTTP is only used for loopback hosts or with insecure`);
      }
    }
    const plain = new URL(`http://${this.host}`);
    await this.withRetries(() => this.semaphore.run(() => this.pingOnce(plain)));
    return plain;
  }

  private async pingOnce(origin: URL): Promise<void> {
    const url = new URL('/v2/', origin);
    const what = `${this.registry}: API check ${displayUrl(url)}`;
    let res: http.IncomingMessage;
    try {
      res = await send({
        method: 'GET',
        url,
        headers: { 'User-Agent': USER_AGENT },
        agent: this.session.agentFor(url),
        timeoutMs: this.session.options.requestTimeoutMs,
      });
    } catch (err) {
      const code = errorCode(err) ?? '';
      if (
        origin.protocol === 'https:' &&
        (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code === 'ECONNRESET') &&
        plainHttpAllowed(this.host, this.session.options.insecure)
      ) {
        throw new NotTls(code);
      }
      throw this.networkFailure(err, what, url);
    }
    const status = res.statusCode ?? 0;
    await drain(res);
    if (status === 200) return;
    if (status === 401) {
      this.auth.learnChallenge(res.headers['www-authenticate']);
      return;
    }
    if (isRetryableStatus(status)) throw this.statusFailure(status, res.headers, [], what);
    throw new CustodyError('REGISTRY', `${what}: HTTP ${status}; not an OCI distribution registry?`);
  }

  // ---- one request -----------------------------------------------------

  private async once(spec: RequestSpec, origin: URL): Promise<RegistryResponse> {
    let url = spec.url ?? new URL(spec.path ?? '/v2/', origin);
    if (url.origin !== origin.origin) throw new CustodyError('REGISTRY', `${spec.what}: ${displayUrl(url)} is not on ${origin.host}; refused`);
    let authRetried = false;
    let redirects = 0;
    for (;;) {
      const onRegistry = url.origin === origin.origin;
      const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
      if (spec.accept !== undefined) headers.Accept = spec.accept;
      const authorization = onRegistry ? await this.auth.authorization(spec.repository) : undefined;
      if (authorization !== undefined) headers.Authorization = authorization;

      let res: http.IncomingMessage;
      try {
        res = await send({ method: spec.method, url, headers, agent: this.session.agentFor(url), timeoutMs: this.session.options.requestTimeoutMs });
      } catch (err) {
        throw this.networkFailure(err, spec.what, url);
      }
      const status = res.statusCode ?? 0;

      if (status === 401 && onRegistry && !authRetried) {
        await drain(res);
        authRetried = true;
        this.auth.learnChallenge(res.headers['www-authenticate'], spec.repository);
        if (await this.auth.cannotAnswer(spec.repository)) throw await this.auth.refused(spec.what, spec.repository);
        continue;
      }
      if (status >= 300 && status < 400 && status !== 304 && typeof res.headers.location === 'string') {
        await drain(res);
        redirects += 1;
        if (redirects > MAX_REDIRECTS) throw new CustodyError('REGISTRY', `${spec.what}: more than ${MAX_REDIRECTS} redirects`);
        url = this.redirectTarget(res.headers.location, url, spec.what);
        continue;
      }
      if (status >= 200 && status < 300) return this.success(res, status, url, spec);
      return this.failure(res, status, url, spec);
    }
  }

  /** Where a redirect leads, resolved against the URL it came from; a scheme the session refuses is refused. */
  private redirectTarget(location: string, url: URL, what: string): URL {
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new CustodyError('REGISTRY', `${what}: redirect to an invalid URL`);
    }
    this.session.checkScheme(next, what);
    return next;
  }

  /** A 2xx answer: its body read and checked as `spec.read` says (into memory, or into a sink opened now), or left unread. */
  private async success(res: http.IncomingMessage, status: number, url: URL, spec: RequestSpec): Promise<RegistryResponse> {
    if (spec.method === 'HEAD' || spec.read === undefined) {
      res.resume();
      return { status, headers: res.headers, url };
    }
    try {
      const options = { maxBytes: spec.read.maxBytes, stallTimeoutMs: this.session.options.stallTimeoutMs, what: spec.what };
      if (spec.read.sink) {
        let sink: ChunkSink<unknown>;
        try {
          sink = await spec.read.sink();
        } catch (err) {
          res.destroy();
          throw err;
        }
        const stored = await readBodyInto(res, spec.read.expected, options, sink);
        return { status, headers: res.headers, url, stored };
      }
      const body = await readBody(res, spec.read.expected, options);
      return { status, headers: res.headers, url, body };
    } catch (err) {
      if (err instanceof CustodyError) throw err;
      throw this.networkFailure(err, spec.what, url);
    }
  }

  /** Any other answer: a 404 returned when `spec.allow404`, a retryable failure (429, TOOMANYREQUESTS, 5xx), else the error its status means. */
  private async failure(res: http.IncomingMessage, status: number, url: URL, spec: RequestSpec): Promise<RegistryResponse> {
    const errorBody = spec.method === 'HEAD' ? Buffer.alloc(0) : await drain(res);
    if (spec.method === 'HEAD') res.resume();
    const { codes, message } = registryErrors(errorBody);
    if (status === 404 && spec.allow404) return { status, headers: res.headers, url };
    if (status === 429 || codes.includes('TOOMANYREQUESTS') || isRetryableStatus(status)) {
      throw this.statusFailure(status, res.headers, codes, spec.what);
    }
    if (status === 401) throw await this.auth.refused(spec.what, spec.repository);
    if (status === 403)
      throw new CustodyError('AUTH', `${spec.what}: access denied by ${this.registry} (HTTP 403${codes.length ? ` ${codes.join(',')}` : ''})`);
    if (status === 404) throw new CustodyError('NOT_FOUND', `${spec.what}: not found on ${this.registry}${codes.length ? ` (${codes.join(',')})` : ''}`);
    throw new CustodyError(
      'REGISTRY',
      `${spec.what}: HTTP ${status} from ${this.registry}${codes.length ? ` ${codes.join(',')}` : ''}${message ? `: ${message}` : ''}`,
    );
  }

  private statusFailure(status: number, headers: http.IncomingHttpHeaders, codes: string[], what: string): RetryableFailure {
    const limited = status === 429 || codes.includes('TOOMANYREQUESTS');
    const retryAfter = parseRetryAfter(headers['retry-after']);
    const label = limited
      ? `rate limited by ${this.registry} (HTTP ${status}${codes.includes('TOOMANYREQUESTS') ? ' TOOMANYREQUESTS' : ''})`
      : `HTTP ${status} from ${this.registry}`;
    return new RetryableFailure(
      (attempts) => new CustodyError('REGISTRY', `${what}: ${label} after ${plural(attempts)}`, { details: { status, attempts } }),
      retryAfter,
    );
  }

  private networkFailure(err: unknown, what: string, url: URL): Error {
    if (err instanceof CustodyError) return err;
    const code = errorCode(err);
    if (err instanceof TimeoutError) {
      return new RetryableFailure((attempts) => new CustodyError('TIMEOUT', `${what}: ${err.message} from ${url.host} (${plural(attempts)})`, { cause: err }));
    }
    if (code !== undefined && CERT_ERRORS.has(code)) {
      return new CustodyError('NETWORK', `${what}: the TLS certificate of ${url.host} is not trusted (${code}); give the CA file`, { cause: err });
    }
    const reason = code ?? (err instanceof Error ? err.message.slice(0, 120) : 'error');
    if (isRetryableNetworkError(err)) {
      return new RetryableFailure(
        (attempts) => new CustodyError('NETWORK', `${what}: cannot reach ${url.host}: ${reason} (${plural(attempts)})`, { cause: err }),
      );
    }
    return new CustodyError('NETWORK', `${what}: ${url.host}: ${reason}`, { cause: err });
  }

  // ---- token realm ----------------------------------------------------

  /** One request to an auth token realm for RegistryAuth, retried as every request is. */
  private tokenRequest(request: Parameters<TokenRequest>[0]): ReturnType<TokenRequest> {
    const { method, url, headers, body, what, maxBytes } = request;
    return this.withRetries(async () => {
      let res: http.IncomingMessage;
      try {
        res = await send({
          method,
          url,
          headers,
          agent: this.session.agentFor(url),
          timeoutMs: this.session.options.requestTimeoutMs,
          ...(body !== undefined ? { body } : {}),
        });
      } catch (err) {
        throw this.networkFailure(err, what, url);
      }
      const status = res.statusCode ?? 0;
      if (status === 200) {
        try {
          return { status, body: (await readBody(res, {}, { maxBytes, stallTimeoutMs: this.session.options.stallTimeoutMs, what })).bytes };
        } catch (err) {
          if (err instanceof CustodyError) throw err;
          throw this.networkFailure(err, what, url);
        }
      }
      await drain(res);
      if (isRetryableStatus(status)) throw this.statusFailure(status, res.headers, [], what);
      return { status };
    });
  }
}
