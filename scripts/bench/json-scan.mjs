#!/usr/bin/env node
// The report benchmark's baseline: read and JSON.parse every day manifest,
// every image manifest and every SBOM of an archive root, and nothing else
// (no hashing, no checks, no output but a count). What any tool answering a
// question over the whole archive must at least do when it reads the JSON.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error('usage: json-scan.mjs ROOT');
  process.exit(2);
}
let manifests = 0;
let sboms = 0;
let bytes = 0;
const parse = (path) => {
  const text = readFileSync(path, 'utf8');
  bytes += text.length;
  return JSON.parse(text);
};
for (const date of readdirSync(root).filter((name) => /^\d{4}-\d\d-\d\d$/.test(name)).sort()) {
  const day = parse(join(root, date, 'manifest.json'));
  manifests++;
  for (const image of day.images) {
    if (!image.path) continue;
    const folder = join(root, date, image.path);
    const manifest = parse(join(folder, 'manifest.json'));
    manifests++;
    for (const entry of manifest.evidence) {
      if (entry.kind !== 'sbom') continue;
      parse(join(folder, entry.path));
      sboms++;
    }
  }
}
console.log(JSON.stringify({ manifests, sboms, bytes }));
