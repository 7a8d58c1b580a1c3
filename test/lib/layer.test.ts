import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

describe('src/lib is the ground layer', () => {
  it('imports only node:, packages, itself, src/errors.ts and src/types.ts', async () => {
    const dir = join(REPO_ROOT, 'src', 'lib');
    const files = (await readdir(dir)).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = await readFile(join(dir, file), 'utf8');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
      for (const specifier of specifiers) {
        const allowed =
          specifier.startsWith('node:') ||
          !specifier.startsWith('.') ||
          specifier.startsWith('./') ||
          specifier === '../errors.js' ||
          specifier === '../types.js';
        expect(allowed, `src/lib/${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});
