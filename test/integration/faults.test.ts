import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { collect, discover, openSource, type SourceOptions } from '../../src/collect/index.js';
import { parseReference } from '../../src/oci/reference.js';
import { FaultProxy } from './fault-proxy.js';
import { describeWithRegistry, pushEvidenceLayout, startRegistry, type RunningRegistry } from './registry-harness.js';
import { writeScenario, type Scenario } from './scenarios.js';
import { rejection } from '../helpers/errors.js';

const FAST: SourceOptions = { retries: 2, retryBaseDelayMs: 10, retryMaxDelayMs: 40, requestTimeoutMs: 2000, stallTimeoutMs: 300 };

describeWithRegistry('faults between custody and a real registry (through a fault-injecting test proxy)', () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  let work: string;
  let s: Scenario;
  let sbomLayer: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'custody-faults-'));
    registry = await startRegistry();
    s = writeScenario(work, 'faulty', 'multi');
    await pushEvidenceLayout(s.dir, s.tag, registry, s.repository);
    proxy = new FaultProxy(registry.url);
    await proxy.start();
    sbomLayer = JSON.parse((await import('node:fs')).readFileSync(join(s.dir, 'blobs', 'sha256', s.written.referrers[0]!.descriptor.digest.slice(7)), 'utf8'))
      .layers[0].digest as string;
  });

  afterEach(() => proxy.reset());

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const ref = () => parseReference(`${proxy.host}/${s.repository}:1.0`);
  const isBlob = (digest: string) => (r: { method: string; path: string }) => r.method === 'GET' && r.path === `/v2/${s.repository}/blobs/${digest}`;
  const run = async (options: SourceOptions = FAST) => {
    const source = openSource(ref(), options);
    try {
      return await collect(source, ref());
    } finally {
      await source.close();
    }
  };

  it('500s then success: retried, and the collection is complete', async () => {
    proxy.inject(isBlob(sbomLayer), { kind: 'status', status: 500 }, 2);
    const c = await run();
    expect(c.evidence.some((r) => r.origin.descriptor?.digest === sbomLayer)).toBe(true);
    expect(proxy.count(isBlob(sbomLayer))).toBe(3);
  });

  it('500 every time: retries are bounded and the error is REGISTRY naming host, repository and digest', async () => {
    proxy.inject(isBlob(sbomLayer), { kind: 'status', status: 503 }, 100);
    const err = await rejection(run());
    expect(err.code).toBe('REGISTRY');
    expect(err.message).toContain(`${proxy.host}/${s.repository}: blob ${sbomLayer}`);
    expect(err.message).toMatch(/HTTP 503 .* after 3 attempts/);
    expect(proxy.count(isBlob(sbomLayer))).toBe(3);
  });

  it('429 with Retry-After: waits as told, then succeeds', async () => {
    proxy.inject(
      isBlob(sbomLayer),
      { kind: 'status', status: 429, headers: { 'Retry-After': '1' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' },
      1,
    );
    const started = Date.now();
    await run();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(proxy.count(isBlob(sbomLayer))).toBe(2);
  });

  it('TOOMANYREQUESTS asking for longer than allowed: fails at once instead of sleeping', async () => {
    proxy.inject(
      isBlob(sbomLayer),
      { kind: 'status', status: 503, headers: { 'Retry-After': '3600' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"quota"}]}' },
      5,
    );
    const started = Date.now();
    const err = await rejection(run({ ...FAST, maxRetryAfterMs: 2000 }));
    expect(err.code).toBe('REGISTRY');
    expect(err.message).toMatch(/rate limited .*TOOMANYREQUESTS.*asks to wait 3600 s/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('connection resets (before the response and in the middle of a body): retried', async () => {
    proxy.inject((r) => r.path.includes('/manifests/'), { kind: 'reset' }, 1);
    proxy.inject(isBlob(sbomLayer), { kind: 'reset-mid-body' }, 1);
    const c = await run();
    expect(c.evidence.length).toBeGreaterThan(0);
    expect(proxy.count(isBlob(sbomLayer))).toBe(2);
  });

  it('connection resets every time: NETWORK after bounded attempts', async () => {
    proxy.inject(isBlob(sbomLayer), { kind: 'reset' }, 100);
    const err = await rejection(run());
    expect(err.code).toBe('NETWORK');
    expect(err.message).toMatch(/cannot reach .*\(3 attempts\)/);
  });

  it('a body that stalls: TIMEOUT after bounded attempts', async () => {
    proxy.inject(isBlob(sbomLayer), { kind: 'slow-body', ms: 5000 }, 100);
    const err = await rejection(run());
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/stalled for 300 ms/);
    expect(proxy.count(isBlob(sbomLayer))).toBe(3);
  });

  it('no response headers in time: TIMEOUT', async () => {
    proxy.inject(isBlob(sbomLayer), { kind: 'stall-headers', ms: 1500 }, 100);
    const err = await rejection(run({ ...FAST, requestTimeoutMs: 200, retries: 1 }));
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/no response within 200 ms/);
  });

  it('a body whose digest does not match: DIGEST_MISMATCH, not retried', async () => {
    proxy.inject(isBlob(sbomLayer), { kind: 'corrupt' }, 100);
    const err = await rejection(run());
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toContain(sbomLayer);
    expect(proxy.count(isBlob(sbomLayer))).toBe(1);
  });

  it('a body longer than its descriptor: SIZE_MISMATCH', async () => {
    proxy.inject(isBlob(sbomLayer), { kind: 'oversize', extraBytes: 10 }, 100);
    const err = await rejection(run());
    expect(err.code).toBe('SIZE_MISMATCH');
  });

  it('a body over the size limit, announced or streamed without a length: BODY_TOO_LARGE, cut off', async () => {
    // A tag list has no descriptor: only the limit bounds it.
    const resolveTag = (r: { method: string; path: string }) => r.method === 'GET' && r.path.includes('/tags/list');
    // Every tag-list request gets the fault: a request still in flight from one
    // run must not use up the rule meant for the next.
    proxy.inject(resolveTag, { kind: 'oversize', extraBytes: 8 * 1024 * 1024, chunked: true }, 100);
    const streamed = await rejection(run({ ...FAST, maxManifestBytes: 64 * 1024 }));
    await new Promise((r) => setTimeout(r, 200));
    proxy.reset();
    expect(streamed.code).toBe('BODY_TOO_LARGE');
    expect(streamed.message).toMatch(/exceeds the limit of 65536 bytes; cut off/);
    proxy.inject(resolveTag, { kind: 'oversize', extraBytes: 8 * 1024 * 1024 }, 100);
    const announced = await rejection(run({ ...FAST, maxManifestBytes: 64 * 1024 }));
    expect(announced.code).toBe('BODY_TOO_LARGE');
    expect(announced.message).toMatch(/announced, over the limit/);
  });

  it('a blob whose descriptor is over the limit is not even requested', async () => {
    const err = await rejection(run({ ...FAST, maxBodyBytes: 100 }));
    expect(err.code).toBe('BODY_TOO_LARGE');
    expect(err.message).toMatch(/announced, over the limit of 100 bytes; not fetched/);
    expect(proxy.seen.filter((r) => r.path.includes('/blobs/'))).toEqual([]);
  });

  it('never more requests in flight than the concurrency option', async () => {
    await run({ ...FAST, concurrency: 2 });
    expect(proxy.maxActive).toBeLessThanOrEqual(2);
    expect(proxy.seen.length).toBeGreaterThan(10);
  });

  it('the registry killed mid-run: NETWORK, and nothing is returned', async () => {
    const dying = await startRegistry();
    try {
      await pushEvidenceLayout(s.dir, s.tag, dying, s.repository);
      const front = new FaultProxy(dying.url);
      await front.start();
      try {
        const target = parseReference(`${front.host}/${s.repository}:1.0`);
        front.inject((r) => r.path.includes('/blobs/'), { kind: 'hook', run: () => dying.kill() }, 1);
        const source = openSource(target, FAST);
        const err = await rejection(collect(source, target));
        await source.close();
        expect(err.code).toBe('NETWORK');
        // Discovery before the kill succeeded; the failure is reported once the registry is gone.
        const again = openSource(target, FAST);
        const second = await rejection(discover(again, target));
        await again.close();
        expect(second.code).toBe('NETWORK');
      } finally {
        await front.stop();
      }
    } finally {
      await dying.stop();
    }
  });
});
