import type { BlobSink } from '../oci/source.js';
import type { AnyRaw, Descriptor, OriginMethod, Raw, RawFile, Subject } from '../types.js';

/** One artifact found attached to the image, and what it carries. No evidence body is fetched to build it. */
export interface DiscoveredNode {
  /** The artifact's manifest (BuildKit: the attestation manifest). */
  descriptor: Descriptor;
  method: OriginMethod;
  /** The image digest it is about: the index, or the platform manifest it was attached to. */
  attachedTo: string;
  /** The tag it was found under (cosign tags, referrers tag schema). */
  tag?: string;
  /** For a referrer of a referrer: the digest of the artifact it is attached to. */
  via?: string;
  /** artifactType, else the config media type (as a referrers listing reports it). */
  artifactType?: string;
  /** Layers that hold the evidence (empty: the manifest itself is the evidence). */
  layers: Descriptor[];
  /** Referrers of this artifact, one level down. */
  children: DiscoveredNode[];
}

export interface DiscoveryResult {
  subject: Subject;
  /** The tag resolved at the start, if the reference had one (registry: `latest` when none). */
  tag?: string;
  nodes: DiscoveredNode[];
  warnings: string[];
}

/** What collect gathered for one image: in memory, or (with a spool) large blobs in verified temporary files. */
export interface Collection<R extends AnyRaw = Raw> {
  subject: Subject;
  tag?: string;
  /** The image's own index, manifest(s) and config(s), origin.method `image`. */
  image: R[];
  /** Attached evidence: artifact layers, or the artifact manifest where it has no evidence layer. */
  evidence: R[];
  warnings: string[];
}

export interface DiscoverOptions {
  /** Look for referrers of referrers (one level). Default true. */
  nested?: boolean;
  /** Stop after this many artifacts (a warning says so). Default 2000. */
  maxArtifacts?: number;
  /** Largest sum of declared evidence sizes for one image (collect). Default 2 GiB. */
  maxTotalBytes?: number;
}

/**
 * Where collect streams blobs too large to hold in memory: verified
 * temporary files (the archive's spool). A blob is checked against its
 * descriptor while it is written; one that fails leaves no file.
 */
export interface BlobSpool extends BlobSink<RawFile> {
  /** Blobs that declare at least this many bytes are spooled; smaller ones are held in memory. */
  readonly above: number;
}

export interface CollectOptions extends DiscoverOptions {
  spool?: BlobSpool;
}
