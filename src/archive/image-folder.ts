import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { validateAgainst } from '../schemas.js';
import type { EvidenceEntry, ImageManifest, Origin, PlannedItem, RawFile, Subject } from '../types.js';
import { TOOL } from '../version.js';
import { writeIfChanged } from './atomic.js';
import { checksumLine, sha256Hex } from '../lib/hash.js';
import { CHECKSUM_SUFFIX, MANIFEST } from '../lib/archive-format.js';
import { readCheckedManifest } from './read-manifest.js';

export interface ImageWriteResult {
  manifest: ImageManifest;
  manifestSha256: string;
  /** Entries written by this call (empty on an idempotent rerun). */
  added: EvidenceEntry[];
  /** Entries for every item of this call, new or already there. */
  entries: EvidenceEntry[];
}

function extensionFor(bytes: Uint8Array, mediaType = ''): string {
  // Text serialisations custody recognises by their media type (CycloneDX XML, SPDX YAML).
  const base = mediaType.split(';')[0]!.trim().toLowerCase();
  if (base.endsWith('+xml') || base.endsWith('/xml')) return 'xml';
  if (base.endsWith('+yaml') || base.endsWith('/yaml')) return 'yaml';
  for (let i = 0; i < bytes.length && i < 64; i++) {
    const b = bytes[i]!;
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    if (b === 0x7b || b === 0x5b) return 'json';
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 65536));
    return 'txt';
  } catch {
    return 'bin';
  }
}

function fileStem(item: PlannedItem): string {
  const { kind, format } = item.normalized;
  return kind === 'image' ? `image/${format}` : `evidence/${kind}-${format}`;
}

export function serializeManifest(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Read and schema-check an existing image manifest, or undefined if there is none. */
export async function readImageManifest(dir: string): Promise<ImageManifest | undefined> {
  return (await readCheckedManifest<ImageManifest>(dir, 'image-manifest.schema.json'))?.manifest;
}

/**
 * A file to create, relative to the image folder: from bytes in memory, or by
 * renaming a verified temporary file (`from`) into place.
 */
export type PlannedFile = { path: string; bytes: Uint8Array; from?: undefined } | { path: string; from: RawFile; bytes?: undefined };

export interface ImagePlan {
  manifest: ImageManifest;
  manifestText: string;
  manifestSha256: string;
  /** sha256 of the manifest on disk before this run, if any. */
  previousManifestSha256: string | undefined;
  /** That manifest's text, kept in the journal so that verify can check the replacement only adds. */
  previousManifestText: string | undefined;
  /** Evidence files and their `.sha256`, to be created (never overwritten). */
  files: PlannedFile[];
  added: EvidenceEntry[];
  entries: EvidenceEntry[];
}

/**
 * Decide what an image folder gains from `items`, without writing: each new
 * file content-addressed with its `.sha256`, and the next manifest. Files
 * already archived with the same bytes are reused; the manifest changes only
 * when something is added.
 */
export async function planImageFolder(dir: string, subject: Subject & { tag?: string }, items: readonly PlannedItem[], now: Date): Promise<ImagePlan> {
  const read = await readCheckedManifest<ImageManifest>(dir, 'image-manifest.schema.json');
  const existing = read?.manifest;
  const existingBytes = read?.bytes;
  const bySha = new Map<string, EvidenceEntry>();
  const byPath = new Map<string, EvidenceEntry>();
  for (const entry of existing?.evidence ?? []) {
    bySha.set(contentKey(entry.sha256, entry.origin), entry);
    byPath.set(entry.path, entry);
  }

  const files: PlannedFile[] = [];
  const added: EvidenceEntry[] = [];
  const entries: EvidenceEntry[] = [];
  for (const item of items) {
    const sha256 = item.file ? item.file.sha256 : sha256Hex(item.bytes);
    const key = contentKey(sha256, item.origin);
    const known = bySha.get(key);
    if (known) {
      entries.push(known);
      continue;
    }
    const path = freeFileName(item, sha256, key, byPath);
    files.push(item.file ? { path, from: item.file } : { path, bytes: item.bytes });
    files.push({ path: path + CHECKSUM_SUFFIX, bytes: Buffer.from(checksumLine(sha256, path.split('/').pop()!)) });
    const entry = entryOf(item, path, sha256);
    bySha.set(key, entry);
    byPath.set(path, entry);
    added.push(entry);
    entries.push(entry);
  }

  const manifest = nextManifest(existing, subject, added, now);
  const problems = validateAgainst('image-manifest.schema.json', manifest);
  if (problems.length > 0) {
    throw new CustodyError('INVALID_INPUT', `refusing to write ${join(dir, MANIFEST)}: ${problems.map((p) => p.message).join('; ')}`);
  }
  const manifestText = serializeManifest(manifest);
  return {
    manifest,
    manifestText,
    manifestSha256: sha256Hex(manifestText),
    previousManifestSha256: existingBytes ? sha256Hex(existingBytes) : undefined,
    previousManifestText: existingBytes?.toString('utf8'),
    files,
    added,
    entries,
  };
}

/** Create the planned files (append-only), then the manifest and its `.sha256`. */
/** Replace the image manifest (after its new files are durable): the manifest, then its checksum. */
/**
 * The file name of a new item: its kind and the first 12 hex digits of its
 * sha256, longer when that name is taken. A co-signature (the same payload
 * bytes as another signer's, another signature annotation) gets its own file.
 */
function freeFileName(item: PlannedItem, sha256: string, key: string, byPath: ReadonlyMap<string, EvidenceEntry>): string {
  const ext = extensionFor(item.file ? item.file.head : item.bytes, item.mediaType);
  const cosigned = key !== sha256 ? `-${sha256Hex(Buffer.from(key)).slice(0, 12)}` : '';
  const candidates = [`${sha256.slice(0, 12)}`, `${sha256.slice(0, 12)}${cosigned}`, `${sha256}${cosigned}`].map((name) => `${fileStem(item)}-${name}.${ext}`);
  return candidates.find((p) => !byPath.has(p)) ?? candidates[2]!;
}

/** The manifest entry of a new item written at `path`. */
function entryOf(item: PlannedItem, path: string, sha256: string): EvidenceEntry {
  return {
    path,
    sha256,
    size: item.file ? item.file.size : item.bytes.byteLength,
    mediaType: item.mediaType,
    kind: item.normalized.kind,
    format: item.normalized.format,
    ...(item.normalized.formatVersion !== undefined ? { formatVersion: item.normalized.formatVersion } : {}),
    ...(item.normalized.detectedBy !== undefined ? { detectedBy: item.normalized.detectedBy } : {}),
    origin: item.origin,
    valid: item.normalized.valid,
    problems: item.normalized.problems,
    ...(item.normalized.deviations.length > 0 ? { deviations: item.normalized.deviations } : {}),
    subjects: item.normalized.subjects,
    summary: item.normalized.summary,
    ...(item.verification ? { verification: item.verification } : {}),
  };
}

/**
 * The image manifest with `added` listed, sorted by path: a new one, or a copy
 * of the existing one stamped updated when something was added or when the
 * subject's media type has become known.
 */
function nextManifest(existing: ImageManifest | undefined, subject: Subject, added: readonly EvidenceEntry[], now: Date): ImageManifest {
  const stamp = now.toISOString();
  const manifest: ImageManifest = existing
    ? { ...existing, evidence: [...existing.evidence] }
    : { schemaVersion: 1, tool: TOOL, createdAt: stamp, updatedAt: stamp, subject, evidence: [] };
  if (existing && added.length > 0) {
    manifest.updatedAt = stamp;
    manifest.tool = TOOL;
  }
  if (existing && existing.subject.mediaType === null && subject.mediaType !== null) {
    manifest.subject = subject;
    manifest.updatedAt = stamp;
  }
  manifest.evidence.push(...added);
  manifest.evidence.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return manifest;
}

export async function commitImageManifest(dir: string, plan: ImagePlan): Promise<void> {
  await writeIfChanged(join(dir, MANIFEST), plan.manifestText);
  await writeIfChanged(join(dir, MANIFEST + CHECKSUM_SUFFIX), checksumLine(plan.manifestSha256, MANIFEST));
}

/**
 * What makes two pieces of evidence the same file: their bytes, and for a
 * cosign signature layer also its signature annotation (co-signers sign the
 * same payload bytes; the signatures are what differ).
 */
function contentKey(sha256: string, origin: Origin): string {
  const annotations = origin.descriptor?.annotations;
  const signature = annotations?.['dev.cosignproject.cosign/signature'] ?? annotations?.['dev.sigstore.cosign/signature'];
  return signature && signature.trim() !== '' ? `${sha256}\u0000${signature}` : sha256;
}
