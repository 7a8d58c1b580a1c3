import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustodyError } from '../../src/errors.js';
import { credentialFiles, findCredential, matchAuthKey, normalizeAuthKey } from '../../src/oci/registry/credentials.js';

let work: string;
let n = 0;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'custody-creds-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function home(config: object | string | undefined, helpers: Record<string, string> = {}): NodeJS.ProcessEnv {
  n += 1;
  const dir = join(work, `home${n}`);
  mkdirSync(join(dir, '.docker'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  if (config !== undefined) writeFileSync(join(dir, '.docker', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  for (const [name, script] of Object.entries(helpers)) {
    writeFileSync(join(dir, 'bin', `docker-credential-${name}`), script);
    chmodSync(join(dir, 'bin', `docker-credential-${name}`), 0o755);
  }
  return { HOME: dir, PATH: `${join(dir, 'bin')}:/usr/bin:/bin` };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function codeOf(p: Promise<unknown>): Promise<[string | undefined, string]> {
  try {
    await p;
  } catch (err) {
    return [(err as CustodyError).code, (err as CustodyError).message];
  }
  return [undefined, ''];
}

describe('docker config keys', () => {
  it('normalises URLs, Docker Hub aliases and API suffixes', () => {
    expect(normalizeAuthKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeAuthKey('registry-1.docker.io')).toBe('docker.io');
    expect(normalizeAuthKey('http://Localhost:5000/v2/')).toBe('localhost:5000');
    expect(normalizeAuthKey('quay.io/org/repo/')).toBe('quay.io/org/repo');
  });

  it('picks the exact host or the longest namespace prefix, on path-component boundaries', () => {
    const keys = ['quay.io', 'quay.io/org', 'quay.io/org/app', 'quay.io/organisation'];
    expect(matchAuthKey(keys, 'quay.io', 'org/app')).toBe('quay.io/org/app');
    expect(matchAuthKey(keys, 'quay.io', 'org/other')).toBe('quay.io/org');
    expect(matchAuthKey(keys, 'quay.io', 'orgx/app')).toBe('quay.io');
    expect(matchAuthKey(['https://index.docker.io/v1/'], 'docker.io', 'library/alpine')).toBe('https://index.docker.io/v1/');
    expect(matchAuthKey(['ghcr.io'], 'ghcr.io.evil.example', 'x')).toBeUndefined();
  });
});

describe('findCredential', () => {
  it('reads auths: base64 auth, username/password, identity token; a password may contain colons', async () => {
    const env = home({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:p:a:ss') },
        'ghcr.io': { username: 'gh', password: 'tok' },
        'registry.example': { identitytoken: 'refresh-123' },
      },
    });
    expect(await findCredential('docker.io', 'library/alpine', { env })).toEqual({ kind: 'basic', username: 'hubuser', password: 'p:a:ss' });
    expect(await findCredential('ghcr.io', 'acme/app', { env })).toEqual({ kind: 'basic', username: 'gh', password: 'tok' });
    expect(await findCredential('registry.example', 'x', { env })).toEqual({ kind: 'identity-token', token: 'refresh-123' });
    expect(await findCredential('other.example', 'x', { env })).toBeUndefined();
  });

  it('DOCKER_CONFIG points to another folder; REGISTRY_AUTH_FILE is consulted first', async () => {
    const env = home({ auths: { 'r.example': { auth: b64('home:1') } } });
    const other = join(work, 'other-docker');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'config.json'), JSON.stringify({ auths: { 'r.example': { auth: b64('dockerconfig:2') } } }));
    const authFile = join(work, 'containers-auth.json');
    writeFileSync(authFile, JSON.stringify({ auths: { 'r.example/team': { auth: b64('authfile:3') } } }));
    expect(await findCredential('r.example', 'x', { env: { ...env, DOCKER_CONFIG: other } })).toMatchObject({ username: 'dockerconfig' });
    expect(await findCredential('r.example', 'team/app', { env: { ...env, DOCKER_CONFIG: other, REGISTRY_AUTH_FILE: authFile } })).toMatchObject({
      username: 'authfile',
    });
    expect(await findCredential('r.example', 'elsewhere/app', { env: { ...env, DOCKER_CONFIG: other, REGISTRY_AUTH_FILE: authFile } })).toMatchObject({
      username: 'dockerconfig',
    });
    expect(credentialFiles({ env: { ...env, DOCKER_CONFIG: other, REGISTRY_AUTH_FILE: authFile } })).toEqual([authFile, join(other, 'config.json')]);
  });

  it('credHelpers and credsStore run docker-credential-<name> get with the server URL on stdin', async () => {
    const helper = `#!/bin/sh
read -r server
case "$server" in
  https://index.docker.io/v1/) echo '{"ServerURL":"hub","Username":"hub-user","Secret":"hub-secret"}' ;;
  r.example:5000) echo '{"ServerURL":"r","Username":"<token>","Secret":"identity-abc"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
    const env = home(
      { credsStore: 'store', credHelpers: { 'r.example:5000': 'store' }, auths: { 'fallback.example': { auth: b64('file:4') } } },
      { store: helper },
    );
    expect(await findCredential('docker.io', 'library/alpine', { env })).toEqual({ kind: 'basic', username: 'hub-user', password: 'hub-secret' });
    expect(await findCredential('r.example:5000', 'x', { env })).toEqual({ kind: 'identity-token', token: 'identity-abc' });
    // The store knows nothing of it: the file entry is used.
    expect(await findCredential('fallback.example', 'x', { env })).toEqual({ kind: 'basic', username: 'file', password: '4' });
  });

  it('a helper that is missing, fails, prints garbage or has a path for a name: AUTH, nothing it printed repeated', async () => {
    const env = home(
      { credHelpers: { a: 'missing', b: 'broken', c: 'garbage', d: '../../bin/sh' } },
      {
        broken: '#!/bin/sh\necho "secret-leak-1 exploded" >&2\necho "secret-leak-2"\nexit 3\n',
        garbage: '#!/bin/sh\necho "{not json secret-leak-3"\n',
      },
    );
    const [missing, m1] = await codeOf(findCredential('a', 'x', { env }));
    expect([missing, m1]).toEqual(['AUTH', 'credential helper docker-credential-missing not found on PATH']);
    const [broken, m2] = await codeOf(findCredential('b', 'x', { env }));
    expect(broken).toBe('AUTH');
    expect(m2).toMatch(/failed for b \(exit 3\)/);
    const [garbage, m3] = await codeOf(findCredential('c', 'x', { env }));
    expect(garbage).toBe('AUTH');
    expect(`${m2}${m3}`).not.toMatch(/secret-leak/);
    const [path] = await codeOf(findCredential('d', 'x', { env }));
    expect(path).toBe('AUTH');
  });

  it('a config that is not JSON: AUTH naming the file, not its content', async () => {
    const env = home('{"auths": {"r.example": {"auth": "c2VjcmV0LXBhc3M="}}');
    const [code, message] = await codeOf(findCredential('r.example', 'x', { env }));
    expect(code).toBe('AUTH');
    expect(message).toMatch(/config\.json is not valid JSON$/);
    expect(message).not.toContain('c2VjcmV0');
  });

  it('no config at all: no credential, no error', async () => {
    expect(await findCredential('r.example', 'x', { env: home(undefined) })).toBeUndefined();
  });
});
