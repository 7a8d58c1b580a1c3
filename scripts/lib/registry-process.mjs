// Starts the CNCF Distribution registry (Debian `docker-registry`) on
// 127.0.0.1 with a temporary config and filesystem storage. Shared by the
// tests' registry harness and the benchmark.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BINARY = process.env.CUSTODY_REGISTRY_BINARY ?? '/usr/bin/docker-registry';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function probe(url, ca) {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { ...(ca ? { ca } : {}), timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * @param {{ http?: object, auth?: object, dir?: string, ca?: string }} [options]
 *   `http`: extra `http:` settings (tls); `auth`: the `auth:` section; `ca`: PEM to trust when probing.
 * @returns {Promise<{ host: string, port: number, url: string, dir: string, process: import('node:child_process').ChildProcess, stop: () => Promise<void>, kill: () => void }>}
 */
export async function startRegistryProcess(options = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'custody-registry-'));
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const tls = options.http?.tls !== undefined;
  const config = {
    version: '0.1',
    log: { level: 'error', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: `127.0.0.1:${port}`, secret: 'custody-test-http-secret', ...(options.http ?? {}) },
    ...(options.auth ? { auth: options.auth } : {}),
  };
  // YAML is a superset of JSON.
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  // The registry's log goes to a file in its folder (a pipe nobody reads could fill up and stall it).
  const logFile = join(dir, 'registry.log');
  const child = spawn(REGISTRY_BINARY, ['serve', configFile], { stdio: ['ignore', 'ignore', openSync(logFile, 'a')] });
  const stderrTail = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-800);
    } catch {
      return '';
    }
  };
  let exited = false;
  const exit = new Promise((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw new Error(`docker-registry exited at start: ${stderrTail().trim()}`);
    const status = await probe(`${url}/v2/`, options.ca);
    if (status === 200 || status === 401) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not answer on ${url}/v2/ within 20 s: ${stderrTail().trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  return { host: `127.0.0.1:${port}`, port, url, dir, logFile, process: child, stop, kill: () => child.kill('SIGKILL'), exited: exit };
}
