import type { Descriptor } from '../types.js';
import type { ImageReference } from './reference.js';
import type { RegistrySession } from './registry/session.js';

/**
 * The one interface every collector works against (STYLE.md: oras-go
 * `content.Fetcher`, go-containerregistry `v1.Image`). Two implementations:
 * the Distribution API over HTTP(S) and an OCI image layout folder.
 *
 * Every byte returned has been checked against the descriptor's digest and
 * size; a body over the limit is cut off (CustodyError BODY_TOO_LARGE).
 */
export interface Source {
  /** Where the content lives, for messages: `ghcr.io/acme/app` or `oci:/path`. Never carries credentials. */
  readonly location: string;
  /**
   * What content this source serves that cannot be used (a manifest that does
   * not parse) means: the registry misbehaved (REGISTRY, exit 3), or the
   * layout folder given as input is invalid (INVALID_INPUT, exit 2).
   */
  readonly invalidContentCode: 'REGISTRY' | 'INVALID_INPUT';
  /** Tag (or digest) → the descriptor of the manifest or index, resolved once. */
  resolve(reference: ImageReference): Promise<Descriptor>;
  /** A manifest or index by descriptor, digest- and size-checked. */
  fetchManifest(descriptor: Descriptor): Promise<Uint8Array>;
  /** A blob (config, layer) by descriptor, digest- and size-checked. */
  fetchBlob(descriptor: Descriptor): Promise<Uint8Array>;
  /**
   * Referrers of `digest` (distribution-spec 1.1 referrers API; in a layout,
   * manifests whose `subject` is `digest`). `supported: false` means the
   * registry has no referrers API (404): the caller falls back to the tag schema.
   */
  listReferrers(digest: string, options?: ListReferrersOptions): Promise<ReferrersListing>;
  listTags(): Promise<string[]>;
  tagExists(tag: string): Promise<boolean>;
  /** The descriptor a tag points at, or undefined when there is no such tag. */
  resolveTag(tag: string): Promise<Descriptor | undefined>;
  /**
   * The manifests the storage itself lists besides tags and referrers: an
   * OCI layout's `index.json` entries (`cosign save` annotates its
   * signatures and attestations there); a registry lists none.
   */
  listIndexEntries(): Promise<Descriptor[]>;
  /** Releases sockets held for this source (a shared session is left open). */
  close(): Promise<void>;
}

export interface ListReferrersOptions {
  /** Only referrers of this artifact type (filtered by the registry when it says so, else here). */
  artifactType?: string;
}

export type ReferrersListing =
  | { supported: true; manifests: Descriptor[]; warnings: string[] }
  | { supported: false; reason: string };

export interface SourceOptions {
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
  /** Share HTTP agents, tokens, credentials and per-host limits between sources (one per run). */
  session?: RegistrySession;
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

export function resolveSourceOptions(options: SourceOptions = {}): ResolvedSourceOptions {
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
