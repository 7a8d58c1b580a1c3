import { CustodyError } from '../errors.js';
import { parseManifest } from '../oci/manifest.js';
import type { ImageReference } from '../oci/reference.js';
import type { Source } from '../oci/source.js';
import type { AnyRaw, Descriptor, Origin, Raw } from '../types.js';
import type { CollectOptions, Collection, DiscoverOptions, DiscoveredNode } from './types.js';
import { mapLimit, walkImage } from './walk.js';

/** What one image's attached evidence may add up to (declared sizes), by default. */
export const DEFAULT_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Discover, then fetch (digest-checked) everything: the image's own index,
 * manifests and configs as `image` evidence, and for every attached artifact
 * each evidence layer as one Raw (the artifact manifest itself when it has
 * none). Any fetch failure rejects the whole collection: nothing partial is
 * returned for an archive to write.
 *
 * With a spool, every blob (layer, config) that declares at least
 * `spool.above` bytes streams into a verified temporary file instead of
 * memory (a SpooledRaw); manifests, bounded by their own limit, and small
 * blobs stay in memory.
 */
export async function collect(source: Source, ref: ImageReference, options?: DiscoverOptions): Promise<Collection>;
export async function collect(source: Source, ref: ImageReference, options: CollectOptions): Promise<Collection<AnyRaw>>;
export async function collect(source: Source, ref: ImageReference, options: CollectOptions = {}): Promise<Collection<AnyRaw>> {
  const walk = await walkImage(source, ref, options);
  const spool = options.spool;
  /** A blob with its origin: in memory, or spooled when large. */
  const fetchRaw = async (descriptor: Descriptor, origin: Origin): Promise<AnyRaw> => {
    if (spool && descriptor.size >= spool.above) return { file: await source.fetchBlobInto(descriptor, spool), mediaType: descriptor.mediaType, origin };
    return { bytes: await source.fetchBlob(descriptor), mediaType: descriptor.mediaType, origin };
  };
  const { result, root } = walk;
  const manifestBytes = async (descriptor: Descriptor): Promise<Uint8Array> => walk.manifests.get(descriptor.digest) ?? source.fetchManifest(descriptor);

  // The image itself: index and/or manifest(s), and config(s).
  const image: AnyRaw[] = [{ bytes: root.bytes, mediaType: root.descriptor.mediaType, origin: imageOrigin(root.descriptor, root.descriptor.digest) }];
  const imageSeen = new Set<string>([root.descriptor.digest]);
  const manifestsToRead: Descriptor[] = root.parsed.kind === 'index' ? walk.platforms : [];
  const platformRaws = await mapLimit(manifestsToRead, 8, async (descriptor) => {
    const bytes = await manifestBytes(descriptor);
    const parsed = parseManifest(bytes, descriptor.mediaType);
    const mediaType = parsed.ok ? parsed.value.mediaType : descriptor.mediaType;
    return {
      raw: { bytes, mediaType, origin: imageOrigin({ ...descriptor, mediaType }, descriptor.digest) } as Raw,
      config: parsed.ok && parsed.value.kind === 'manifest' ? parsed.value.config : undefined,
      owner: descriptor.digest,
    };
  });
  const configs: { config: Descriptor; owner: string }[] = [];
  if (root.parsed.kind === 'manifest') configs.push({ config: root.parsed.config, owner: root.descriptor.digest });
  for (const p of platformRaws) {
    if (!imageSeen.has(p.raw.origin.descriptor!.digest)) {
      imageSeen.add(p.raw.origin.descriptor!.digest);
      image.push(p.raw);
    }
    if (p.config) configs.push({ config: p.config, owner: p.owner });
  }
  const uniqueConfigs = configs.filter((c) => (imageSeen.has(c.config.digest) ? false : (imageSeen.add(c.config.digest), true)));
  const configRaws = await mapLimit(uniqueConfigs, 8, ({ config, owner }) => fetchRaw(config, imageOrigin(config, owner)));
  image.push(...configRaws);

  // Attached evidence, parents before their children.
  const nodes: DiscoveredNode[] = [];
  for (const node of result.nodes) nodes.push(node, ...node.children);
  const jobs: { node: DiscoveredNode; layer?: Descriptor }[] = [];
  for (const node of nodes) {
    if (node.layers.length === 0) jobs.push({ node });
    else for (const layer of node.layers) jobs.push({ node, layer });
  }
  // Every fetched body is checked against its descriptor's size, so the declared
  // sizes bound what one image can make custody hold in memory or spool to disk.
  const declared = jobs.reduce((sum, { node, layer }) => sum + (layer ?? node.descriptor).size, 0);
  const budget = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  if (declared > budget) {
    throw new CustodyError(
      'BODY_TOO_LARGE',
      `${source.location}@${result.subject.digest}: attached evidence declares ${declared} bytes in all, over the per-image limit of ${budget}`,
    );
  }
  const evidence = await mapLimit(jobs, 8, async ({ node, layer }): Promise<AnyRaw> => {
    if (layer === undefined) {
      return { bytes: await manifestBytes(node.descriptor), mediaType: node.descriptor.mediaType, origin: nodeOrigin(node, node.descriptor) };
    }
    const origin = nodeOrigin(node, layer);
    origin.manifest = { ...node.descriptor };
    return fetchRaw(layer, origin);
  });

  const collection: Collection<AnyRaw> = { subject: result.subject, image, evidence, warnings: result.warnings };
  if (result.tag !== undefined) collection.tag = result.tag;
  return collection;
}

function imageOrigin(descriptor: Descriptor, attachedTo: string): Origin {
  return { method: 'image', attachedTo, descriptor: { ...descriptor } };
}

function nodeOrigin(node: DiscoveredNode, descriptor: Descriptor): Origin {
  const origin: Origin = { method: node.method, attachedTo: node.attachedTo, descriptor: { ...descriptor } };
  if (node.tag !== undefined) origin.tag = node.tag;
  if (node.via !== undefined) origin.via = node.via;
  return origin;
}
