import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, discover, openSource, type SourceOptions } from '../../src/collect/index.js';
import { CustodyError } from '../../src/errors.js';
import { parseReference } from '../../src/oci/reference.js';
import { describeWithRegistry, pushEvidenceLayout, startRegistry, type RunningRegistry } from './registry-harness.js';
import { attachmentLines, expectedAttachments, writeScenario, type Scenario } from './scenarios.js';
import { rejection } from '../helpers/errors.js';

const PASSWORD = 'wonderland-Pa55';
const FAST = { retries: 1, retryBaseDelayMs: 10, retryMaxDelayMs: 20 } satisfies SourceOptions;

/** An environment with only a docker config folder (and PATH for helpers): nothing leaks in from the machine. */
function makeEnv(work: string, name: string, config: object, helpers: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = join(work, name);
  const dockerDir = join(home, '.docker');
  const bin = join(home, 'bin');
  mkdirSync(dockerDir, { recursive: true });
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(dockerDir, 'config.json'), JSON.stringify(config));
  for (const [helper, script] of Object.entries(helpers)) {
    const file = join(bin, `docker-credential-${helper}`);
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }
  return { HOME: home, PATH: `${bin}:/usr/bin:/bin` };
}

/** A docker-credential-helpers program that knows one server. */
function helperScript(server: string, username: string, secret: string): string {
  return `#!/bin/sh
[ "$1" = get ] || exit 2
read -r server
if [ "$server" = "${server}" ]; then
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$server" '${username}' '${secret}'
  exit 0
fi
echo "credentials not found in native keychain"
exit 1
`;
}

function leaked(err: unknown, secrets: string[]): string[] {
  const e = err as CustodyError;
  const text = `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e.details ?? {})}\n${String((e.cause as Error | undefined)?.message ?? '')}`;
  return secrets.filter((s) => text.includes(s));
}

describeWithRegistry('registry authentication and TLS (real registry)', () => {
  let work: string;
  let scenario: Scenario;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'custody-auth-'));
    scenario = writeScenario(work, 'secured', 'single');
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('Basic auth (htpasswd, bcrypt)', () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startRegistry({ auth: 'htpasswd' });
      await pushEvidenceLayout(scenario.dir, scenario.tag, registry, scenario.repository);
    });
    afterAll(async () => registry?.stop());
    const ref = () => parseReference(`${registry.host}/${scenario.repository}:1.0`);

    it('with `auths` (base64 user:password) in DOCKER_CONFIG/config.json', async () => {
      const dockerConfig = join(work, 'dc-basic');
      mkdirSync(dockerConfig, { recursive: true });
      writeFileSync(
        join(dockerConfig, 'config.json'),
        JSON.stringify({ auths: { [`http://${registry.host}/v2/`]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } } }),
      );
      const source = openSource(ref(), { env: { DOCKER_CONFIG: dockerConfig, PATH: '/usr/bin:/bin' } });
      try {
        const result = await discover(source, ref());
        expect(attachmentLines(result.nodes)).toEqual(expectedAttachments(scenario, 'referrers-tag'));
      } finally {
        await source.close();
      }
    });

    it('with a credential helper (docker-credential-test on PATH) named in credHelpers, and with credsStore', async () => {
      for (const key of ['credHelpers', 'credsStore'] as const) {
        const config = key === 'credHelpers' ? { credHelpers: { [registry.host]: 'test' } } : { credsStore: 'test' };
        const env = makeEnv(work, `helper-${key}`, config, { test: helperScript(registry.host, 'alice', PASSWORD) });
        const source = openSource(ref(), { env });
        try {
          const c = await collect(source, ref());
          expect(c.evidence.length).toBe(5);
        } finally {
          await source.close();
        }
      }
    });

    it('REGISTRY_AUTH_FILE with a repository-scoped key wins over the docker config', async () => {
      const authFile = join(work, 'auth.json');
      writeFileSync(
        authFile,
        JSON.stringify({
          auths: {
            [`${registry.host}/custody`]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') },
            [registry.host]: { auth: Buffer.from('alice:wrong').toString('base64') },
          },
        }),
      );
      const env = makeEnv(work, 'authfile', { auths: { [registry.host]: { auth: Buffer.from('alice:also-wrong').toString('base64') } } });
      const source = openSource(ref(), { env: { ...env, REGISTRY_AUTH_FILE: authFile } });
      try {
        expect((await discover(source, ref())).nodes.length).toBeGreaterThan(0);
      } finally {
        await source.close();
      }
    });

    it('no credentials: AUTH, saying none were found', async () => {
      const env = makeEnv(work, 'none', {});
      const err = await rejection(discover(openSource(ref(), { env, ...FAST }), ref()));
      expect(err.code).toBe('AUTH');
      expect(err.message).toMatch(/requires authentication and no credentials were found/);
    });

    it('a wrong password: AUTH, and neither the password nor its base64 appears in the error', async () => {
      const secret = 'not-the-Pa55word';
      const env = makeEnv(work, 'wrong', { auths: { [registry.host]: { username: 'alice', password: secret } } });
      const err = await rejection(discover(openSource(ref(), { env, ...FAST }), ref()));
      expect(err.code).toBe('AUTH');
      expect(err.message).toMatch(/rejected the credentials/);
      expect(leaked(err, [secret, Buffer.from(`alice:${secret}`).toString('base64')])).toEqual([]);
    });
  });

  describe('Bearer tokens (registry `auth: token` trusting a test token server)', () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startRegistry({ auth: 'token', identityTokens: { 'refresh-me-0123': 'alice' } });
      await pushEvidenceLayout(scenario.dir, scenario.tag, registry, scenario.repository);
    });
    afterAll(async () => registry?.stop());
    const ref = () => parseReference(`${registry.host}/${scenario.repository}:1.0`);

    it('asks for repository:<name>:pull once and reuses the token for the whole collection', async () => {
      const before = registry.tokenServer!.requests.length;
      const env = makeEnv(work, 'token-basic', { auths: { [registry.host]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } } });
      const source = openSource(ref(), { env });
      try {
        const c = await collect(source, ref());
        expect(c.evidence.length).toBe(5);
      } finally {
        await source.close();
      }
      const mine = registry.tokenServer!.requests.slice(before);
      expect(mine).toEqual([{ method: 'GET', user: 'alice', scopes: [`repository:${scenario.repository}:pull`] }]);
    });

    it('an identity token from a credential helper (Username "<token>") is exchanged with the OAuth2 refresh grant', async () => {
      const before = registry.tokenServer!.requests.length;
      const env = makeEnv(
        work,
        'token-identity',
        { credHelpers: { [registry.host]: 'test' } },
        { test: helperScript(registry.host, '<token>', 'refresh-me-0123') },
      );
      const source = openSource(ref(), { env });
      try {
        expect(attachmentLines((await discover(source, ref())).nodes)).toEqual(expectedAttachments(scenario, 'referrers-tag'));
      } finally {
        await source.close();
      }
      expect(registry.tokenServer!.requests.slice(before)).toEqual([{ method: 'POST', user: 'alice', scopes: [`repository:${scenario.repository}:pull`] }]);
    });

    it('anonymous: the token carries no access and the registry refuses: AUTH', async () => {
      const env = makeEnv(work, 'token-anon', {});
      const err = await rejection(discover(openSource(ref(), { env, ...FAST }), ref()));
      expect(err.code).toBe('AUTH');
    });

    it('a wrong password at the token server: AUTH, the secret not in the message', async () => {
      const env = makeEnv(work, 'token-wrong', { auths: { [registry.host]: { username: 'alice', password: 'sekret-wrong' } } });
      const err = await rejection(discover(openSource(ref(), { env, ...FAST }), ref()));
      expect(err.code).toBe('AUTH');
      expect(err.message).toMatch(/rejected/);
      expect(leaked(err, ['sekret-wrong'])).toEqual([]);
    });
  });

  describe('TLS with a self-signed CA', () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startRegistry({ tls: true });
      await pushEvidenceLayout(scenario.dir, scenario.tag, registry, scenario.repository);
    });
    afterAll(async () => registry?.stop());
    const ref = () => parseReference(`${registry.host}/${scenario.repository}:1.0`);

    it('trusted through the CA file option', async () => {
      const source = openSource(ref(), { caFile: registry.caFile! });
      try {
        expect(attachmentLines((await discover(source, ref())).nodes)).toEqual(expectedAttachments(scenario, 'referrers-tag'));
      } finally {
        await source.close();
      }
    });

    it('without the CA: NETWORK naming the untrusted certificate, no retries, no fallback to plain HTTP', async () => {
      const err = await rejection(discover(openSource(ref(), FAST), ref()));
      expect(err.code).toBe('NETWORK');
      expect(err.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
    });

    it('with insecure: certificate not verified', async () => {
      const source = openSource(ref(), { insecure: true });
      try {
        expect(attachmentLines((await discover(source, ref())).nodes)).toEqual(expectedAttachments(scenario, 'referrers-tag'));
      } finally {
        await source.close();
      }
    });
  });
});
