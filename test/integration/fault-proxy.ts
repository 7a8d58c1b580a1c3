import { readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/**
 * A test proxy in front of the real registry. It forwards everything, and on
 * request injects faults (statuses, resets, stalls, altered bodies) or
 * answers routes itself (the referrers API test double). It is a test
 * double for the network, named as such in the tests that use it.
 */

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' }
  | { kind: 'reset-mid-body' }
  | { kind: 'stall-headers'; ms: number }
  | { kind: 'slow-body'; ms: number }
  | { kind: 'corrupt' }
  | { kind: 'oversize'; extraBytes: number; chunked?: boolean }
  | { kind: 'hook'; run: () => void | Promise<void> };

export interface Seen {
  method: string;
  path: string;
  fault?: Fault['kind'];
}

type Match = (req: { method: string; path: string }) => boolean;
type Route = (req: http.IncomingMessage, res: http.ServerResponse, path: string) => boolean | Promise<boolean>;

export class FaultProxy {
  readonly seen: Seen[] = [];
  host = '';
  private server: http.Server | undefined;
  private readonly rules: { match: Match; fault: Fault; remaining: number }[] = [];
  private readonly routes: Route[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly upstreamAgent = new http.Agent({ keepAlive: true });
  private active = 0;
  maxActive = 0;

  constructor(private readonly upstream: string) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.host;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.upstreamAgent.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Apply `fault` to the next `times` requests that match. */
  inject(match: Match, fault: Fault, times = 1): void {
    this.rules.push({ match, fault, remaining: times });
  }

  route(route: Route): void {
    this.routes.push(route);
  }

  reset(): void {
    this.rules.length = 0;
    this.seen.length = 0;
    this.maxActive = 0;
  }

  count(match: Match): number {
    return this.seen.filter((s) => match(s)).length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    res.on('close', () => (this.active -= 1));
    const rule = this.rules.find((r) => r.remaining > 0 && r.match({ method, path }));
    if (rule) rule.remaining -= 1;
    const fault = rule?.fault;
    this.seen.push({ method, path, ...(fault ? { fault: fault.kind } : {}) });
    for (const route of this.routes) if (await route(req, res, path)) return;
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'Content-Type': 'application/json', ...(fault.headers ?? {}) });
      res.end(fault.body ?? '');
      return;
    }
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'stall-headers') {
      await new Promise((r) => setTimeout(r, fault.ms));
    }
    if (fault?.kind === 'hook') await fault.run();
    this.forward(req, res, fault);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, fault: Fault | undefined): void {
    const target = new URL(req.url ?? '/', this.upstream);
    const headers = { ...req.headers, host: target.host };
    const up = http.request(target, { method: req.method, headers, agent: this.upstreamAgent }, (upRes) => {
      const outHeaders = { ...upRes.headers };
      if (typeof outHeaders.location === 'string') outHeaders.location = outHeaders.location.replace(this.upstream, `http://${this.host}`);
      const status = upRes.statusCode ?? 502;
      const altering = fault && (fault.kind === 'corrupt' || fault.kind === 'oversize' || fault.kind === 'reset-mid-body' || fault.kind === 'slow-body');
      if (!altering || req.method === 'HEAD' || status !== 200) {
        res.writeHead(status, outHeaders);
        upRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        let body = Buffer.concat(chunks);
        if (fault.kind === 'corrupt') {
          body = Buffer.from(body);
          body[body.length - 1] = body[body.length - 1]! ^ 0x01;
        }
        if (fault.kind === 'oversize') {
          body = Buffer.concat([body, Buffer.alloc(fault.extraBytes, 0x20)]);
          if (fault.chunked) delete outHeaders['content-length'];
          else outHeaders['content-length'] = String(body.length);
        }
        res.writeHead(status, outHeaders);
        if (fault.kind === 'reset-mid-body' || fault.kind === 'slow-body') {
          res.write(body.subarray(0, Math.floor(body.length / 2)));
          if (fault.kind === 'reset-mid-body') {
            setTimeout(() => req.socket.destroy(), 10);
            return;
          }
          const timer = setTimeout(() => res.end(body.subarray(Math.floor(body.length / 2))), fault.ms);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        res.end(body);
      });
    });
    up.on('error', () => req.socket.destroy());
    req.pipe(up);
  }
}

/**
 * Test double of the distribution-spec 1.1 referrers API, added in front of
 * a real Distribution 2.8 registry (which has none): it lists the
 * repository's manifest revisions from the registry's storage folder, reads
 * each manifest from the registry, and answers with those whose `subject`
 * is the digest, as an image index, in pages (`Link`), filtering by
 * `artifactType` when `filtering` is on (and then saying so in
 * `OCI-Filters-Applied`).
 */
export class ReferrersApiDouble {
  pageSize = 100;
  filtering = true;
  readonly requests: string[] = [];

  constructor(
    private readonly upstream: string,
    private readonly dataDir: string,
  ) {}

  readonly route: Route = async (req, res, path) => {
    const url = new URL(path, 'http://double');
    const match = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
    if (!match || req.method !== 'GET') return false;
    this.requests.push(path);
    const [, name, digest] = match as unknown as [string, string, string];
    let all = await this.referrers(name, digest);
    const artifactType = url.searchParams.get('artifactType');
    const headers: Record<string, string> = { 'Content-Type': 'application/vnd.oci.image.index.v1+json' };
    if (artifactType !== null && this.filtering) {
      all = all.filter((d) => d.artifactType === artifactType);
      headers['OCI-Filters-Applied'] = 'artifactType';
    }
    const last = url.searchParams.get('last');
    const start = last === null ? 0 : all.findIndex((d) => d.digest === last) + 1;
    const page = all.slice(start, start + this.pageSize);
    if (start + this.pageSize < all.length) {
      const next = new URLSearchParams(url.searchParams);
      next.set('last', page[page.length - 1]!.digest);
      headers.Link = `<${url.pathname}?${next.toString()}>; rel="next"`;
    }
    res.writeHead(200, headers);
    res.end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: page }));
    return true;
  };

  private async referrers(
    name: string,
    digest: string,
  ): Promise<{ mediaType: string; digest: string; size: number; artifactType?: string; annotations?: Record<string, string> }[]> {
    const dir = join(this.dataDir, 'docker', 'registry', 'v2', 'repositories', name, '_manifests', 'revisions', 'sha256');
    let hexes: string[];
    try {
      hexes = readdirSync(dir).sort();
    } catch {
      return [];
    }
    const out = [];
    for (const hex of hexes) {
      const got = await fetch(`${this.upstream}/v2/${name}/manifests/sha256:${hex}`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
      });
      if (got.status !== 200) continue;
      const bytes = Buffer.from(await got.arrayBuffer());
      const doc = JSON.parse(bytes.toString('utf8')) as {
        mediaType?: string;
        artifactType?: string;
        config?: { mediaType?: string };
        subject?: { digest?: string };
        annotations?: Record<string, string>;
      };
      if (doc.subject?.digest !== digest) continue;
      const artifactType = doc.artifactType ?? doc.config?.mediaType;
      out.push({
        mediaType: doc.mediaType ?? 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${hex}`,
        size: bytes.length,
        ...(artifactType ? { artifactType } : {}),
        ...(doc.annotations ? { annotations: doc.annotations } : {}),
      });
    }
    return out;
  }
}
