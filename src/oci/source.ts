import type { Descriptor } from '../types.js';
import type { ChunkSink } from './digest.js';
import type { ImageReference } from './reference.js';
import type { RegistrySession } from './registry/session.js';
import type { ConnectionOptions } from './source-options.js';

/**
 * The one interface every collector works against (STYLE.md: oras-go
 * `content.Fetcher`, go-containerregistry `v1.Image`). Two implementations:
 * the Distribution API over HTTP(S) and an OCI image layout folder.
 *
 * Every byte returned has been checked against the descriptor's digest and
 * size; a body over the limit is cut off (CustodyError BODY_TOO_LARGE). Bytes
 * streamed into a sink are checked as they pass and count only once the sink
 * is closed (a sink that is aborted held bytes that failed).
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
  /** A blob (config, layer) by descriptor, digest- and size-checked, in memory. */
  fetchBlob(descriptor: Descriptor): Promise<Uint8Array>;
  /**
   * A blob streamed into `sink` as it arrives, counted and hashed on the way
   * (oras-go `VerifyReader`): cut off past the descriptor's size or the limit;
   * the sink's writer is closed only when the digest matched and aborted on
   * any failure (a retried download opens a new one). Memory does not grow
   * with the blob.
   */
  fetchBlobInto<T>(descriptor: Descriptor, sink: BlobSink<T>): Promise<T>;
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

/** Opens a fresh, empty destination for one attempt at reading a blob. */
export interface BlobSink<T> {
  open(descriptor: Descriptor): Promise<ChunkSink<T>>;
}

export interface ListReferrersOptions {
  /** Only referrers of this artifact type (filtered by the registry when it says so, else here). */
  artifactType?: string;
}

export type ReferrersListing = { supported: true; manifests: Descriptor[]; warnings: string[] } | { supported: false; reason: string };

export interface SourceOptions extends ConnectionOptions {
  /** Share HTTP agents, tokens, credentials and per-host limits between sources (one per run). */
  session?: RegistrySession;
}
