// The README's registry example: starts the CNCF Distribution registry
// (Debian docker-registry) on 127.0.0.1, pushes a two-platform image with
// skopeo and its attachments over HTTP the way oras/cosign do on a registry
// without the referrers API (referrers tag schema, cosign tags, BuildKit
// attestations), then runs custody discover, archive and verify against it.
// Deterministic: the image names 127.0.0.1:5000 whatever port the registry
// got (the output shows the port as 5000 too), and it is signed with a
// seeded Ed25519 key, whose signatures do not vary.
import { sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeEvidenceImage } from './evidence-image.mjs';
import { seededEd25519 } from './example-keys.mjs';
import { CLI, REPO } from './readme-examples.mjs';
import { startRegistryProcess } from './registry-process.mjs';
import { RegistryPusher } from './registry-push.mjs';
import { commandLines, normalise, runMerged, transcript } from './transcript.mjs';

/** Returns the text of the README's `registry` block. */
export async function renderRegistryExample() {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'custody-registry-demo-')));
  const registry = await startRegistryProcess({ dir: join(work, 'registry') });
  try {
    const { privateKey, publicKey } = seededEd25519('custody README registry example key; not a secret');
    const key = join(work, 'release.pub');
    writeFileSync(key, publicKey.export({ type: 'spki', format: 'pem' }));
    const layout = join(work, 'layout');
    writeEvidenceImage(layout, {
      name: 'shop',
      repository: '127.0.0.1:5000/acme/shop',
      tag: '1.0',
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ],
      index: true,
      sign: (payload) => sign(null, payload, privateKey).toString('base64'),
      referrersTags: true,
      nested: true,
    });
    const copy = spawnSync(
      'skopeo',
      ['copy', '--quiet', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${layout}:1.0`, `docker://${registry.host}/acme/shop:1.0`],
      { encoding: 'utf8' },
    );
    if (copy.status !== 0) throw new Error(`skopeo copy failed: ${copy.stderr}`);
    const pusher = new RegistryPusher(registry.url, {});
    await pusher.pushLayout(layout, 'acme/shop', { skip: ['1.0'] });
    pusher.close();
    const root = join(work, 'artifacts');
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, LANG: 'C.UTF-8', TZ: 'UTC' };
    let text = '';
    for (const args of [
      ['discover', `${registry.host}/acme/shop:1.0`],
      ['archive', `${registry.host}/acme/shop:1.0`, '--key', key, '--root', root, '--date', '2026-11-29'],
      ['verify', root],
    ]) {
      const result = runMerged(process.execPath, [CLI, ...args], { cwd: REPO, env, scratch: work });
      if (result.status !== 0) throw new Error(`README example "registry": custody ${args.join(' ')} exited ${result.status}:\n${result.output}`);
      text += transcript(
        commandLines(
          'custody',
          args.map((a) => normalise(a, { workDir: work })),
        ),
        result,
      );
    }
    return normalise(text, { workDir: work });
  } finally {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
