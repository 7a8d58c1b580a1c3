import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Minimal OCI image-layout reading for tests (image-spec image-layout.md): index.json, then blobs by digest. */
export interface LayoutLayer {
  mediaType: string;
  digest: string;
  annotations: Record<string, string>;
  bytes: Buffer;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  annotations?: Record<string, string>;
}

export function readBlob(layout: string, digest: string): Buffer {
  const [algorithm, hex] = digest.split(':');
  return readFileSync(join(layout, 'blobs', algorithm!, hex!));
}

/** Layers of the manifest that index.json lists with annotation kind=`kind` (cosign save: dev.cosignproject.cosign/atts). */
export function cosignLayers(layout: string, kind: string): LayoutLayer[] {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const entry = index.manifests.find((m) => m.annotations?.kind === kind);
  if (!entry) throw new Error(`no manifest of kind ${kind} in ${layout}`);
  const manifest = JSON.parse(readBlob(layout, entry.digest).toString('utf8')) as { layers: Descriptor[] };
  return manifest.layers.map((layer) => ({
    mediaType: layer.mediaType,
    digest: layer.digest,
    annotations: layer.annotations ?? {},
    bytes: readBlob(layout, layer.digest),
  }));
}

/** Digest of the image the layout holds (the cosign imageIndex entry). */
export function imageDigest(layout: string): string {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const entry = index.manifests.find((m) => m.annotations?.kind === 'dev.cosignproject.cosign/imageIndex');
  if (!entry) throw new Error(`no image index in ${layout}`);
  return entry.digest;
}
