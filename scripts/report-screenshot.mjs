#!/usr/bin/env node
// docs/report-demo.png: the report of the demo archive (the demo's steps,
// scripts/lib/demo-steps.mjs, run in a fresh folder), as Debian's chromium
// draws it headless at 1280×2000, with the network unreachable. Run after
// npm run build: node scripts/report-screenshot.mjs [OUT.png]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadPage } from './lib/chromium.mjs';
import { demoSteps } from './lib/demo-steps.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'src', 'cli', 'main.js');
const out = process.argv[2] ?? join(repo, 'docs', 'report-demo.png');
const work = realpathSync(mkdtempSync(join(tmpdir(), 'custody-screenshot-')));
try {
  cpSync(join(repo, 'examples'), join(work, 'examples'), { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  for (const args of demoSteps(join(work, 'examples'), date)) {
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`custody ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  const page = await loadPage(pathToFileURL(join(work, 'reports', `${date}.html`)).href, { width: 1280, height: 2000 });
  try {
    if (page.requests.length !== 1 || page.log.some((l) => l.level === 'error'))
      throw new Error(`the report requested ${page.requests.join(', ')} or logged errors: ${JSON.stringify(page.log)}`);
    writeFileSync(out, await page.screenshot());
  } finally {
    await page.browser.close();
  }
  console.log(`wrote ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
