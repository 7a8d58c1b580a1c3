/** How a source reaches its content (credentials, TLS, timeouts, limits, retries): every Source and a registry session take these. */
export interface ConnectionOptions {
  /** Docker config folder; default `$DOCKER_CONFIG`, else `~/.docker`. */
  dockerConfigDir?: string;
  /** containers-auth.json file consulted first; default `$REGISTRY_AUTH_FILE`. */
  authFile?: string;
  /** PEM file of extra CA certificates trusted for HTTPS (added to the system roots). */
  caFile?: string;
  /** Allow plain HTTP and unverified TLS for any host (loopback hosts may always use HTTP). */
  insecure?: boolean;
  /** Time allowed until response headers arrive, per attempt. */
  requestTimeoutMs?: number;
  /** Longest pause allowed between two chunks of a body. */
  stallTimeoutMs?: number;
  /** Limit for manifests, indexes, referrers listings and tag lists. */
  maxManifestBytes?: number;
  /** Limit for any blob (evidence layers, configs). */
  maxBodyBytes?: number;
  /** Further attempts after the first on 5xx, 429 and connection errors. */
  retries?: number;
  /** First backoff delay; doubles per attempt, with jitter. */
  retryBaseDelayMs?: number;
  /** Largest backoff delay. */
  retryMaxDelayMs?: number;
  /** Largest `Retry-After` honoured; a registry asking for longer fails the request. */
  maxRetryAfterMs?: number;
  /** Requests in flight per registry host. */
  concurrency?: number;
  /** Pages followed through `Link` (referrers listings, tag lists). */
  maxPages?: number;
  /** Environment used for DOCKER_CONFIG, REGISTRY_AUTH_FILE, HOME and PATH (credential helpers). */
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedSourceOptions {
  insecure: boolean;
  requestTimeoutMs: number;
  stallTimeoutMs: number;
  maxManifestBytes: number;
  maxBodyBytes: number;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  concurrency: number;
  maxPages: number;
}

export const DEFAULT_SOURCE_OPTIONS: ResolvedSourceOptions = {
  insecure: false,
  requestTimeoutMs: 30_000,
  stallTimeoutMs: 30_000,
  maxManifestBytes: 4 * 1024 * 1024,
  maxBodyBytes: 256 * 1024 * 1024,
  retries: 3,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  concurrency: 6,
  maxPages: 20,
};

export function resolveSourceOptions(options: ConnectionOptions = {}): ResolvedSourceOptions {
  const out: ResolvedSourceOptions = { ...DEFAULT_SOURCE_OPTIONS };
  for (const key of Object.keys(DEFAULT_SOURCE_OPTIONS) as (keyof ResolvedSourceOptions)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (key === 'insecure') out.insecure = value === true;
    else if (typeof value === 'number' && Number.isFinite(value) && value >= 0) (out[key] as number) = value;
  }
  out.concurrency = Math.max(1, Math.floor(out.concurrency));
  out.maxPages = Math.max(1, Math.floor(out.maxPages));
  return out;
}
