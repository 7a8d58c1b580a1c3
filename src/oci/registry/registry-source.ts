import { CustodyError } from '../../errors.js';
import type { Descriptor } from '../../types.js';
import { checkAnnouncedSize, digestOf, memorySink, splitDigest } from '../digest.js';
import { parseManifest } from '../manifest.js';
import { MANIFEST_ACCEPT, OCI_INDEX } from '../media-types.js';
import { isDigest, type ImageReference, type RegistryReference } from '../reference.js';
import type { BlobSink, ListReferrersOptions, ReferrersListing, Source, SourceOptions } from '../source.js';
import type { RegistryClient, RegistryResponse } from './client.js';
import { nextLink } from './link.js';
import { RegistrySession } from './session.js';

/** Manifests fetched by digest are immutable: a small cache saves refetching between resolve, discover and collect. */
const CACHE_ENTRIES = 512;
const CACHE_BYTES = 32 * 1024 * 1024;
const TAG_PAGE = 1000;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `application/vnd.oci.image.index.v1+json; charset=utf-8` → the bare media type. */
function contentType(res: RegistryResponse): string | undefined {
  const value = headerValue(res.headers['content-type']);
  return value?.split(';', 1)[0]?.trim().toLowerCase() || undefined;
}

function filtersApplied(res: RegistryResponse): string[] {
  return (headerValue(res.headers['oci-filters-applied']) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The OCI Distribution API for one repository. */
export class RegistrySource implements Source {
  readonly invalidContentCode = 'REGISTRY' as const;
  readonly location: string;
  private readonly session: RegistrySession;
  private readonly ownsSession: boolean;
  private readonly client: RegistryClient;
  private readonly repository: string;
  private readonly manifests = new Map<string, Uint8Array>();
  private cachedBytes = 0;

  constructor(reference: RegistryReference, options: SourceOptions = {}) {
    this.session = options.session ?? new RegistrySession(options);
    this.ownsSession = options.session === undefined;
    this.client = this.session.client(reference.registry);
    this.repository = reference.repository;
    this.location = `${reference.registry}/${reference.repository}`;
  }

  private get limits() {
    return this.session.options;
  }

  private path(kind: 'manifests' | 'blobs' | 'referrers' | 'tags', reference = ''): string {
    if (kind === 'tags') return `/v2/${this.repository}/tags/list`;
    // Tags and digests reach here validated; anything else would be a bug, not a path to build.
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,199}$/.test(reference))
      throw new CustodyError('INVALID_REFERENCE', `${this.location}: "${reference.slice(0, 80)}" is not a tag or digest`);
    return `/v2/${this.repository}/${kind}/${reference}`;
  }

  /**
   * A tag is resolved with HEAD (Docker-Content-Digest; the manifest is then
   * read by digest and checked against it); a registry that omits the header
   * is read with GET and hashed here. A digest is read by digest.
   */
  async resolve(reference: ImageReference): Promise<Descriptor> {
    if (reference.type !== 'registry') throw new CustodyError('INVALID_REFERENCE', `${this.location}: a registry source cannot resolve a layout reference`);
    // A digest wins over a tag (Docker semantics); no tag and no digest means `latest`.
    const target = reference.digest ?? reference.tag ?? 'latest';
    const byDigest = reference.digest !== undefined;
    const what = `${this.location}: manifest ${target}`;
    if (!byDigest) {
      const head = await this.headManifest(target, what);
      if (head === 'absent') throw new CustodyError('NOT_FOUND', `${what}: not found on ${this.client.registry}`);
      if (head !== 'no-headers') return head;
    }
    const res = await this.client.request({
      method: 'GET',
      path: this.path('manifests', target),
      accept: MANIFEST_ACCEPT,
      repository: this.repository,
      what,
      read: { expected: byDigest ? { digest: target } : {}, maxBytes: this.limits.maxManifestBytes },
    });
    const bytes = res.body!.bytes;
    const digest = res.body!.digest;
    const announced = headerValue(res.headers['docker-content-digest']);
    if (!byDigest && announced !== undefined && isDigest(announced)) {
      const computed = splitDigest(announced)!.algorithm === 'sha256' ? digest : digestOf(bytes, splitDigest(announced)!.algorithm);
      if (computed !== announced) {
        throw new CustodyError('DIGEST_MISMATCH', `${what}: the registry says ${announced}, the bytes hash to ${computed}`, {
          details: { expected: announced, found: computed },
        });
      }
    }
    const parsed = parseManifest(bytes, contentType(res));
    if (!parsed.ok) throw new CustodyError('REGISTRY', `${what} is not a manifest or index: ${parsed.reason}`);
    this.remember(digest, bytes);
    return { mediaType: parsed.value.mediaType, digest, size: bytes.length };
  }

  /** HEAD a manifest by tag: its descriptor from the headers, 'absent' on 404, 'no-headers' when the registry does not say. */
  private async headManifest(tag: string, what: string): Promise<Descriptor | 'absent' | 'no-headers'> {
    const res = await this.client.request({
      method: 'HEAD',
      path: this.path('manifests', tag),
      accept: MANIFEST_ACCEPT,
      repository: this.repository,
      what,
      allow404: true,
    });
    if (res.status === 404) return 'absent';
    const digest = headerValue(res.headers['docker-content-digest']);
    const mediaType = contentType(res);
    const length = Number(headerValue(res.headers['content-length']));
    if (digest !== undefined && isDigest(digest) && mediaType !== undefined && Number.isSafeInteger(length) && length >= 0) {
      checkAnnouncedSize(length, this.limits.maxManifestBytes, what);
      return { mediaType, digest, size: length };
    }
    return 'no-headers';
  }

  async fetchManifest(descriptor: Descriptor): Promise<Uint8Array> {
    const cached = this.manifests.get(descriptor.digest);
    if (cached && cached.length === descriptor.size) return cached;
    const what = `${this.location}: manifest ${descriptor.digest}`;
    checkAnnouncedSize(descriptor.size, this.limits.maxManifestBytes, what);
    const res = await this.client.request({
      method: 'GET',
      path: this.path('manifests', descriptor.digest),
      accept: [descriptor.mediaType, MANIFEST_ACCEPT].join(', '),
      repository: this.repository,
      what,
      read: { expected: { digest: descriptor.digest, size: descriptor.size }, maxBytes: this.limits.maxManifestBytes },
    });
    const bytes = res.body!.bytes;
    this.remember(descriptor.digest, bytes);
    return bytes;
  }

  async fetchBlob(descriptor: Descriptor): Promise<Uint8Array> {
    return (await this.fetchBlobInto(descriptor, { open: async () => memorySink() })).bytes;
  }

  async fetchBlobInto<T>(descriptor: Descriptor, sink: BlobSink<T>): Promise<T> {
    const what = `${this.location}: blob ${descriptor.digest}`;
    checkAnnouncedSize(descriptor.size, this.limits.maxBodyBytes, what);
    const res = await this.client.request({
      method: 'GET',
      path: this.path('blobs', descriptor.digest),
      repository: this.repository,
      what,
      read: { expected: { digest: descriptor.digest, size: descriptor.size }, maxBytes: this.limits.maxBodyBytes, sink: () => sink.open(descriptor) },
    });
    return res.stored as T;
  }

  /**
   * distribution-spec 1.1 "Listing Referrers": an image index, possibly in
   * pages (`Link: <…>; rel="next"`); `OCI-Filters-Applied: artifactType`
   * says the registry filtered, otherwise the filter is applied here. A 404
   * means no referrers API: remembered per registry so the tag-schema
   * fallback is used without asking again.
   */
  async listReferrers(digest: string, options: ListReferrersOptions = {}): Promise<ReferrersListing> {
    if (this.session.referrersApi.get(this.client.registry) === false) return { supported: false, reason: `${this.client.registry} has no referrers API` };
    const warnings: string[] = [];
    const found = new Map<string, Descriptor>();
    const first = this.path('referrers', digest) + (options.artifactType !== undefined ? `?artifactType=${encodeURIComponent(options.artifactType)}` : '');
    let page: { path?: string; url?: URL } = { path: first };
    const seen = new Set<string>();
    let unfiltered = false;
    for (let n = 0; ; n += 1) {
      if (n >= this.limits.maxPages) {
        warnings.push(`${this.location}: referrers of ${digest} span more than ${this.limits.maxPages} pages; the rest were not read`);
        break;
      }
      const what = `${this.location}: referrers of ${digest}`;
      const res = await this.client.request({
        method: 'GET',
        ...page,
        accept: OCI_INDEX,
        repository: this.repository,
        what,
        read: { expected: {}, maxBytes: this.limits.maxManifestBytes },
        allow404: true,
      });
      if (res.status === 404) {
        if (n === 0) {
          this.session.referrersApi.set(this.client.registry, false);
          return { supported: false, reason: `${this.client.registry} answered 404 to the referrers API` };
        }
        warnings.push(`${what}: page ${n + 1} vanished (404); the listing may be incomplete`);
        break;
      }
      this.session.referrersApi.set(this.client.registry, true);
      const parsed = parseManifest(res.body!.bytes, OCI_INDEX);
      if (!parsed.ok || parsed.value.kind !== 'index') {
        warnings.push(`${what}: the answer is not an image index (${parsed.ok ? parsed.value.mediaType : parsed.reason}); no referrers taken from it`);
        break;
      }
      if (options.artifactType !== undefined && !filtersApplied(res).includes('artifactType')) {
        // The registry ignored the filter (no OCI-Filters-Applied: artifactType): filtered below.
        unfiltered = true;
      }
      for (const descriptor of parsed.value.manifests) if (!found.has(descriptor.digest)) found.set(descriptor.digest, descriptor);
      const next = nextLink(res.headers.link, res.url);
      if (next === 'cross-origin') {
        warnings.push(`${what}: the next page is on another host; not followed`);
        break;
      }
      if (next === undefined) break;
      if (seen.has(next.href)) {
        warnings.push(`${what}: the pages loop; stopped`);
        break;
      }
      seen.add(next.href);
      page = { url: next };
    }
    let manifests = [...found.values()];
    if (options.artifactType !== undefined) {
      const before = manifests.length;
      manifests = manifests.filter((d) => d.artifactType === options.artifactType);
      if (!unfiltered && manifests.length !== before) {
        warnings.push(`${this.location}: the registry said it filtered referrers of ${digest} by artifactType but listed others; they were dropped`);
      }
    }
    return { supported: true, manifests, warnings };
  }

  async listTags(): Promise<string[]> {
    const tags = await this.tagSet();
    if (tags) return [...tags].sort();
    return this.fetchTags(Number.MAX_SAFE_INTEGER).then((t) => [...(t ?? [])].sort());
  }

  async tagExists(tag: string): Promise<boolean> {
    return (await this.resolveTag(tag)) !== undefined;
  }

  /** HEAD the tag, unless the repository's tag list (read once) already says it is absent. */
  async resolveTag(tag: string): Promise<Descriptor | undefined> {
    const tags = await this.tagSet();
    if (tags && !tags.has(tag)) return undefined;
    const what = `${this.location}: tag ${tag}`;
    const head = await this.headManifest(tag, what);
    if (head === 'absent') return undefined;
    if (head !== 'no-headers') return head;
    // No usable headers: read the manifest and hash it ourselves.
    const got = await this.client.request({
      method: 'GET',
      path: this.path('manifests', tag),
      accept: MANIFEST_ACCEPT,
      repository: this.repository,
      what,
      read: { expected: {}, maxBytes: this.limits.maxManifestBytes },
      allow404: true,
    });
    if (got.status === 404) return undefined;
    const parsed = parseManifest(got.body!.bytes, contentType(got));
    this.remember(got.body!.digest, got.body!.bytes);
    return {
      mediaType: parsed.ok ? parsed.value.mediaType : (contentType(got) ?? 'application/octet-stream'),
      digest: got.body!.digest,
      size: got.body!.bytes.length,
    };
  }

  /** A registry has no top-level list of manifests: its content is reached by tags and referrers only. */
  async listIndexEntries(): Promise<Descriptor[]> {
    return [];
  }

  async close(): Promise<void> {
    if (this.ownsSession) this.session.close();
  }

  private tagSet(): Promise<Set<string> | undefined> {
    const key = this.location;
    let pending = this.session.tagLists.get(key);
    if (!pending) {
      // A registry that will not list tags (404, denied, odd answer) is asked tag by tag instead.
      pending = this.fetchTags(this.limits.maxPages).catch((err: unknown) => {
        if (err instanceof CustodyError && (err.code === 'AUTH' || err.code === 'REGISTRY' || err.code === 'NOT_FOUND')) return undefined;
        throw err;
      });
      this.session.tagLists.set(key, pending);
      pending.catch(() => this.session.tagLists.delete(key));
    }
    return pending;
  }

  /** tags/list in pages of 1000; undefined when there are more pages than allowed (then tags are checked one by one). */
  private async fetchTags(maxPages: number): Promise<Set<string> | undefined> {
    const tags = new Set<string>();
    let page: { path?: string; url?: URL } = { path: `${this.path('tags')}?n=${TAG_PAGE}` };
    for (let n = 0; n < maxPages; n += 1) {
      const res = await this.client.request({
        method: 'GET',
        ...page,
        accept: 'application/json',
        repository: this.repository,
        what: `${this.location}: tag list`,
        read: { expected: {}, maxBytes: this.limits.maxManifestBytes },
        allow404: true,
      });
      if (res.status === 404) return undefined;
      let doc: unknown;
      try {
        doc = JSON.parse(res.body!.bytes.toString('utf8'));
      } catch {
        return undefined;
      }
      const list = (doc as { tags?: unknown }).tags;
      if (list !== null && list !== undefined && !Array.isArray(list)) return undefined;
      for (const tag of list ?? []) if (typeof tag === 'string') tags.add(tag);
      const next = nextLink(res.headers.link, res.url);
      if (next === undefined) return tags;
      if (next === 'cross-origin') return undefined;
      page = { url: next };
    }
    return undefined;
  }

  private remember(digest: string, bytes: Uint8Array): void {
    if (this.manifests.has(digest) || bytes.length > CACHE_BYTES / 4) return;
    this.manifests.set(digest, bytes);
    this.cachedBytes += bytes.length;
    while (this.manifests.size > CACHE_ENTRIES || this.cachedBytes > CACHE_BYTES) {
      const oldest = this.manifests.keys().next().value as string;
      this.cachedBytes -= this.manifests.get(oldest)!.length;
      this.manifests.delete(oldest);
    }
  }
}
