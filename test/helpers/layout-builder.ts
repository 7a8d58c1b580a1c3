import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor } from '../../src/types.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes a small OCI image layout for tests: images (config + manifest, no
 * layer blobs), each with an SPDX SBOM attached as an OCI 1.1 referrer
 * (`subject`). Deterministic for the same names.
 */
export class LayoutBuilder {
  private readonly index: Descriptor[] = [];
  /** Image manifest descriptors by digest, for attaching more referrers. */
  readonly manifests = new Map<string, Descriptor>();
  constructor(readonly dir: string) {}

  private async blob(bytes: Buffer, mediaType: string, extra: Partial<Descriptor> = {}): Promise<Descriptor> {
    const hex = sha(bytes);
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(this.dir, 'blobs', 'sha256', hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length, ...extra };
  }

  private json(value: unknown): Buffer {
    return Buffer.from(JSON.stringify(value));
  }

  /** An image tagged `tag`, with an SPDX referrer naming its digest; returns the image digest. */
  async image(tag: string, options: { sbom?: boolean } = {}): Promise<string> {
    const config = await this.blob(
      this.json({ architecture: 'amd64', os: 'linux', config: { User: '1000', Labels: { name: tag } }, rootfs: { type: 'layers', diff_ids: [] } }),
      'application/vnd.oci.image.config.v1+json',
    );
    const manifest = await this.blob(
      this.json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [] }),
      'application/vnd.oci.image.manifest.v1+json',
    );
    this.index.push({ ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } });
    this.manifests.set(manifest.digest, manifest);
    if (options.sbom !== false) {
      const spdx = this.json({
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: `test image ${tag}`,
        documentNamespace: `https://custody.test/${tag}`,
        creationInfo: { created: '2026-11-29T00:00:00Z', creators: ['Tool: custody-tests'] },
        packages: [
          {
            SPDXID: 'SPDXRef-image',
            name: tag,
            downloadLocation: 'NOASSERTION',
            primaryPackagePurpose: 'CONTAINER',
            externalRefs: [
              { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:oci/${tag}@${encodeURIComponent(manifest.digest)}` },
            ],
          },
        ],
      });
      const layer = await this.blob(spdx, 'application/spdx+json');
      const empty = await this.blob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
      const referrer = await this.blob(
        this.json({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType: 'application/spdx+json',
          config: empty,
          layers: [layer],
          subject: { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size },
        }),
        'application/vnd.oci.image.manifest.v1+json',
      );
      this.index.push({ ...referrer, artifactType: 'application/spdx+json' });
    }
    await this.flush();
    return manifest.digest;
  }

  /** Attach one more OCI 1.1 referrer (one layer) to an image made by `image()`. */
  async attach(
    imageDigest: string,
    artifactType: string,
    layer: { bytes: Buffer; mediaType: string },
    annotations?: Record<string, string>,
  ): Promise<Descriptor> {
    const subject = this.manifests.get(imageDigest);
    if (!subject) throw new Error(`no image ${imageDigest} in this layout`);
    const content = await this.blob(layer.bytes, layer.mediaType);
    const empty = await this.blob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
    const referrer = await this.blob(
      this.json({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType,
        config: empty,
        layers: [content],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
        ...(annotations ? { annotations } : {}),
      }),
      'application/vnd.oci.image.manifest.v1+json',
    );
    this.index.push({ ...referrer, artifactType });
    await this.flush();
    return referrer;
  }

  async flush(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(
      join(this.dir, 'index.json'),
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: this.index }),
    );
  }
}
