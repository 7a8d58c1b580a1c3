import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/verify/verify.js';
import { D2, LAYOUT_REF, demoRoot, imagePathOf, sha256 } from '../report/fixture.js';

/**
 * verify checks a signature archived day after day once (same bytes, same
 * trust material, same target): the shortcut must never let a changed file
 * ride on another day's verdict.
 */
let root: string;
let signature: string;

beforeAll(async () => {
  root = await demoRoot();
  const folder = await imagePathOf(join(root, D2), LAYOUT_REF);
  signature = join(D2, folder, 'evidence', 'signature-cosign-simplesigning-4ff1dc03bce7.json');
}, 60_000);

describe('verify with a signature repeated on two days', () => {
  it('counts both checks and passes', async () => {
    const report = await verifyArchive(root, { chain: true });
    expect(report.problems).toEqual([]);
    expect(report.signatures).toBe(2);
  });

  it('re-checks a copy whose bytes changed (its checksum file made to agree), and fails it', async () => {
    const file = join(root, signature);
    const original = await readFile(file, 'utf8');
    const forged = original.replace('cosign container image signature', 'cosign container image signature ');
    await writeFile(file, forged);
    await writeFile(`${file}.sha256`, `${sha256(forged)}  ${signature.split('/').pop()}\n`);
    try {
      const report = await verifyArchive(root, { chain: true });
      expect(
        report.problems
          .filter((p) => p.path === signature)
          .map((p) => p.code)
          .sort(),
      ).toEqual(['altered', 'signature-failed']);
    } finally {
      await writeFile(file, original);
      await writeFile(`${file}.sha256`, `${sha256(original)}  ${signature.split('/').pop()}\n`);
    }
  });
});
