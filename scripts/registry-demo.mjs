#!/usr/bin/env node
// Shows discover and archive against a real registry: starts the CNCF
// Distribution registry (Debian docker-registry) on 127.0.0.1, pushes a
// two-platform image with skopeo and its attachments over HTTP the way
// oras/cosign do on a registry without the referrers API (referrers tag
// schema, cosign tags, BuildKit attestations), then runs custody against it.
// Needs `npm run build`, docker-registry and skopeo. Writes into a temp dir.
import { generateKeyPairSync, sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from './bench/common.mjs';
import { writeEvidenceImage } from './lib/evidence-image.mjs';
import { startRegistryProcess } from './lib/registry-process.mjs';
import { RegistryPusher } from './lib/registry-push.mjs';

const work = mkdtempSync(join(tmpdir(), 'custody-registry-demo-'));
const registry = await startRegistryProcess({ dir: join(work, 'registry') });
try {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = join(work, 'release.pub');
  writeFileSync(key, publicKey.export({ type: 'spki', format: 'pem' }));
  const layout = join(work, 'layout');
  writeEvidenceImage(layout, {
    name: 'shop',
    repository: `${registry.host}/acme/shop`,
    tag: '1.0',
    platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }],
    index: true,
    sign: (payload) => sign('sha256', payload, privateKey).toString('base64'),
    referrersTags: true,
    nested: true,
  });
  const copy = spawnSync('skopeo', ['copy', '--quiet', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${layout}:1.0`, `docker://${registry.host}/acme/shop:1.0`], { stdio: 'inherit' });
  if (copy.status !== 0) throw new Error('skopeo copy failed');
  const pusher = new RegistryPusher(registry.url, {});
  await pusher.pushLayout(layout, 'acme/shop', { skip: ['1.0'] });
  pusher.close();
  const root = join(work, 'artifacts');
  for (const args of [
    ['discover', `${registry.host}/acme/shop:1.0`],
    ['archive', `${registry.host}/acme/shop:1.0`, '--key', key, '--root', root],
    ['verify', root],
  ]) {
    console.log(`$ custody ${args.join(' ')}`);
    const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
    process.stdout.write(run.stdout + run.stderr);
  }
} finally {
  await registry.stop();
}
