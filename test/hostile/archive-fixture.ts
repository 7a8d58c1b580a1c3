import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { archive } from '../../src/archive/archive.js';
import { EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

/** A real archive of the bundled example (two evidence files) to attack. */
export const DATE = '2026-11-29';
export const REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
export const IMAGE = `images/registry.example/acme/shop/sha256-${EXAMPLE_DIGEST.slice(7)}`;
export const EVIDENCE = ['sbom.spdx.json', 'scan.trivy.json'].map((f) => join(REPO_ROOT, 'examples', 'evidence', f));

export interface Fixture {
  root: string;
  day: string;
  image: string;
  /** An evidence file of the image, relative to the image folder. */
  evidence: string;
}

export async function archivedExample(date = DATE, root?: string): Promise<Fixture> {
  root ??= await tempDir('custody-hostile-');
  const report = await archive({ refs: [REF], evidenceFiles: EVIDENCE, root, date });
  const day = join(root, date);
  return { root, day, image: join(day, IMAGE), evidence: report.images[0]!.evidence.find((e) => e.format === 'spdx')!.path };
}

export const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Rewrite a file and the `.sha256` beside it, as an attacker with write access would. */
export async function rewriteWithChecksum(path: string, bytes: string | Buffer): Promise<string> {
  await writeFile(path, bytes);
  const sha = sha256(bytes);
  await writeFile(`${path}.sha256`, `${sha}  ${basename(path)}\n`);
  return sha;
}

export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function verifyJson(args: string[]) {
  const result = await runCli(['verify', ...args, '--json']);
  let report: { ok: boolean; problems: { code: string; path: string; message: string }[]; warnings: string[] } | undefined;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    report = undefined;
  }
  return { ...result, report };
}

/** A P-256 key pair in PEM files, for sealing a day. */
export async function sealKey(): Promise<{ key: string; pub: string }> {
  const dir = await tempDir('custody-hostile-key-');
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = join(dir, 'seal.pem');
  const pub = join(dir, 'seal.pub');
  await writeFile(key, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  await writeFile(pub, pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return { key, pub };
}
