import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CORPUS, EXAMPLE_DIGEST, REPO_ROOT, runCli } from '../helpers/cli.js';

/**
 * Real archives for the index tests, written by `custody archive` (in
 * process, the CLI's own code path) from the example OCI layout, the example
 * evidence files (examples/evidence/, written by scripts/make-examples.mjs)
 * and the corpus's `cosign save` layout. Nothing here writes an archive file
 * by hand.
 */
export const SHOP = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
export const LAYOUT = `oci:${join(REPO_ROOT, 'examples', 'layout')}:1.0`;
export const LAYOUT_DIGEST = 'sha256:337a21cc74ea6b7878b74446bf8b7c17c8fdb0beb97e761e95b2f1e0a4c48370';
export const SLSA = `oci:${join(CORPUS, 'cosign', 'slsa-verifier-oci-layout-v2.1.0')}`;
export const SLSA_DIGEST = 'sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122';
const EVIDENCE = join(REPO_ROOT, 'examples', 'evidence');

export type Step = 'layout' | 'shop' | 'shop-vex' | 'slsa';

/** Archive into `root` on `date`: the layout (signed, key given), the shop image from evidence files (with its OpenVEX statement), the corpus layout. */
export async function archiveDay(root: string, date: string, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    let args: string[];
    if (step === 'layout') args = ['archive', LAYOUT, '--key', join(REPO_ROOT, 'examples', 'cosign.pub')];
    else if (step === 'slsa') {
      // Its BuildKit provenance is valid with a recorded deviation; no trust material is given, so nothing fails.
      args = ['archive', SLSA];
    } else {
      const files = ['sbom.spdx.json', 'scan.trivy.json', 'provenance.intoto.json'].map((f) => join(EVIDENCE, f));
      if (step === 'shop-vex') files.push(join(EVIDENCE, 'vex.openvex.json'));
      args = ['archive', '--no-discover', SHOP, ...files.flatMap((f) => ['--evidence', f])];
    }
    const result = await runCli([...args, '--root', root, '--date', date, '--quiet']);
    expect(result.code, `custody ${args.join(' ')}: ${result.stderr}`).toBe(0);
  }
}

/** Facts read straight from the archive's manifests, to check the index's counts against. */
export function archiveCounts(root: string): { days: number; images: number; entries: number; documents: number } {
  let images = 0;
  let entries = 0;
  const documents = new Set<string>();
  const days = readdirSync(root).filter((n) => /^\d{4}-\d{2}-\d{2}$/.test(n));
  for (const date of days) {
    const day = JSON.parse(readFileSync(join(root, date, 'manifest.json'), 'utf8')) as { images: { path: string | null }[] };
    for (const image of day.images) {
      images++;
      if (!image.path) continue;
      const manifest = JSON.parse(readFileSync(join(root, date, image.path, 'manifest.json'), 'utf8')) as { evidence: { sha256: string }[] };
      entries += manifest.evidence.length;
      for (const e of manifest.evidence) documents.add(e.sha256);
    }
  }
  return { days: days.length, images, entries, documents: documents.size };
}

export async function indexJson(root: string, ...flags: string[]) {
  const result = await runCli(['index', root, '--json', ...flags]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as import('../../src/query/index.js').IndexReport;
}

export async function queryJson(root: string, ...args: string[]) {
  const result = await runCli(['query', ...args, '--root', root, '--format', 'json']);
  const answer = result.stdout ? (JSON.parse(result.stdout) as { rows: Record<string, unknown>[]; days: { count: number } }) : undefined;
  // The documented shape, rows as objects keyed by column (the cells they are made from are not written).
  if (answer) expect(Object.keys(answer)).toEqual(['query', 'root', 'since', 'until', 'days', 'columns', 'rows', 'index']);
  return { ...result, answer };
}
