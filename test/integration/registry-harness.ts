import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
// Shared with the benchmark: plain JavaScript in scripts/lib.
import { REGISTRY_BINARY, startRegistryProcess } from '../../scripts/lib/registry-process.mjs';
import { RegistryPusher } from '../../scripts/lib/registry-push.mjs';
import { TokenServer } from './token-server.js';

/**
 * Real registry for the tests: /usr/bin/docker-registry (CNCF Distribution
 * 2.8) on 127.0.0.1 with a temporary config and storage, optionally with
 * htpasswd (bcrypt) Basic auth, token auth trusting a test token server, or
 * TLS with a self-signed CA. With CI=true a missing tool fails the run;
 * elsewhere the suites are skipped and say why.
 */

const TOOLS: [string, string][] = [
  ['docker-registry', REGISTRY_BINARY],
  ['skopeo', 'skopeo'],
  ['openssl', 'openssl'],
  ['htpasswd', 'htpasswd'],
];

function onPath(program: string): boolean {
  if (program.includes('/')) {
    try {
      accessSync(program, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

function missingTools(): string[] {
  return TOOLS.filter(([, program]) => !onPath(program)).map(([name]) => name);
}

const missing = missingTools();
export const registryAvailable = missing.length === 0;
export const registryUnavailableReason = missing.length ? `missing ${missing.join(', ')} (apt-get install docker-registry skopeo apache2-utils openssl)` : '';

if (!registryAvailable && process.env.CI === 'true') {
  throw new Error(`registry integration tests cannot run: ${registryUnavailableReason}; with CI=true they must not be skipped`);
}

/** `describe` that runs with a real registry, or is skipped with the reason in its name. */
export function describeWithRegistry(name: string, body: () => void): void {
  if (registryAvailable) {
    describe(name, body);
  } else {
    console.warn(`SKIPPED registry suite "${name}": ${registryUnavailableReason}`);
    describe.skip(`${name} [skipped: ${registryUnavailableReason}]`, body);
  }
}

export interface RegistryOptions {
  auth?: 'htpasswd' | 'token';
  tls?: boolean;
  users?: Record<string, string>;
  /** Token auth: identity (refresh) tokens accepted by the token server. */
  identityTokens?: Record<string, string>;
  tokenExpiresIn?: number;
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  /** Storage root (the referrers API test double reads its revisions). */
  dataDir: string;
  /** PEM file of the CA that signed the TLS certificate (tls only). */
  caFile?: string;
  /** Folder with ca.crt, for skopeo --dest-cert-dir (tls only). */
  certDir?: string;
  users: Record<string, string>;
  auth?: 'htpasswd' | 'token';
  tokenServer?: TokenServer;
  pusher: RegistryPusher;
  stop(): Promise<void>;
  /** SIGKILL, for faults mid-run. */
  kill(): void;
}

export function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A self-signed P-256 certificate valid for 2 days, `BASE.key` and `BASE.crt` in `dir`, with `-addext` extensions. */
export function selfSignedEc(dir: string, base: string, subject: string, extensions: readonly string[] = []): void {
  openssl(
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', `${base}.key`, '-out', `${base}.crt`, '-days', '2', '-subj', subject],
      ...extensions.flatMap((extension) => ['-addext', extension]),
    ],
    dir,
  );
}

/** A CA and a server certificate for 127.0.0.1/localhost, made with openssl. */
export function makeTlsCertificates(dir: string): { caFile: string; certFile: string; keyFile: string; certDir: string } {
  selfSignedEc(dir, 'ca', '/CN=custody test CA');
  openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
    dir,
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext'],
    dir,
  );
  // skopeo --dest-cert-dir takes every *.crt as a CA and pairs *.key with *.cert: a folder with the CA alone.
  const certDir = join(dir, 'trust');
  mkdirSync(certDir);
  copyFileSync(join(dir, 'ca.crt'), join(certDir, 'ca.crt'));
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key'), certDir };
}

export const DEFAULT_USERS = { alice: 'wonderland-Pa55' };

export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'custody-reg-'));
  const users = options.users ?? DEFAULT_USERS;
  let auth: object | undefined;
  let tokenServer: TokenServer | undefined;
  let authorization: ((repo: string) => Promise<string | undefined>) | undefined;
  if (options.auth === 'htpasswd') {
    const lines = Object.entries(users).map(([u, p]) => execFileSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' }).trim());
    writeFileSync(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    auth = { htpasswd: { realm: 'custody-test', path: join(dir, 'htpasswd') } };
    const [user, password] = Object.entries(users)[0]!;
    authorization = async () => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  } else if (options.auth === 'token') {
    selfSignedEc(dir, 'token', '/CN=custody test token issuer');
    const certDer = Buffer.from(new X509Certificate(readFileSync(join(dir, 'token.crt'))).raw);
    tokenServer = new TokenServer({
      key: createPrivateKey(readFileSync(join(dir, 'token.key'))),
      certDer,
      issuer: 'custody-test-issuer',
      service: 'custody-test-registry',
      users,
      ...(options.identityTokens ? { identityTokens: options.identityTokens } : {}),
      ...(options.tokenExpiresIn ? { expiresIn: options.tokenExpiresIn } : {}),
    });
    const realm = await tokenServer.start();
    auth = { token: { realm, service: 'custody-test-registry', issuer: 'custody-test-issuer', rootcertbundle: join(dir, 'token.crt') } };
    const [user] = Object.keys(users);
    const server = tokenServer;
    authorization = async (repo) => `Bearer ${server.tokenFor(user!, [`repository:${repo}:pull,push`])}`;
  }
  let tls: ReturnType<typeof makeTlsCertificates> | undefined;
  if (options.tls) tls = makeTlsCertificates(dir);
  const ca = tls ? readFileSync(tls.caFile, 'utf8') : undefined;
  const registry = await startRegistryProcess({
    dir,
    ...(auth ? { auth } : {}),
    ...(tls ? { http: { tls: { certificate: tls.certFile, key: tls.keyFile } } } : {}),
    ...(ca ? { ca } : {}),
  });
  const pusher = new RegistryPusher(registry.url, { ...(authorization ? { authorization } : {}), ...(ca ? { ca } : {}) });
  return {
    host: registry.host,
    url: registry.url,
    dataDir: join(dir, 'data'),
    ...(tls ? { caFile: tls.caFile, certDir: tls.certDir } : {}),
    users,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(tokenServer ? { tokenServer } : {}),
    pusher,
    kill: () => registry.kill(),
    async stop() {
      pusher.close();
      await registry.stop();
      await tokenServer?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `skopeo copy oci:LAYOUT:TAG docker://HOST/REPO:TAG` (all platforms,
 * digests preserved): a real image push by a real client. Asynchronous: the
 * token server skopeo talks to runs in this process.
 */
export async function skopeoCopy(layoutDir: string, tag: string, registry: RunningRegistry, repository: string): Promise<void> {
  const args = ['copy', '--quiet', '--all', '--preserve-digests'];
  if (registry.certDir) args.push('--dest-cert-dir', registry.certDir);
  else args.push('--dest-tls-verify=false');
  const [user, password] = Object.entries(registry.users)[0]!;
  if (registry.auth) args.push('--dest-creds', `${user}:${password}`);
  args.push(`oci:${layoutDir}:${tag}`, `docker://${registry.host}/${repository}:${tag}`);
  const child = spawn('skopeo', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, REGISTRY_AUTH_FILE: join(layoutDir, '..', 'skopeo-auth.json') },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`skopeo ${args.join(' ')} failed (${code}): ${stderr.trim().slice(-800)}`);
}

/** Push an evidence layout: the image with skopeo, every other entry (referrers, cosign tags, referrers-tag indexes) over HTTP. */
export async function pushEvidenceLayout(layoutDir: string, imageTag: string, registry: RunningRegistry, repository: string): Promise<void> {
  await skopeoCopy(layoutDir, imageTag, registry, repository);
  await registry.pusher.pushLayout(layoutDir, repository, { skip: [imageTag] });
}
