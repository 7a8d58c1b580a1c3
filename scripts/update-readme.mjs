#!/usr/bin/env node
// Regenerate the generated parts of README.md from the code (run after npm run build).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeTableMarkdown } from '../dist/src/cli/exit-code-table.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const path = join(root, 'README.md');
const text = readFileSync(path, 'utf8');
const updated = text.replace(
  /(<!-- exit-code-table:start -->\n)[\s\S]*?(<!-- exit-code-table:end -->)/,
  (_m, start, end) => `${start}${exitCodeTableMarkdown()}\n${end}`,
);
writeFileSync(path, updated);
console.log(updated === text ? 'README.md up to date' : 'README.md updated');
