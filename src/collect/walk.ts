import { CustodyError, isCustodyError } from '../errors.js';
import { artifactTypeOf, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import { OCI_EMPTY, isFilesystemLayer, isIndexMediaType, isManifestMediaType } from '../oci/media-types.js';
import { formatReference, type ImageReference } from '../oci/reference.js';
import type { Source } from '../oci/source.js';
import type { Descriptor, OriginMethod, PlatformManifest, Subject } from '../types.js';
import { findBuildkitAttestations, isAttestationManifest } from './buildkit.js';
import { findCosignSaveEntries } from './cosign-layout.js';
import { findByCosignTags } from './cosign-tags.js';
import type { Found } from './found.js';
import { findByReferrersApi } from './referrers-api.js';
import { findByReferrersTag } from './referrers-tag.js';
import type { DiscoverOptions, DiscoveredNode, DiscoveryResult } from './types.js';

/** What discovery learned, kept for collect: the parsed image and every manifest it read. */
export interface Walk {
  result: DiscoveryResult;
  root: { descriptor: Descriptor; bytes: Uint8Array; parsed: ParsedManifest };
  /** Platform manifests of an index (attestation manifests excluded), in index order. */
  platforms: Descriptor[];
  manifests: Map<string, Uint8Array>;
}

const METHOD_RANK: Record<OriginMethod, number> = {
  'referrers-api': 0,
  'referrers-tag': 1,
  'cosign-tag': 2,
  buildkit: 3,
  'local-file': 4,
  image: 5,
};

const DEFAULT_MAX_ARTIFACTS = 2000;

/** Run `task` over `items` with at most `limit` at once, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Layers that carry evidence: not the empty descriptor, not container
 * filesystem layers, each digest once, except that co-signatures are kept:
 * cosign signs the same payload bytes for every signer, so the layers of a
 * co-signed `.sig` share a digest and differ only in their signature annotation.
 */
export function evidenceLayers(layers: Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  return layers.filter((layer) => {
    const key = `${layer.digest}\u0000${cosignSignatureOf(layer.annotations) ?? ''}`;
    if (layer.mediaType === OCI_EMPTY || isFilesystemLayer(layer.mediaType) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The cosign signature annotation of a layer (both spellings cosign has used), if not empty. */
export function cosignSignatureOf(annotations: Record<string, string> | undefined): string | undefined {
  const value = annotations?.['dev.cosignproject.cosign/signature'] ?? annotations?.['dev.sigstore.cosign/signature'];
  return value && value.trim() !== '' ? value : undefined;
}

function malformed(source: Source, what: string, reason: string): CustodyError {
  return new CustodyError(source.invalidContentCode, `${source.location}: ${what} is not a valid manifest or index: ${reason}`);
}

/** Every strategy for one digest: referrers API or, on 404, the tag schema; then cosign tags. */
async function attachedTo(source: Source, digest: string): Promise<{ found: Found[]; warnings: string[] }> {
  const [referrers, cosign] = await Promise.all([
    findByReferrersApi(source, digest).then(async (api) => (api.supported ? api : findByReferrersTag(source, digest))),
    findByCosignTags(source, digest),
  ]);
  return { found: [...referrers.found, ...cosign.found], warnings: [...referrers.warnings, ...cosign.warnings] };
}

export async function walkImage(source: Source, ref: ImageReference, options: DiscoverOptions = {}): Promise<Walk> {
  const state: WalkState = { source, warnings: [], manifests: new Map() };
  const root = await readRoot(state, ref);
  const platforms =
    root.parsed.kind === 'index'
      ? dedupe(root.parsed.manifests.filter((d) => !isAttestationManifest(d) && (isManifestMediaType(d.mediaType) || isIndexMediaType(d.mediaType))))
      : [];
  const subject: Subject = {
    ref: formatReference(ref),
    digest: root.descriptor.digest,
    mediaType: root.descriptor.mediaType,
    platforms: platforms.map((d): PlatformManifest => ({ digest: d.digest, mediaType: d.mediaType, ...(d.platform ? { platform: d.platform } : {}) })),
  };
  const targets = [root.descriptor.digest, ...platforms.map((p) => p.digest)];
  const targetRank = new Map(targets.map((t, i) => [t, i]));

  const candidates = await findCandidates(state, root, platforms, targets);
  const accept = acceptor(state, targets, options.maxArtifacts ?? DEFAULT_MAX_ARTIFACTS);
  const order = (a: DiscoveredNode, b: DiscoveredNode): number =>
    (targetRank.get(a.attachedTo) ?? 0) - (targetRank.get(b.attachedTo) ?? 0) ||
    METHOD_RANK[a.method] - METHOD_RANK[b.method] ||
    (a.tag ?? '').localeCompare(b.tag ?? '') ||
    a.descriptor.digest.localeCompare(b.descriptor.digest);

  const nodes = (await mapLimit(accept(candidates), 8, (f) => readNode(state, f))).filter((n): n is DiscoveredNode => n !== undefined).sort(order);
  if (options.nested !== false) await readNested(state, nodes, accept, order);

  const result: DiscoveryResult = { subject, nodes, warnings: state.warnings };
  const tag = ref.digest === undefined ? (ref.tag ?? (ref.type === 'registry' ? 'latest' : undefined)) : undefined;
  if (tag !== undefined) result.tag = tag;
  return { result, root, platforms, manifests: state.manifests };
}

/** What one walk gathers as it goes: the warnings, and every manifest it read by digest. */
interface WalkState {
  source: Source;
  warnings: string[];
  manifests: Map<string, Uint8Array>;
}

/** The image's own manifest or index: a tag is resolved to a digest once; everything after works on the digest. */
async function readRoot({ source, manifests }: WalkState, ref: ImageReference): Promise<Walk['root']> {
  const resolved = await source.resolve(ref);
  const rootBytes = await source.fetchManifest(resolved);
  manifests.set(resolved.digest, rootBytes);
  const rootParsed = parseManifest(rootBytes, resolved.mediaType);
  if (!rootParsed.ok) throw malformed(source, `image ${resolved.digest}`, rootParsed.reason);
  return {
    descriptor: { mediaType: rootParsed.value.mediaType, digest: resolved.digest, size: resolved.size },
    bytes: rootBytes,
    parsed: rootParsed.value,
  };
}

/** Discovery for the image digest and, for an index, every platform manifest; BuildKit attestations of an index; `cosign save` entries. */
async function findCandidates(state: WalkState, root: Walk['root'], platforms: Descriptor[], targets: string[]): Promise<Found[]> {
  const { source, warnings } = state;
  const perTarget = await mapLimit(targets, 8, (digest) => attachedTo(source, digest));
  const candidates: Found[] = [];
  for (const r of perTarget) {
    candidates.push(...r.found);
    warnings.push(...r.warnings);
  }
  if (root.parsed.kind === 'index') {
    const buildkit = findBuildkitAttestations(root.parsed, root.descriptor.digest, new Set(platforms.map((p) => p.digest)), source.location);
    candidates.push(...buildkit.found);
    warnings.push(...buildkit.warnings);
  }
  const saved = findCosignSaveEntries(await source.listIndexEntries(), root.descriptor.digest, source.location);
  candidates.push(...saved.found);
  warnings.push(...saved.warnings);
  return candidates;
}

/**
 * A filter over found artifacts, shared by every level of the walk: the image's
 * own manifests are refused (with a warning), each digest is taken once, and
 * no more than `maxArtifacts` in all.
 */
function acceptor({ source, warnings }: WalkState, targets: string[], maxArtifacts: number): (list: Found[]) => Found[] {
  const seen = new Set<string>(targets);
  return (list) => {
    const kept: Found[] = [];
    for (const f of list) {
      if (targets.includes(f.descriptor.digest)) {
        warnings.push(`${source.location}: ${f.method} lists the image manifest ${f.descriptor.digest} as an attachment of ${f.attachedTo}; ignored`);
        continue;
      }
      if (seen.has(f.descriptor.digest)) continue;
      if (seen.size - targets.length >= maxArtifacts) {
        warnings.push(`${source.location}: more than ${maxArtifacts} attached artifacts; the rest were not discovered`);
        break;
      }
      seen.add(f.descriptor.digest);
      kept.push(f);
    }
    return kept;
  };
}

/**
 * Fetch and parse a found artifact's manifest. One that is gone is skipped,
 * one that does not parse is kept as bytes, one whose subject is not the one
 * it was found for is skipped: each with a warning.
 */
async function readNode({ source, warnings, manifests }: WalkState, f: Found, via?: string): Promise<DiscoveredNode | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await source.fetchManifest(f.descriptor);
  } catch (err) {
    // A listing that names a manifest the registry no longer has: nothing to archive.
    if (isCustodyError(err, 'NOT_FOUND')) {
      warnings.push(`${source.location}: ${f.method} lists ${f.descriptor.digest} (attached to ${f.attachedTo}) but it is not there; skipped`);
      return undefined;
    }
    throw err;
  }
  manifests.set(f.descriptor.digest, bytes);
  const parsed = parseManifest(bytes, f.descriptor.mediaType);
  const node: DiscoveredNode = {
    descriptor: { ...f.descriptor },
    method: f.method,
    attachedTo: f.attachedTo,
    layers: [],
    children: [],
  };
  if (f.tag !== undefined) node.tag = f.tag;
  if (via !== undefined) node.via = via;
  if (!parsed.ok) {
    warnings.push(`${source.location}: ${f.method} artifact ${f.descriptor.digest} is not a valid manifest (${parsed.reason}); its bytes are kept as they are`);
    if (f.descriptor.artifactType !== undefined) node.artifactType = f.descriptor.artifactType;
    return node;
  }
  if (f.requireSubject !== undefined && parsed.value.subject?.digest !== f.requireSubject) {
    warnings.push(
      `${source.location}: ${f.method} lists ${f.descriptor.digest} for ${f.requireSubject}, but its subject is ${parsed.value.subject?.digest ?? 'missing'}; skipped`,
    );
    return undefined;
  }
  node.descriptor.mediaType = parsed.value.mediaType;
  const artifactType = f.descriptor.artifactType ?? artifactTypeOf(parsed.value);
  if (artifactType !== undefined) node.artifactType = artifactType;
  if (parsed.value.kind === 'manifest') node.layers = evidenceLayers(parsed.value.layers);
  return node;
}

/** Referrers of referrers, one level down (a signature on an SBOM artifact), put under their parents in `order`. */
async function readNested(
  state: WalkState,
  nodes: DiscoveredNode[],
  accept: (list: Found[]) => Found[],
  order: (a: DiscoveredNode, b: DiscoveredNode) => number,
): Promise<void> {
  const nested = await mapLimit(nodes, 8, (node) => attachedTo(state.source, node.descriptor.digest));
  const childFinds: { parent: DiscoveredNode; found: Found }[] = [];
  nested.forEach((r, i) => {
    state.warnings.push(...r.warnings);
    const parent = nodes[i]!;
    for (const f of accept(r.found)) childFinds.push({ parent, found: f });
  });
  const children = await mapLimit(childFinds, 8, async ({ parent, found }) => {
    const child = await readNode(state, found, parent.descriptor.digest);
    // The evidence is about the image the parent is attached to; `via` names the parent.
    if (child) child.attachedTo = parent.attachedTo;
    return { parent, child };
  });
  for (const { parent, child } of children) if (child) parent.children.push(child);
  for (const node of nodes) node.children.sort(order);
}

function dedupe(descriptors: Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  return descriptors.filter((d) => (seen.has(d.digest) ? false : (seen.add(d.digest), true)));
}
