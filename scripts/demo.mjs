#!/usr/bin/env node
// npm run demo: archive the bundled examples into artifacts/, verify the day
// and write its report (the steps are in scripts/lib/demo-steps.mjs). No network.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoSteps } from './lib/demo-steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const date = new Date().toISOString().slice(0, 10);

for (const args of demoSteps(join(root, 'examples'), date)) {
  console.log(`$ custody ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`demo: custody ${args[0]} exited ${result.status}`);
    process.exit(result.status ?? 3);
  }
}
console.log(`demo: the day's report is ${join(root, 'reports', `${date}.html`)} (open it in a browser; it needs no network)`);
