/** Shared data model. Names follow DESIGN.md's data flow and manifest fields. */

import type { DeviationCode, EvidenceProblemCode, FormatProblemCode, ProblemCode } from './problem-codes.js';

export type * from './problem-codes.js';

export const EVIDENCE_KINDS = ['sbom', 'signature', 'attestation', 'scan', 'vex', 'image', 'other'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** One thing wrong with an input: a stable code (src/problem-codes.ts, one list per area), a JSON Pointer into the input, a sentence. */
export interface Problem<Code extends string = ProblemCode> {
  code: Code;
  path: string;
  message: string;
}

/** What a format module (src/formats) reports about a document: its problems, known producer deviations among them. */
export type FormatProblem = Problem<FormatProblemCode | DeviationCode>;

/** What can be wrong with a piece of evidence, as Normalized and the image manifest record it. */
export type EvidenceProblem = Problem<EvidenceProblemCode>;

/**
 * A break of the specification that a named real producer is known to emit
 * (BuildKit's empty builder id, ...): recorded, shown, never failing a run by
 * itself; `--strict` turns it into a problem. Each comes from one rule in
 * src/formats/deviations.ts that recognises that producer's output.
 */
export interface Deviation extends Problem<DeviationCode> {
  /** The producer the quirk is known from, e.g. `BuildKit (docker buildx)`. */
  producer: string;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

/** OCI content descriptor (image-spec descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
}

export const ORIGIN_METHODS = ['referrers-api', 'referrers-tag', 'cosign-tag', 'buildkit', 'local-file', 'image'] as const;
export type OriginMethod = (typeof ORIGIN_METHODS)[number];

/** How a piece of evidence was found. */
export interface Origin {
  method: OriginMethod;
  /** Digest of the manifest (index, platform manifest, or another referrer) it is attached to. */
  attachedTo?: string;
  /** Descriptor of the evidence bytes themselves (a layer, a manifest). Keeps the layer annotations. */
  descriptor?: Descriptor;
  /** Descriptor of the artifact manifest that carried the evidence as a layer, if any. */
  manifest?: Descriptor;
  /** The tag it was found under (cosign tags, referrers tag schema). */
  tag?: string;
  /** For local files: the file name as given by the user. */
  file?: string;
  /** Referrer of a referrer: the digest of the intermediate artifact. */
  via?: string;
}

/** Bytes as received, digest-checked, before any interpretation, in memory (small things). */
export interface Raw {
  bytes: Uint8Array;
  /** Never set: tells a Raw from a SpooledRaw (`raw.file === undefined`). */
  file?: undefined;
  mediaType: string;
  origin: Origin;
}

/**
 * A verified temporary file holding a blob as received: its digest and size
 * were checked while it was written, and it was made durable. The archive
 * renames it into place; nobody writes to it.
 */
export interface RawFile {
  /** Absolute path of the temporary file. */
  path: string;
  size: number;
  /** sha256 (hex) of the whole file, computed while it was written. */
  sha256: string;
  /** Its first bytes (at most 64 KiB): enough to name the file (json, txt, bin) without reading it. */
  head: Uint8Array;
}

/** A blob too large to hold in memory, as received and checked, in a temporary file. */
export interface SpooledRaw {
  file: RawFile;
  /** Never set: the bytes are in the file. */
  bytes?: undefined;
  mediaType: string;
  origin: Origin;
}

/** Evidence as collected for the archive: in memory, or (large blobs) in a verified temporary file. */
export type AnyRaw = Raw | SpooledRaw;

export interface PlatformManifest {
  digest: string;
  mediaType: string;
  platform?: Platform;
}

/** The image that evidence is about, resolved to a digest once at the start. */
export interface Subject {
  /** The reference as the user gave it, normalised (tag kept when given). */
  ref: string;
  digest: string;
  /** Media type of the image manifest or index; null when not resolved (`--no-discover`). */
  mediaType: string | null;
  platforms: PlatformManifest[];
}

/** What the normaliser derives from one piece of evidence. Pure function of bytes + context. */
export interface Normalized {
  kind: EvidenceKind;
  format: string;
  formatVersion?: string;
  /** Why this format was chosen (media type or content marker), for auditors. */
  detectedBy?: string;
  /** The media type of the serialisation recognised (CycloneDX XML, SPDX tag-value…), for evidence that came without one. */
  defaultMediaType?: string;
  valid: boolean;
  problems: EvidenceProblem[];
  /** Known producer quirks; they do not make the evidence invalid (unless the run is strict). */
  deviations: Deviation[];
  /** Digests the evidence claims to describe (`sha256:<hex>`). */
  subjects: string[];
  summary: Record<string, unknown>;
}

/** One piece of evidence ready to be archived: bytes as received plus what custody derived (normalize makes it, archive writes it). */
export interface ArchiveItem {
  bytes: Uint8Array;
  /** Never set: tells an ArchiveItem from a SpooledItem. */
  file?: undefined;
  mediaType: string;
  origin: Origin;
  normalized: Normalized;
  verification?: Verification;
}

/** The same, for a blob received into a verified temporary file: archived by renaming that file into place. */
export interface SpooledItem {
  file: RawFile;
  bytes?: undefined;
  mediaType: string;
  origin: Origin;
  normalized: Normalized;
  verification?: Verification;
}

/** What the archive plans to write for one piece of evidence. */
export type PlannedItem = ArchiveItem | SpooledItem;

export interface Identity {
  /** For keys: a hint (sha256 of the SPKI DER). */
  keyHint?: string;
  /** For certificates: the SAN (email, URI, otherName). */
  san?: string;
  issuer?: string;
  /** For Notation signatures: the signing certificate's subject (RFC 4514, most specific first). */
  subject?: string;
}

/** Signature verdict recorded for signed material. */
export interface Verification {
  verified: boolean;
  /** Stable code on failure: signature-invalid, untrusted-key, identity-mismatch, no-trust-material, ... */
  code?: string;
  identity?: Identity;
  /** sha256 (hex) of the trust material files used. */
  trustMaterial?: string[];
  /** Identity constraints the check applied (cosign's flags), so it can be repeated offline. */
  constraints?: IdentityConstraints;
  reason: string;
}

export interface IdentityConstraints {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
}

/** A copy of trust material kept in the day folder (`trust/<sha256>.<ext>`), named by its hash. */
export interface TrustRecord {
  path: string;
  sha256: string;
  size: number;
  role: 'key' | 'trusted-root' | 'ca-roots' | 'ca-intermediates' | 'rekor-key' | 'notation-trust-store' | 'notation-trust-policy';
}

/** One entry of an image folder's manifest.json `evidence[]` (schemas/image-manifest.schema.json). */
export interface EvidenceEntry {
  /** Relative to the image folder, e.g. `evidence/sbom-spdx-0123456789ab.json`. */
  path: string;
  sha256: string;
  size: number;
  mediaType: string;
  kind: EvidenceKind;
  format: string;
  formatVersion?: string;
  detectedBy?: string;
  origin: Origin;
  valid: boolean;
  problems: EvidenceProblem[];
  /** Written only when there are any (image manifest schemaVersion 1 gained it as an optional field). */
  deviations?: Deviation[];
  subjects: string[];
  summary: Record<string, unknown>;
  verification?: Verification;
}

export interface ToolInfo {
  name: string;
  version: string;
}

/** An image folder's manifest.json. */
export interface ImageManifest {
  schemaVersion: 1;
  tool: ToolInfo;
  createdAt: string;
  updatedAt: string;
  subject: Subject & { tag?: string };
  evidence: EvidenceEntry[];
}

export type ImageStatus = 'ok' | 'incomplete' | 'failed';

export interface DayImage {
  ref: string;
  digest: string | null;
  /** Relative to the day folder: `images/<registry>/<repo>/sha256-<hex>`. */
  path: string | null;
  manifestSha256: string | null;
  status: ImageStatus;
  error: string | null;
}

/** A day folder's manifest.json. */
export interface DayManifest {
  schemaVersion: 1;
  tool: ToolInfo;
  date: string;
  createdAt: string;
  updatedAt: string;
  images: DayImage[];
  previous: { date: string; sha256: string } | null;
  /** Trust material the day's signature verdicts relied on, kept so verify can repeat them offline. */
  trust?: TrustRecord[];
}
