#!/usr/bin/env node
// Writes examples/layout/: an OCI image layout of a two-platform image with
// an SPDX 2.3 referrer (subject: the index), a CycloneDX 1.5 referrer
// (subject: the linux/amd64 manifest), a cosign signature under
// sha256-<hex>.sig and BuildKit attestation manifests (SLSA provenance) in
// the index; and examples/cosign.pub, the key the signature verifies with.
//
// Deterministic: the signing key is derived from a fixed seed (a throwaway
// key, public by construction: never use it for anything real), and since an
// ECDSA signature is randomised, an existing signature that still verifies
// for the same payload is kept. Running the script twice changes nothing.
import { sign, verify } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEvidenceImage } from './lib/evidence-image.mjs';
import { seededP256 } from './lib/example-keys.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const examples = join(here, '..', 'examples');
const layout = join(examples, 'layout');

/** Signatures already in the layout, by payload, so a rerun keeps them. */
function previousSignatures() {
  const found = new Map();
  const blobs = join(layout, 'blobs', 'sha256');
  if (!existsSync(join(layout, 'index.json'))) return found;
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  for (const entry of index.manifests ?? []) {
    if (!/\.sig$/.test(entry.annotations?.['org.opencontainers.image.ref.name'] ?? '')) continue;
    const manifest = JSON.parse(readFileSync(join(blobs, entry.digest.slice(7)), 'utf8'));
    for (const layer of manifest.layers ?? []) {
      const signature = layer.annotations?.['dev.cosignproject.cosign/signature'];
      if (signature) found.set(readFileSync(join(blobs, layer.digest.slice(7))).toString('base64'), signature);
    }
  }
  return found;
}

const key = seededP256('custody example signing key; not a secret');
const previous = previousSignatures();
const signPayload = (payload) => {
  const kept = previous.get(payload.toString('base64'));
  if (kept && verify('sha256', payload, key.publicKey, Buffer.from(kept, 'base64'))) return kept;
  return sign('sha256', payload, key.privateKey).toString('base64');
};

rmSync(layout, { recursive: true, force: true });
const written = writeEvidenceImage(layout, {
  name: 'example',
  repository: 'example.com/custody/example',
  tag: '1.0',
  platforms: [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ],
  sign: signPayload,
});
writeFileSync(join(examples, 'cosign.pub'), key.publicKey.export({ type: 'spki', format: 'pem' }));
console.log(
  `examples/layout: image ${written.root.digest} (tag 1.0), ${written.referrers.length} referrers, ${written.tagged.length} cosign signature, ${written.attestations.length} BuildKit attestations`,
);
