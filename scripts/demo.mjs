#!/usr/bin/env node
// npm run demo: archive the bundled examples into artifacts/ and verify the
// day. No network: an OCI layout on disk (a two-platform image with SBOM
// referrers, a cosign signature tag and BuildKit attestations), then local
// evidence files for a second image with --no-discover.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const examples = join(root, 'examples', 'evidence');
const ref = readFileSync(join(examples, 'IMAGE'), 'utf8').trim();
const date = new Date().toISOString().slice(0, 10);

function run(args) {
  console.log(`$ custody ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`demo: custody ${args[0]} exited ${result.status}`);
    process.exit(result.status ?? 3);
  }
}

run(['discover', 'oci:examples/layout:1.0']);
run(['archive', 'oci:examples/layout:1.0', '--key', 'examples/cosign.pub', '--root', 'artifacts']);
run([
  'archive', '--no-discover', ref,
  '--evidence', 'examples/evidence/sbom.spdx.json',
  '--evidence', 'examples/evidence/sbom.cdx.json',
  '--evidence', 'examples/evidence/provenance.intoto.json',
  '--evidence', 'examples/evidence/scan.trivy.json',
  '--root', 'artifacts',
]);
run(['verify', join('artifacts', date)]);
