import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVIATION_CODES, FORMAT_PROBLEM_CODES, NORMALIZE_PROBLEM_CODES, VERIFY_PROBLEM_CODES } from '../src/problem-codes.js';
import { REPO_ROOT } from './helpers/cli.js';

// The code lists are what the compiler checks every problem against; the documentation must name the same codes.
describe('problem codes (src/problem-codes.ts) and their documentation', () => {
  it("the README's verify table lists exactly the verify codes", async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### `custody verify'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| code | what |')));
    const documented = [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(0);
    expect([...documented].sort()).toEqual([...VERIFY_PROBLEM_CODES].sort());
  });

  it('docs/formats.md names every format, normalize and deviation code', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs', 'formats.md'), 'utf8');
    for (const code of [...FORMAT_PROBLEM_CODES, ...NORMALIZE_PROBLEM_CODES, ...DEVIATION_CODES]) expect(doc, code).toContain(`\`${code}\``);
  });
});
