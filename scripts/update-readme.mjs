#!/usr/bin/env node
// Regenerate the generated parts of README.md from the code (run after npm run build):
// the exit-code table, every `<!-- example:NAME -->` output (scripts/lib/readme-examples.mjs;
// the registry example needs docker-registry and skopeo, or pass --no-registry to keep it)
// and every `<!-- file:PATH -->` listing. test/cli/readme*.test.ts check the same.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeTableMarkdown } from '../dist/src/cli/exit-code-table.js';
import { REPO, renderExamples, withExamples, withFiles } from './lib/readme-examples.mjs';

const path = join(REPO, 'README.md');
const text = readFileSync(path, 'utf8');
const blocks = renderExamples();
if (!process.argv.includes('--no-registry')) {
  const { renderRegistryExample } = await import('./lib/registry-example.mjs');
  blocks.set('registry', await renderRegistryExample());
}
const withTable = text.replace(
  /(<!-- exit-code-table:start -->\n)[\s\S]*?(<!-- exit-code-table:end -->)/,
  (_m, start, end) => `${start}${exitCodeTableMarkdown()}\n${end}`,
);
const updated = withFiles(withExamples(withTable, blocks));
writeFileSync(path, updated);
console.log(updated === text ? 'README.md up to date' : 'README.md updated');
