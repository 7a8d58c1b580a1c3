import type { ToolInfo } from './types.js';
// Not `import … from 'node:fs'`: an ES import of node:fs builds its facade, whose getters load the fs streams (about 3 ms of a short run's start).
const { readFileSync } = process.getBuiltinModule('node:fs');

function readVersion(): string {
  const candidates = ['../package.json', '../../package.json'];
  for (const candidate of candidates) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'custody' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location (src/ when run from source, dist/src/ when built)
    }
  }
  return '0.0.0-unknown';
}

export const TOOL: ToolInfo = { name: 'custody', version: readVersion() };
