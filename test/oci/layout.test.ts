import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutSource } from '../../src/oci/layout.js';
import { parseReference } from '../../src/oci/reference.js';
import { codeOf } from '../helpers/errors.js';

const EXAMPLE = new URL('../../examples/layout', import.meta.url).pathname;
let work: string;
let n = 0;

function copy(): string {
  n += 1;
  const dir = join(work, `layout${n}`);
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

const index = JSON.parse(readFileSync(join(EXAMPLE, 'index.json'), 'utf8')) as {
  manifests: { digest: string; size: number; mediaType: string; annotations?: Record<string, string> }[];
};
const image = index.manifests[0]!;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'custody-layout-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('LayoutSource', () => {
  it('resolves by tag, by digest, and with neither (the one image, not its referrers or signature)', async () => {
    const source = new LayoutSource(EXAMPLE);
    const expected = { mediaType: image.mediaType, digest: image.digest, size: image.size };
    expect(await source.resolve(parseReference(`oci:${EXAMPLE}:1.0`))).toEqual(expected);
    expect(await source.resolve(parseReference(`oci:${EXAMPLE}@${image.digest}`))).toEqual(expected);
    expect(await source.resolve(parseReference(`oci:${EXAMPLE}`))).toEqual(expected);
  });

  it('an unknown tag is NOT_FOUND and lists the tags there are', async () => {
    const [code, message] = await codeOf(new LayoutSource(EXAMPLE).resolve(parseReference(`oci:${EXAMPLE}:2.0`)));
    expect(code).toBe('NOT_FOUND');
    expect(message).toMatch(/no image tagged "2\.0" \(tags: 1\.0, sha256-[0-9a-f]{64}\.sig\)/);
  });

  it('a folder that is not a layout, or has a broken index.json', async () => {
    const [notLayout] = await codeOf(new LayoutSource(work).resolve(parseReference(`oci:${work}`)));
    expect(notLayout).toBe('FILE_UNREADABLE');
    const dir = copy();
    writeFileSync(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[{"digest":"sha256:../../x"}]}');
    const [broken, message] = await codeOf(new LayoutSource(dir).resolve(parseReference(`oci:${dir}:1.0`)));
    expect(broken).toBe('INVALID_INPUT');
    expect(message).toMatch(/index\.json is not an image index/);
  });

  it('a blob altered on disk is DIGEST_MISMATCH; truncated, SIZE_MISMATCH; missing, NOT_FOUND', async () => {
    const dir = copy();
    const path = join(dir, 'blobs', 'sha256', image.digest.slice(7));
    const original = readFileSync(path);
    const altered = Buffer.from(original);
    altered[10] = altered[10]! ^ 1;
    writeFileSync(path, altered);
    expect((await codeOf(new LayoutSource(dir).fetchManifest(image)))[0]).toBe('DIGEST_MISMATCH');
    writeFileSync(path, original.subarray(0, 20));
    expect((await codeOf(new LayoutSource(dir).fetchManifest(image)))[0]).toBe('SIZE_MISMATCH');
    unlinkSync(path);
    expect((await codeOf(new LayoutSource(dir).fetchManifest(image)))[0]).toBe('NOT_FOUND');
  });

  it('a blob that is a symbolic link out of the folder is refused, even with the right content', async () => {
    const dir = copy();
    const path = join(dir, 'blobs', 'sha256', image.digest.slice(7));
    const outside = join(work, 'outside-blob');
    writeFileSync(outside, readFileSync(path));
    unlinkSync(path);
    symlinkSync(outside, path);
    const [code, message] = await codeOf(new LayoutSource(dir).fetchManifest(image));
    expect(code).toBe('INVALID_INPUT');
    expect(message).toMatch(/resolves outside the layout folder; refused/);
  });

  it('a blob over the limit is not read', async () => {
    const [code] = await codeOf(new LayoutSource(EXAMPLE, { maxManifestBytes: 10 }).fetchManifest(image));
    expect(code).toBe('BODY_TOO_LARGE');
  });

  it('lists referrers by scanning manifests for subject, with artifactType as the referrers API would', async () => {
    const listing = await new LayoutSource(EXAMPLE).listReferrers(image.digest);
    expect(listing.supported).toBe(true);
    if (!listing.supported) return;
    expect(listing.manifests.map((d) => d.artifactType)).toEqual(['application/spdx+json']);
    const filtered = await new LayoutSource(EXAMPLE).listReferrers(image.digest, { artifactType: 'application/vnd.cyclonedx+json' });
    expect(filtered.supported && filtered.manifests).toEqual([]);
  });

  it('several images and no tag: INVALID_REFERENCE asking for a tag or digest', async () => {
    const dir = copy();
    const doc = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    const platform = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', image.digest.slice(7)), 'utf8')).manifests[0];
    doc.manifests.push({
      mediaType: platform.mediaType,
      digest: platform.digest,
      size: platform.size,
      annotations: { 'org.opencontainers.image.ref.name': 'amd64' },
    });
    writeFileSync(join(dir, 'index.json'), JSON.stringify(doc));
    const [code, message] = await codeOf(new LayoutSource(dir).resolve(parseReference(`oci:${dir}`)));
    expect(code).toBe('INVALID_REFERENCE');
    expect(message).toMatch(/holds 2 images; name one/);
  });
});
