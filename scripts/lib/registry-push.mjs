// Pushes blobs and manifests over the Distribution API (POST+PUT uploads,
// PUT manifests), and whole OCI layout entries with everything they
// reference. Used by the tests and the benchmark to place referrers,
// cosign tags and referrers-tag indexes in a real registry.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/**
 * @param {{ method: string, url: string, headers?: Record<string,string>, body?: Buffer, ca?: string, agent?: http.Agent }} r
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, body: Buffer }>}
 */
export function httpRequest(r) {
  const url = new URL(r.url);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: r.method, headers: r.headers ?? {}, ...(r.ca ? { ca: r.ca } : {}), ...(r.agent ? { agent: r.agent } : {}) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

export class RegistryPusher {
  /**
   * @param {string} baseUrl `http://127.0.0.1:5000`
   * @param {{ authorization?: (repo: string) => Promise<string|undefined>, ca?: string }} [options]
   */
  constructor(baseUrl, options = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.options = options;
    this.agent = baseUrl.startsWith('https:') ? new https.Agent({ keepAlive: true, ca: options.ca }) : new http.Agent({ keepAlive: true });
    this.pushed = new Set();
  }

  async headers(repo, extra = {}) {
    const authorization = this.options.authorization ? await this.options.authorization(repo) : undefined;
    return { ...extra, ...(authorization ? { Authorization: authorization } : {}) };
  }

  async send(repo, method, url, headers, body) {
    return httpRequest({ method, url, headers: await this.headers(repo, headers), body, ca: this.options.ca, agent: this.agent });
  }

  /** @param {string} repo @param {string} digest @param {Buffer} bytes */
  async pushBlob(repo, digest, bytes) {
    const key = `${repo}@${digest}`;
    if (this.pushed.has(key)) return;
    const head = await this.send(repo, 'HEAD', `${this.baseUrl}/v2/${repo}/blobs/${digest}`, {});
    if (head.status === 200) {
      this.pushed.add(key);
      return;
    }
    const start = await this.send(repo, 'POST', `${this.baseUrl}/v2/${repo}/blobs/uploads/`, { 'Content-Length': '0' });
    if (start.status !== 202) throw new Error(`POST upload ${repo}: HTTP ${start.status} ${start.body.toString('utf8').slice(0, 200)}`);
    const location = new URL(start.headers.location, this.baseUrl);
    location.searchParams.set('digest', digest);
    const put = await this.send(repo, 'PUT', location.href, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) }, bytes);
    if (put.status !== 201) throw new Error(`PUT blob ${repo}@${digest}: HTTP ${put.status} ${put.body.toString('utf8').slice(0, 200)}`);
    this.pushed.add(key);
  }

  /** @param {string} repo @param {string} reference tag or digest @param {string} mediaType @param {Buffer} bytes */
  async pushManifest(repo, reference, mediaType, bytes) {
    const put = await this.send(
      repo,
      'PUT',
      `${this.baseUrl}/v2/${repo}/manifests/${reference}`,
      { 'Content-Type': mediaType, 'Content-Length': String(bytes.length) },
      bytes,
    );
    if (put.status !== 201) throw new Error(`PUT manifest ${repo}:${reference}: HTTP ${put.status} ${put.body.toString('utf8').slice(0, 300)}`);
  }

  /**
   * Push a manifest or index from a layout, with every blob and child
   * manifest it references that the layout holds, then tag it if asked.
   * @param {string} layoutDir @param {string} repo @param {{mediaType: string, digest: string}} descriptor @param {string} [tag]
   */
  async pushFromLayout(layoutDir, repo, descriptor, tag) {
    const path = (digest) => join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
    const bytes = readFileSync(path(descriptor.digest));
    const doc = JSON.parse(bytes.toString('utf8'));
    const mediaType = doc.mediaType ?? descriptor.mediaType;
    if (INDEX_TYPES.has(mediaType)) {
      for (const child of doc.manifests ?? []) if (existsSync(path(child.digest))) await this.pushFromLayout(layoutDir, repo, child);
    } else {
      for (const blob of [doc.config, ...(doc.layers ?? [])])
        if (blob && existsSync(path(blob.digest))) await this.pushBlob(repo, blob.digest, readFileSync(path(blob.digest)));
    }
    const key = `${repo}@${descriptor.digest}`;
    if (!this.pushed.has(key)) {
      await this.pushManifest(repo, descriptor.digest, mediaType, bytes);
      this.pushed.add(key);
    }
    if (tag) await this.pushManifest(repo, tag, mediaType, bytes);
  }

  /**
   * Every index.json entry of a layout (tags kept), except the tags in `skip`.
   * @param {string} layoutDir @param {string} repo @param {{ skip?: string[] }} [options]
   */
  async pushLayout(layoutDir, repo, options = {}) {
    const skip = options.skip ?? [];
    const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8'));
    for (const entry of index.manifests) {
      const tag = entry.annotations?.['org.opencontainers.image.ref.name'];
      if (tag && skip.includes(tag)) continue;
      await this.pushFromLayout(layoutDir, repo, entry, tag);
    }
  }

  close() {
    this.agent.destroy();
  }
}
