import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { examplesUnavailable, readmeExamples, readmeFiles, renderExamples } from '../../scripts/lib/readme-examples.mjs';
import { REPO_ROOT } from '../helpers/cli.js';

/** Every example output in README.md is what custody prints now (node scripts/update-readme.mjs writes them). */

const unavailable = examplesUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`README examples cannot be checked: ${unavailable}; with CI=true they must not be skipped`);
const readme = () => readFile(join(REPO_ROOT, 'README.md'), 'utf8');

describe('README example outputs', () => {
  it('every <!-- file:PATH --> listing is that file', async () => {
    const files = readmeFiles(await readme());
    expect([...files.keys()]).toContain('docs/gate-policy.example.yaml');
    for (const [path, text] of files) expect(text, path).toBe(await readFile(join(REPO_ROOT, path), 'utf8'));
  });

  it.skipIf(unavailable !== undefined)(
    `are produced again, identical (scripts/lib/readme-examples.mjs)${unavailable ? ` [skipped: ${unavailable}]` : ''}`,
    async () => {
      const shown = readmeExamples(await readme());
      const rendered = renderExamples();
      // The registry example is checked with a real registry (test/integration/readme-registry.test.ts).
      expect([...shown.keys()].filter((name) => name !== 'registry').sort()).toEqual([...rendered.keys()].sort());
      for (const [name, text] of rendered) expect(shown.get(name), `README block ${name}`).toBe(text);
    },
    180_000,
  );
});
