#!/usr/bin/env node
// The index benchmark's baseline (scripts/bench/index.mjs): what answering a
// question without an index costs. Reads and JSON.parses every day
// manifest, every image manifest and every SBOM of an archive root, and
// counts the SBOM packages named ARGV[3] (so that the parsing cannot be
// skipped). Usage: node json-scan.mjs ROOT NAME
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [root, wanted = 'log4j-core'] = process.argv.slice(2);
let manifests = 0;
let sboms = 0;
let hits = 0;
let bytes = 0;
/** Read and count the bytes of a JSON file, then parse it. */
const parseFile = (path) => {
  const text = readFileSync(path, 'utf8');
  bytes += text.length;
  return JSON.parse(text);
};
for (const date of readdirSync(root)
  .filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n))
  .sort()) {
  const day = parseFile(join(root, date, 'manifest.json'));
  manifests++;
  for (const image of day.images) {
    if (!image.path) continue;
    const folder = join(root, date, image.path);
    const manifest = parseFile(join(folder, 'manifest.json'));
    manifests++;
    for (const entry of manifest.evidence) {
      if (entry.kind !== 'sbom') continue;
      const sbom = parseFile(join(folder, entry.path));
      sboms++;
      for (const p of sbom.packages ?? sbom.components ?? []) if (p.name === wanted) hits++;
    }
  }
}
console.log(JSON.stringify({ manifests, sboms, hits, bytes }));
