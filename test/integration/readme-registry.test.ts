import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readmeExamples } from '../../scripts/lib/readme-examples.mjs';
import { renderRegistryExample } from '../../scripts/lib/registry-example.mjs';
import { REPO_ROOT } from '../helpers/cli.js';
import { describeWithRegistry } from './registry-harness.js';

describeWithRegistry('README registry example', () => {
  it('is what custody prints against a real registry now (node scripts/registry-demo.mjs)', async () => {
    const shown = readmeExamples(await readFile(join(REPO_ROOT, 'README.md'), 'utf8')).get('registry');
    expect(shown).toBe(await renderRegistryExample());
  }, 180_000);
});
