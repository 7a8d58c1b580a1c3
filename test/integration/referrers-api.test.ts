import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { collect, discover, openSource } from '../../src/collect/index.js';
import { parseReference } from '../../src/oci/reference.js';
import { FaultProxy, ReferrersApiDouble } from './fault-proxy.js';
import { describeWithRegistry, pushEvidenceLayout, startRegistry, type RunningRegistry } from './registry-harness.js';
import { attachmentLines, expectedAttachments, writeScenario, type Scenario } from './scenarios.js';

describeWithRegistry('referrers API (test double in front of the real registry)', () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let double: ReferrersApiDouble;
  let work: string;
  let multi: Scenario;
  let plain: Scenario;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'custody-refapi-'));
    registry = await startRegistry();
    multi = writeScenario(work, 'multi', 'multi', { extraReferrers: 3 });
    plain = writeScenario(work, 'plain', 'manifest');
    for (const s of [multi, plain]) await pushEvidenceLayout(s.dir, s.tag, registry, s.repository);
    proxy = new FaultProxy(registry.url);
    double = new ReferrersApiDouble(registry.url, registry.dataDir);
    proxy.route(double.route);
    await proxy.start();
  });

  afterEach(() => {
    double.pageSize = 100;
    double.filtering = true;
    double.requests.length = 0;
  });

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('test double: discovery uses the referrers API for the index, each platform and each referrer, following Link pages', async () => {
    double.pageSize = 2;
    const ref = parseReference(`${proxy.host}/${multi.repository}:1.0`);
    const source = openSource(ref);
    try {
      const result = await discover(source, ref);
      const expected = expectedAttachments(multi, 'referrers-api');
      expect(expected.filter((l) => l.startsWith('referrers-api'))).toHaveLength(5);
      expect(attachmentLines(result.nodes)).toEqual(expected);
      expect(result.warnings).toEqual([]);
      // 4 referrers of the index at 2 per page: 2 pages for it.
      expect(double.requests.filter((p) => p.includes(multi.written.root.digest))).toHaveLength(2);
      // No tag-schema fallback when the API answers.
      expect(proxy.count((s) => s.path.includes(`manifests/${multi.written.root.digest.replace(':', '-')}`) && !s.path.endsWith('.sig'))).toBe(0);
    } finally {
      await source.close();
    }
  });

  it('test double: artifactType filter applied by the registry (OCI-Filters-Applied) or, when ignored, here', async () => {
    const ref = parseReference(`${proxy.host}/${multi.repository}:1.0`);
    for (const filtering of [true, false]) {
      double.filtering = filtering;
      const source = openSource(ref);
      try {
        const listing = await source.listReferrers(multi.written.root.digest, { artifactType: 'application/spdx+json' });
        expect(listing.supported).toBe(true);
        if (!listing.supported) continue;
        expect(listing.manifests.map((d) => d.artifactType)).toEqual([
          'application/spdx+json',
          'application/spdx+json',
          'application/spdx+json',
          'application/spdx+json',
        ]);
        expect(listing.warnings).toEqual([]);
        const cdx = await source.listReferrers(multi.written.root.digest, { artifactType: 'application/vnd.cyclonedx+json' });
        expect(cdx.supported && cdx.manifests).toEqual([]);
      } finally {
        await source.close();
      }
    }
  });

  it('test double: pages beyond maxPages are not read, with a warning', async () => {
    double.pageSize = 1;
    const ref = parseReference(`${proxy.host}/${multi.repository}:1.0`);
    const source = openSource(ref, { maxPages: 2 });
    try {
      const listing = await source.listReferrers(multi.written.root.digest);
      expect(listing.supported && listing.manifests).toHaveLength(2);
      expect(listing.supported && listing.warnings.join('\n')).toMatch(/more than 2 pages/);
    } finally {
      await source.close();
    }
  });

  it('test double: the collected evidence is the same as through the tag schema fallback', async () => {
    const viaApi = parseReference(`${proxy.host}/${plain.repository}:1.0`);
    const viaTags = parseReference(`${registry.host}/${plain.repository}:1.0`);
    const summarize = async (ref: typeof viaApi) => {
      const source = openSource(ref);
      try {
        const c = await collect(source, ref);
        return c.evidence
          .map(
            (r) =>
              `${r.origin.method.replace(/^referrers-(api|tag)$/, 'referrers')} ${r.origin.attachedTo} ${r.origin.descriptor!.digest} ${r.origin.via ?? ''}`,
          )
          .sort();
      } finally {
        await source.close();
      }
    };
    const api = await summarize(viaApi);
    expect(api).toHaveLength(4);
    expect(api).toEqual(await summarize(viaTags));
  });

  it('test double: a listing that names a manifest about another subject, a cross-origin next page and a non-index answer are warned about and ignored', async () => {
    const ref = parseReference(`${proxy.host}/${plain.repository}:1.0`);
    const other = multi.written.referrers[0]!.descriptor;
    // Copy a referrer of another image into this repository: its subject is not this image.
    await registry.pusher.pushFromLayout(multi.dir, plain.repository, other);
    const lying = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, path: string): Promise<boolean> => {
      if (!path.includes(`/referrers/${plain.written.root.digest}`)) return false;
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.index.v1+json', Link: '<http://elsewhere.example/v2/x/referrers/y>; rel="next"' });
      res.end(
        JSON.stringify({
          schemaVersion: 2,
          manifests: [{ mediaType: other.mediaType, digest: other.digest, size: other.size, artifactType: other.artifactType }],
        }),
      );
      return true;
    };
    const notIndex = async (_req: unknown, res: import('node:http').ServerResponse, path: string): Promise<boolean> => {
      if (!path.includes('/referrers/') || path.includes(plain.written.root.digest)) return false;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"hello":"world"}');
      return true;
    };
    const isolated = new FaultProxy(registry.url);
    isolated.route(lying);
    isolated.route(notIndex);
    await isolated.start();
    const source = openSource(parseReference(`${isolated.host}/${plain.repository}:1.0`));
    try {
      const result = await discover(source, parseReference(`${isolated.host}/${plain.repository}:1.0`));
      const text = result.warnings.join('\n');
      expect(text).toMatch(new RegExp(`lists ${other.digest} for ${plain.written.root.digest}, but its subject is`));
      expect(text).toMatch(/next page is on another host; not followed/);
      expect(text).toMatch(/not an image index/);
      expect(result.nodes.map((n) => n.descriptor.digest)).not.toContain(other.digest);
      void ref;
    } finally {
      await source.close();
      await isolated.stop();
    }
  });
});
