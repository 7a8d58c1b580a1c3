import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/normalize.js';
import { tempDir } from '../helpers/cli.js';
import { toolAvailable } from '../helpers/tools.js';

/**
 * SPDX tag-value made at test time by a real producer, Debian's `reuse`
 * (`reuse spdx`, the REUSE tool's bill of materials of a source tree). The
 * reuse of Debian 12 writes SPDX 2.1, a version custody has no rules for:
 * recorded, knowingly, as the README's "known formats in unknown versions"
 * says: an SPDX document, invalid, one unsupported-version problem at the
 * version, never unknown and never silently accepted.
 */
const available = toolAvailable('reuse');
let document: Buffer;

beforeAll(async () => {
  if (!available) return;
  const dir = await tempDir('custody-reuse-');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(join(dir, 'a.py'), '# SPDX-FileCopyrightText: 2026 Example\n# SPDX-License-Identifier: MIT\nprint(1)\n');
  writeFileSync(join(dir, 'b.js'), '// SPDX-FileCopyrightText: 2026 Example\n// SPDX-License-Identifier: Apache-2.0\nconsole.log(1)\n');
  document = execFileSync('reuse', ['spdx'], { cwd: dir, timeout: 120_000 });
}, 180_000);

describe.skipIf(!available)('SPDX tag-value from Debian reuse (`reuse spdx`, run here)', () => {
  it('is the tag-value the tool writes: SPDX 2.1 with its two files and their licences', () => {
    const text = document.toString('utf8');
    expect(text).toMatch(/^SPDXVersion: SPDX-2\.1$/m);
    expect(text).toMatch(/^Creator: Tool: reuse-/m);
    expect(text.match(/^FileName: /gm)).toHaveLength(2);
  });

  it('is recognised as SPDX tag-value and judged: invalid, with one unsupported-version problem naming 2.1', () => {
    const result = normalize({ bytes: document });
    expect(result.kind).toBe('sbom');
    expect(result.format).toBe('spdx');
    expect(result.formatVersion).toBe('2.1');
    expect(result.valid).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'unsupported-version' });
    expect(result.problems[0]!.message).toMatch(/SPDX-2\.1/);
  });
});
