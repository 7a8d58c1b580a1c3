import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Metadata, MetadataKind, Signature } from '@tufjs/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, runCli, tempDir } from '../helpers/cli.js';

/**
 * `custody fetch-trusted-root` against a TUF repository test double served on
 * 127.0.0.1: metadata made and signed here (one ed25519 key for every role),
 * the target a real trusted root from the corpus. The public-good repository
 * cannot be reached from this machine.
 */

const TRUSTED_ROOT = join(CORPUS, 'sigstore-bundles', 'trust', 'trusted_root.public-good.json');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function signedMetadata(kind: MetadataKind, signed: Record<string, unknown>, keyID: string, key: ReturnType<typeof generateKeyPairSync>['privateKey']): string {
  const metadata = Metadata.fromJSON(kind as MetadataKind.Root, { signed, signatures: [] } as never);
  metadata.sign((data: Buffer) => new Signature({ keyID, sig: sign(null, data, key).toString('hex') }));
  return JSON.stringify(metadata.toJSON());
}

describe('custody fetch-trusted-root (TUF repository test double on 127.0.0.1)', () => {
  let server: http.Server;
  let mirror: string;
  let tufRoot: string;
  let target: Buffer;
  const files = new Map<string, Buffer>();

  beforeAll(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    const keyID = sha256(raw);
    const expires = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const common = { spec_version: '1.0.31', version: 1, expires };
    const roles = Object.fromEntries(['root', 'targets', 'snapshot', 'timestamp'].map((r) => [r, { keyids: [keyID], threshold: 1 }]));
    const root = signedMetadata(
      MetadataKind.Root,
      { _type: 'root', ...common, keys: { [keyID]: { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw } } }, roles, consistent_snapshot: false },
      keyID,
      privateKey,
    );
    target = await readFile(TRUSTED_ROOT);
    const targets = signedMetadata(
      MetadataKind.Targets,
      { _type: 'targets', ...common, targets: { 'trusted_root.json': { length: target.length, hashes: { sha256: sha256(target) } } } },
      keyID,
      privateKey,
    );
    const snapshot = signedMetadata(MetadataKind.Snapshot, { _type: 'snapshot', ...common, meta: { 'targets.json': { version: 1 } } }, keyID, privateKey);
    const timestamp = signedMetadata(MetadataKind.Timestamp, { _type: 'timestamp', ...common, meta: { 'snapshot.json': { version: 1 } } }, keyID, privateKey);
    files.set('/timestamp.json', Buffer.from(timestamp));
    files.set('/snapshot.json', Buffer.from(snapshot));
    files.set('/targets.json', Buffer.from(targets));
    files.set('/targets/trusted_root.json', target);
    tufRoot = join(await tempDir(), 'root.json');
    await (await import('node:fs/promises')).writeFile(tufRoot, root);
    server = http.createServer((req, res) => {
      const body = files.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(body ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches the trusted root through TUF into a file that --trusted-root accepts', async () => {
    const out = join(await tempDir(), 'trusted_root.json');
    const result = await runCli(['fetch-trusted-root', '--out', out, '--mirror', mirror, '--tuf-root', tufRoot, '--cache', await tempDir()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const fetched = JSON.parse(await readFile(out, 'utf8'));
    expect(fetched.mediaType).toBe(JSON.parse(target.toString('utf8')).mediaType);
    expect(fetched.tlogs.length).toBeGreaterThan(0);
    // The file is trust material custody loads: a conformance bundle verifies with it.
    const conformance = join(CORPUS, 'sigstore-bundles', 'conformance');
    const verify = await runCli([
      'verify-evidence',
      join(conformance, 'happy-path-v0.3', 'bundle.sigstore.json'),
      '--artifact',
      join(conformance, 'a.txt'),
      '--trusted-root',
      out,
      '--certificate-identity',
      'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
    ]);
    expect(verify.code).toBe(0);
  });

  it('refuses a target whose bytes do not match the signed targets metadata (exit 1), writing nothing', async () => {
    files.set('/targets/trusted_root.json', Buffer.concat([target, Buffer.from(' ')]));
    try {
      const out = join(await tempDir(), 'trusted_root.json');
      const result = await runCli(['fetch-trusted-root', '--out', out, '--mirror', mirror, '--tuf-root', tufRoot, '--cache', await tempDir()]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^custody: cannot fetch the trusted root through TUF/);
      await expect(readFile(out)).rejects.toThrow();
    } finally {
      files.set('/targets/trusted_root.json', target);
    }
  });

  it('a repository that cannot be reached is an operational failure (exit 3)', async () => {
    const out = join(await tempDir(), 'trusted_root.json');
    const result = await runCli([
      'fetch-trusted-root',
      '--out',
      out,
      '--mirror',
      'http://127.0.0.1:9',
      '--tuf-root',
      tufRoot,
      '--cache',
      await tempDir(),
      '--timeout',
      '2',
    ]);
    expect(result.code).toBe(3);
  });
});
