import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseReference } from '../../src/oci/reference.js';
import { RegistrySource } from '../../src/oci/registry/registry-source.js';
import { RegistrySession } from '../../src/oci/registry/session.js';
import { codeOf } from '../helpers/errors.js';

/**
 * Behaviours a real Distribution registry will not show on demand (lying
 * headers, redirects to other hosts, odd challenges), played by a small HTTP
 * test double of a registry. Everything a real registry can do is tested
 * against docker-registry in test/integration.
 */

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];

async function registryDouble(handler: Handler): Promise<{ host: string; requests: { method: string; url: string; authorization?: string }[] }> {
  const requests: { method: string; url: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: `sha256:${'4'.repeat(64)}`, size: 2 },
    layers: [],
  }),
);
const MANIFEST_DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;
const BLOB = Buffer.from('evidence bytes');
const BLOB_DIGEST = `sha256:${createHash('sha256').update(BLOB).digest('hex')}`;
const FAST = { retries: 0, requestTimeoutMs: 2000 };

function source(host: string, options: ConstructorParameters<typeof RegistrySource>[1] = {}): RegistrySource {
  const ref = parseReference(`${host}/team/app:1.0`);
  if (ref.type !== 'registry') throw new Error('registry reference expected');
  return new RegistrySource(ref, { env: { HOME: '/nonexistent', PATH: '/usr/bin:/bin' }, ...FAST, ...options });
}

describe('registry client against a test double of a registry', () => {
  it('refuses a Bearer realm over plain HTTP to a host that is not loopback, before connecting', async () => {
    const reg = await registryDouble((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="http://auth.registry.example/token",service="reg"' });
      res.end();
    });
    const [code, message] = await codeOf(source(reg.host).resolve(parseReference(`${reg.host}/team/app:1.0`)));
    expect(code).toBe('NETWORK');
    expect(message).toMatch(/refusing http to auth\.registry\.example/);
  });

  it('follows a blob redirect to another origin without the Authorization header, and still checks the bytes', async () => {
    const cdn = await registryDouble((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(BLOB.length) });
      res.end(BLOB);
    });
    const reg = await registryDouble((req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="double"' });
        res.end();
        return;
      }
      res.writeHead(307, { Location: `http://${cdn.host}/signed/blob?X-Amz-Signature=secret-sig` });
      res.end();
    });
    const dir = mkdtempSync(join(tmpdir(), 'custody-dc-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { username: 'u', password: 'p' } } }));
    let bytes: Uint8Array;
    try {
      bytes = await source(reg.host, { dockerConfigDir: dir }).fetchBlob({ mediaType: 'application/json', digest: BLOB_DIGEST, size: BLOB.length });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(Buffer.from(bytes).equals(BLOB)).toBe(true);
    expect(reg.requests.some((r) => r.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`)).toBe(true);
    expect(cdn.requests).toHaveLength(1);
    expect(cdn.requests[0]!.authorization).toBeUndefined();
  });

  it('refuses a redirect to plain HTTP on a host that is not loopback; the signed query is not in the message', async () => {
    const reg = await registryDouble((req, res) => {
      if (req.url === '/v2/') {
        res.writeHead(200);
        res.end();
        return;
      }
      res.writeHead(302, { Location: 'http://cdn.registry.example/blob?X-Amz-Signature=secret-sig' });
      res.end();
    });
    const [code, message] = await codeOf(source(reg.host).fetchBlob({ mediaType: 'application/json', digest: BLOB_DIGEST, size: BLOB.length }));
    expect(code).toBe('NETWORK');
    expect(message).not.toContain('secret-sig');
  });

  it('a Docker-Content-Digest that disagrees with the bytes: DIGEST_MISMATCH', async () => {
    const reg = await registryDouble((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': `sha256:${'1'.repeat(64)}` });
      res.end(req.url === '/v2/' ? '' : MANIFEST);
    });
    const [code] = await codeOf(source(reg.host).resolve(parseReference(`${reg.host}/team/app:1.0`)));
    expect(code).toBe('DIGEST_MISMATCH');
  });

  it('a tag is resolved with HEAD, then the manifest is read by digest and checked against it', async () => {
    const reg = await registryDouble((req, res) => {
      const headers = {
        'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
        'Docker-Content-Digest': MANIFEST_DIGEST,
        'Content-Length': String(MANIFEST.length),
      };
      res.writeHead(200, req.url === '/v2/' ? {} : headers);
      res.end(req.method === 'HEAD' || req.url === '/v2/' ? undefined : MANIFEST);
    });
    const s = source(reg.host);
    const descriptor = await s.resolve(parseReference(`${reg.host}/team/app:1.0`));
    expect(descriptor).toEqual({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: MANIFEST_DIGEST, size: MANIFEST.length });
    expect(Buffer.from(await s.fetchManifest(descriptor)).equals(MANIFEST)).toBe(true);
    expect(reg.requests.filter((r) => r.url !== '/v2/').map((r) => `${r.method} ${r.url}`)).toEqual([
      'HEAD /v2/team/app/manifests/1.0',
      `GET /v2/team/app/manifests/${MANIFEST_DIGEST}`,
    ]);
  });

  it('a HEAD that lies about the digest is caught when the manifest is read: DIGEST_MISMATCH', async () => {
    const lie = `sha256:${'2'.repeat(64)}`;
    const reg = await registryDouble((req, res) => {
      const headers = { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': lie, 'Content-Length': String(MANIFEST.length) };
      res.writeHead(200, req.url === '/v2/' ? {} : headers);
      res.end(req.method === 'HEAD' || req.url === '/v2/' ? undefined : MANIFEST);
    });
    const s = source(reg.host);
    const descriptor = await s.resolve(parseReference(`${reg.host}/team/app:1.0`));
    const [code, message] = await codeOf(s.fetchManifest(descriptor));
    expect(code).toBe('DIGEST_MISMATCH');
    expect(message).toContain(`expected ${lie}`);
  });

  it('a HEAD without Docker-Content-Digest: the tag is read with GET and hashed here', async () => {
    const reg = await registryDouble((req, res) => {
      if (req.url?.startsWith('/v2/team/app/tags/list')) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(req.method === 'HEAD' || req.url === '/v2/' ? undefined : MANIFEST);
    });
    const found = await source(reg.host).resolveTag('sha256-abc.sig');
    expect(found).toEqual({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: MANIFEST_DIGEST, size: MANIFEST.length });
    expect(reg.requests.filter((r) => r.url.endsWith('sha256-abc.sig')).map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('tag lists: Link pages are followed; past maxPages tags are checked one by one with HEAD', async () => {
    const tags = ['a', 'b', 'c', 'd', 'e'];
    const reg = await registryDouble((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/v2/team/app/tags/list') {
        const last = url.searchParams.get('last');
        const start = last ? tags.indexOf(last) + 1 : 0;
        const page = tags.slice(start, start + 2);
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (start + 2 < tags.length) headers.Link = `</v2/team/app/tags/list?n=2&last=${page[page.length - 1]}>; rel="next"`;
        res.writeHead(200, headers);
        res.end(JSON.stringify({ name: 'team/app', tags: page }));
        return;
      }
      res.writeHead(req.url === '/v2/' ? 200 : 404);
      res.end();
    });
    expect(await source(reg.host).listTags()).toEqual(tags);
    const few = source(reg.host, { maxPages: 2 });
    expect(await few.tagExists('zzz')).toBe(false);
    expect(reg.requests.filter((r) => r.method === 'HEAD' && r.url.endsWith('/manifests/zzz'))).toHaveLength(1);
    const all = source(reg.host, { maxPages: 10 });
    expect(await all.tagExists('zzz')).toBe(false);
    expect(reg.requests.filter((r) => r.method === 'HEAD' && r.url.endsWith('/manifests/zzz'))).toHaveLength(1);
  });

  it('Bearer tokens are reused until they expire, then fetched again (shared session)', async () => {
    let issued = 0;
    const auth = await registryDouble((_req, res) => {
      issued += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: `tok-${issued}`, expires_in: 1 }));
    });
    const reg = await registryDouble((req, res) => {
      if (!req.headers.authorization?.startsWith('Bearer tok-')) {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${auth.host}/token",service="double"` });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Length': String(BLOB.length) });
      res.end(BLOB);
    });
    const session = new RegistrySession({ env: { HOME: '/nonexistent' }, ...FAST });
    try {
      const blob = { mediaType: 'application/json', digest: BLOB_DIGEST, size: BLOB.length };
      const s = source(reg.host, { session });
      await s.fetchBlob(blob);
      await s.fetchBlob(blob);
      expect(issued).toBe(1);
      expect(auth.requests[0]!.url).toBe('/token?service=double&scope=repository%3Ateam%2Fapp%3Apull');
      await new Promise((r) => setTimeout(r, 1100));
      await s.fetchBlob(blob);
      expect(issued).toBe(2);
    } finally {
      session.close();
    }
  });

  it('a token without expires_in lasts 60 seconds (docker token spec): reused at 50 s, fetched again at 61 s', async () => {
    let issued = 0;
    const auth = await registryDouble((_req, res) => {
      issued += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: `tok-${issued}` }));
    });
    const reg = await registryDouble((req, res) => {
      if (!req.headers.authorization?.startsWith('Bearer tok-')) {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${auth.host}/token",service="double"` });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Length': String(BLOB.length) });
      res.end(BLOB);
    });
    const session = new RegistrySession({ env: { HOME: '/nonexistent' }, ...FAST });
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(start);
      const blob = { mediaType: 'application/json', digest: BLOB_DIGEST, size: BLOB.length };
      const s = source(reg.host, { session });
      await s.fetchBlob(blob);
      expect(issued).toBe(1);
      vi.setSystemTime(start + 50_000);
      await s.fetchBlob(blob);
      expect(issued, 'a token is still good 50 s after it was issued').toBe(1);
      vi.setSystemTime(start + 61_000);
      await s.fetchBlob(blob);
      expect(issued, 'a token is not used past 60 s').toBe(2);
    } finally {
      vi.useRealTimers();
      session.close();
    }
  });

  it('a 401 with no usable challenge: AUTH; a /v2/ that is not a registry: REGISTRY', async () => {
    const noChallenge = await registryDouble((_req, res) => {
      res.writeHead(401);
      res.end();
    });
    expect((await codeOf(source(noChallenge.host).fetchBlob({ mediaType: 'x/y', digest: BLOB_DIGEST, size: 1 })))[0]).toBe('AUTH');
    const notRegistry = await registryDouble((_req, res) => {
      res.writeHead(404);
      res.end('<html>');
    });
    const [code, message] = await codeOf(source(notRegistry.host).fetchBlob({ mediaType: 'x/y', digest: BLOB_DIGEST, size: 1 }));
    expect(code).toBe('REGISTRY');
    expect(message).toMatch(/not an OCI distribution registry/);
  });
});
