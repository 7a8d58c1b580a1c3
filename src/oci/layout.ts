import { realpath } from 'node:fs/promises';
import { join, resolve as resolvePath, sep } from 'node:path';
import { CustodyError, fromFsError } from '../errors.js';
import { isMissingFile, openRegularFile, readRegularFile } from '../lib/read-file.js';
import type { Descriptor } from '../types.js';
import { checkAnnouncedSize, checkStream, checkStreamTo, memorySink, splitDigest } from './digest.js';
import { MAX_DESCRIPTORS, artifactTypeOf, parseManifest, type ParsedManifest } from './manifest.js';
import { COSIGN_KIND, COSIGN_KIND_IMAGE, COSIGN_KIND_IMAGE_INDEX, OCI_INDEX, REF_NAME, isIndexMediaType, isManifestMediaType } from './media-types.js';
import type { ImageReference } from './reference.js';
import type { BlobSink, ListReferrersOptions, ReferrersListing, Source, SourceOptions } from './source.js';
import { resolveSourceOptions, type ResolvedSourceOptions } from './source-options.js';

/**
 * An OCI image layout folder (image-spec image-layout.md): `oci-layout`,
 * `index.json`, `blobs/<alg>/<hex>`. Blob paths come only from validated
 * digests and must stay inside the folder after resolving symbolic links.
 * Layer blobs may be missing (a `cosign save` copy without layers): they are
 * never needed.
 */
export class LayoutSource implements Source {
  readonly invalidContentCode = 'INVALID_INPUT' as const;
  readonly location: string;
  private readonly root: string;
  private readonly options: ResolvedSourceOptions;
  private rootReal: Promise<string> | undefined;
  private entries: Promise<Descriptor[]> | undefined;
  private referrers: Promise<{ bySubject: Map<string, Descriptor[]>; warnings: string[] }> | undefined;
  private scanWarningsReported = false;

  constructor(path: string, options: SourceOptions = {}) {
    this.root = resolvePath(path);
    this.location = `oci:${path}`;
    this.options = resolveSourceOptions(options);
  }

  async resolve(reference: ImageReference): Promise<Descriptor> {
    if (reference.type !== 'layout') {
      throw new CustodyError('INVALID_REFERENCE', `${this.location}: a layout source cannot resolve a registry reference`);
    }
    const entries = await this.listIndexEntries();
    if (reference.digest !== undefined) {
      const entry = entries.find((e) => e.digest === reference.digest);
      if (entry) return plain(entry);
      return this.describeBlob(reference.digest);
    }
    if (reference.tag !== undefined) {
      const found = this.byTag(entries, reference.tag);
      if (!found) {
        const tags = [...new Set(entries.map((e) => e.annotations?.[REF_NAME]).filter((t): t is string => t !== undefined))];
        const known = tags.length > 0 ? ` (tags: ${tags.slice(0, 10).join(', ')}${tags.length > 10 ? ', …' : ''})` : ' (no tags)';
        throw new CustodyError('NOT_FOUND', `${this.location}: no image tagged "${reference.tag}"${known}`);
      }
      return found;
    }
    return this.soleImage(entries);
  }

  async fetchManifest(descriptor: Descriptor): Promise<Uint8Array> {
    return this.readBlob(descriptor, this.options.maxManifestBytes, 'manifest');
  }

  async fetchBlob(descriptor: Descriptor): Promise<Uint8Array> {
    return this.readBlob(descriptor, this.options.maxBodyBytes, 'blob');
  }

  async fetchBlobInto<T>(descriptor: Descriptor, sink: BlobSink<T>): Promise<T> {
    return this.readBlobInto(descriptor, this.options.maxBodyBytes, 'blob', sink);
  }

  /** Referrers by scanning every manifest reachable from index.json for a `subject`. */
  async listReferrers(digest: string, options: ListReferrersOptions = {}): Promise<ReferrersListing> {
    this.referrers ??= this.scanSubjects();
    const { bySubject, warnings } = await this.referrers;
    let manifests = bySubject.get(digest) ?? [];
    if (options.artifactType !== undefined) manifests = manifests.filter((d) => d.artifactType === options.artifactType);
    const report = this.scanWarningsReported ? [] : warnings;
    this.scanWarningsReported = true;
    return { supported: true, manifests: manifests.map((d) => ({ ...d })), warnings: report };
  }

  async listTags(): Promise<string[]> {
    const entries = await this.listIndexEntries();
    const tags = new Set<string>();
    for (const e of entries) {
      const tag = e.annotations?.[REF_NAME];
      if (tag !== undefined) tags.add(tag);
    }
    return [...tags].sort();
  }

  async tagExists(tag: string): Promise<boolean> {
    return (await this.resolveTag(tag)) !== undefined;
  }

  async resolveTag(tag: string): Promise<Descriptor | undefined> {
    return this.byTag(await this.listIndexEntries(), tag);
  }

  async listIndexEntries(): Promise<Descriptor[]> {
    this.entries ??= this.readIndex();
    return (await this.entries).map((d) => ({ ...d }));
  }

  async close(): Promise<void> {}

  private byTag(entries: Descriptor[], tag: string): Descriptor | undefined {
    const matches = entries.filter((e) => e.annotations?.[REF_NAME] === tag);
    const digests = new Set(matches.map((m) => m.digest));
    if (digests.size > 1) {
      throw new CustodyError('INVALID_INPUT', `${this.location}: tag "${tag}" names ${digests.size} different manifests in index.json`);
    }
    return matches[0] ? plain(matches[0]) : undefined;
  }

  /** No tag and no digest: the one image the layout holds (a `cosign save` image, `latest`, or the only untagged-by-convention entry). */
  private async soleImage(entries: Descriptor[]): Promise<Descriptor> {
    const cosignImages = entries.filter((e) => {
      const kind = e.annotations?.[COSIGN_KIND];
      return kind === COSIGN_KIND_IMAGE_INDEX || kind === COSIGN_KIND_IMAGE;
    });
    if (cosignImages.length === 1) return plain(cosignImages[0]!);
    const latest = this.byTag(entries, 'latest');
    if (latest) return latest;
    const candidates: Descriptor[] = [];
    for (const entry of entries) {
      if (entry.annotations?.[COSIGN_KIND] !== undefined) continue;
      const tag = entry.annotations?.[REF_NAME];
      if (tag !== undefined && /^sha(256|512)-[0-9a-f]+/.test(tag)) continue;
      if (!isManifestMediaType(entry.mediaType) && !isIndexMediaType(entry.mediaType)) continue;
      const parsed = await this.tryParse(entry);
      if (parsed?.subject !== undefined) continue;
      candidates.push(entry);
    }
    const distinct = [...new Map(candidates.map((c) => [c.digest, c])).values()];
    if (distinct.length === 1) return plain(distinct[0]!);
    const tags = distinct.map((c) => c.annotations?.[REF_NAME] ?? c.digest).slice(0, 10);
    throw new CustodyError(
      'INVALID_REFERENCE',
      distinct.length === 0
        ? `${this.location}: the layout holds no image`
        : `${this.location}: the layout holds ${distinct.length} images; name one with oci:PATH:tag or oci:PATH@digest (${tags.join(', ')})`,
    );
  }

  private async tryParse(descriptor: Descriptor): Promise<ParsedManifest | undefined> {
    try {
      const bytes = await this.fetchManifest(descriptor);
      const parsed = parseManifest(bytes, descriptor.mediaType);
      return parsed.ok ? parsed.value : undefined;
    } catch {
      return undefined;
    }
  }

  private async describeBlob(digest: string): Promise<Descriptor> {
    const path = await this.blobPath(digest);
    const bytes = await this.readWhole(path, digest, this.options.maxManifestBytes);
    const parsed = parseManifest(bytes);
    if (!parsed.ok) {
      throw new CustodyError('INVALID_INPUT', `${this.location}: ${digest} is not a manifest or index (${parsed.reason})`);
    }
    return { mediaType: parsed.value.mediaType, digest, size: bytes.length };
  }

  private async readWhole(path: string, digest: string, maxBytes: number): Promise<Buffer> {
    const { handle, size } = await this.openBlob(path, digest);
    try {
      checkAnnouncedSize(size, maxBytes, `${this.location}: ${digest}`);
      const { bytes } = await checkStream(handle.createReadStream({ autoClose: false }), { digest }, { maxBytes, what: `${this.location}: ${digest}` });
      return bytes;
    } finally {
      await handle.close();
    }
  }

  private async readIndex(): Promise<Descriptor[]> {
    const layoutFile = join(this.root, 'oci-layout');
    let marker: Buffer;
    try {
      // Files inside the layout: never followed out of it, never waited on (a FIFO is refused).
      marker = await readRegularFile(layoutFile, { what: `${this.location}: oci-layout`, noFollow: true, maxBytes: this.options.maxManifestBytes });
    } catch (err) {
      if (isMissingFile(err)) {
        throw new CustodyError('FILE_UNREADABLE', `${this.location} is not an OCI image layout: no oci-layout file`, { cause: err });
      }
      throw err;
    }
    let version: unknown;
    try {
      version = (JSON.parse(marker.subarray(0, 65_536).toString('utf8')) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      version = undefined;
    }
    if (typeof version !== 'string' || !/^1\.\d+\.\d+$/.test(version)) {
      throw new CustodyError('INVALID_INPUT', `${this.location}: oci-layout does not declare imageLayoutVersion 1.x`);
    }
    const indexFile = join(this.root, 'index.json');
    let bytes: Buffer;
    try {
      const { handle, size } = await openRegularFile(indexFile, { what: `${this.location}: index.json`, noFollow: true });
      try {
        checkAnnouncedSize(size, this.options.maxManifestBytes, `${this.location}: index.json`);
        bytes = (
          await checkStream(
            handle.createReadStream({ autoClose: false }),
            {},
            { maxBytes: this.options.maxManifestBytes, what: `${this.location}: index.json` },
          )
        ).bytes;
      } finally {
        await handle.close();
      }
    } catch (err) {
      if (err instanceof CustodyError) throw err;
      throw fromFsError(err, indexFile, 'read');
    }
    const parsed = parseManifest(bytes, OCI_INDEX);
    if (!parsed.ok || parsed.value.kind !== 'index') {
      throw new CustodyError('INVALID_INPUT', `${this.location}: index.json is not an image index (${parsed.ok ? parsed.value.mediaType : parsed.reason})`);
    }
    return parsed.value.manifests;
  }

  private async scanSubjects(): Promise<{ bySubject: Map<string, Descriptor[]>; warnings: string[] }> {
    const bySubject = new Map<string, Descriptor[]>();
    const warnings: string[] = [];
    const queue = await this.listIndexEntries();
    const seen = new Set<string>();
    while (queue.length > 0) {
      const descriptor = queue.shift()!;
      if (seen.has(descriptor.digest)) continue;
      if (seen.size >= MAX_DESCRIPTORS) {
        warnings.push(`${this.location}: more than ${MAX_DESCRIPTORS} manifests; the rest were not scanned for referrers`);
        break;
      }
      seen.add(descriptor.digest);
      let parsed: ParsedManifest;
      try {
        const bytes = await this.fetchManifest(descriptor);
        const result = parseManifest(bytes, descriptor.mediaType);
        if (!result.ok) {
          warnings.push(`${this.location}: ${descriptor.digest} is not a valid manifest (${result.reason}); not scanned for referrers`);
          continue;
        }
        parsed = result.value;
      } catch (err) {
        if (err instanceof CustodyError && err.code === 'NOT_FOUND') {
          warnings.push(`${this.location}: manifest ${descriptor.digest} is listed but missing; not scanned for referrers`);
          continue;
        }
        throw err;
      }
      if (parsed.subject !== undefined) {
        const referrer: Descriptor = { mediaType: parsed.mediaType, digest: descriptor.digest, size: descriptor.size };
        const artifactType = artifactTypeOf(parsed);
        if (artifactType !== undefined) referrer.artifactType = artifactType;
        if (parsed.annotations !== undefined) referrer.annotations = parsed.annotations;
        const list = bySubject.get(parsed.subject.digest) ?? [];
        if (!list.some((d) => d.digest === referrer.digest)) list.push(referrer);
        bySubject.set(parsed.subject.digest, list);
      }
      if (parsed.kind === 'index') {
        for (const child of parsed.manifests) {
          if (isManifestMediaType(child.mediaType) || isIndexMediaType(child.mediaType)) queue.push(child);
        }
      }
    }
    return { bySubject, warnings };
  }

  private async readBlob(descriptor: Descriptor, maxBytes: number, what: string): Promise<Uint8Array> {
    return (await this.readBlobInto(descriptor, maxBytes, what, { open: async () => memorySink() })).bytes;
  }

  private async readBlobInto<T>(descriptor: Descriptor, maxBytes: number, what: string, sink: BlobSink<T>): Promise<T> {
    const label = `${this.location}: ${what} ${descriptor.digest}`;
    checkAnnouncedSize(descriptor.size, maxBytes, label);
    const path = await this.blobPath(descriptor.digest);
    const { handle, size } = await this.openBlob(path, descriptor.digest);
    try {
      if (size !== descriptor.size) {
        throw new CustodyError('SIZE_MISMATCH', `${label}: expected ${descriptor.size} bytes, the file has ${size}`, {
          details: { expectedSize: descriptor.size, size },
        });
      }
      const writer = await sink.open(descriptor);
      return await checkStreamTo(handle.createReadStream({ autoClose: false }), descriptor, { maxBytes, what: label }, writer);
    } finally {
      await handle.close();
    }
  }

  /** `blobs/<alg>/<hex>` from a validated digest; the real path must stay inside the layout. */
  private async blobPath(digest: string): Promise<string> {
    const parts = splitDigest(digest);
    if (!parts) throw new CustodyError('INVALID_INPUT', `${this.location}: "${digest.slice(0, 80)}" is not a supported digest`);
    this.rootReal ??= realpath(this.root).catch((err: unknown) => {
      throw fromFsError(err, this.root, 'open layout');
    });
    const rootReal = await this.rootReal;
    const candidate = join(rootReal, 'blobs', parts.algorithm, parts.hex);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CustodyError('NOT_FOUND', `${this.location}: blob ${digest} is not in the layout`, { cause: err });
      }
      throw fromFsError(err, candidate, 'read');
    }
    if (!real.startsWith(rootReal + sep)) {
      throw new CustodyError('INVALID_INPUT', `${this.location}: blob ${digest} resolves outside the layout folder; refused`);
    }
    return real;
  }

  /** A blob that is a FIFO, a folder or a device is an error naming its digest, never a read that waits. */
  private async openBlob(path: string, digest: string) {
    try {
      return await openRegularFile(path, { what: `${this.location}: blob ${digest} at`, noFollow: true, code: 'INVALID_INPUT' });
    } catch (err) {
      if (isMissingFile(err)) throw new CustodyError('NOT_FOUND', `${this.location}: blob ${digest} is not in the layout`, { cause: err });
      throw err;
    }
  }
}

function plain(descriptor: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
  if (descriptor.platform !== undefined) out.platform = descriptor.platform;
  return out;
}
