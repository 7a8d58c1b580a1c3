import { existsSync, watch } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/verify/verify.js';
import { walkTree } from '../../src/verify/tree.js';
import { fakeDigest, spawnCli, tempDir } from '../helpers/cli.js';

const DIGEST = fakeDigest('crash');
const REF = `registry.example/acme/crash@${DIGEST}`;
const IMAGE = join('2026-11-29', 'images', 'registry.example', 'acme', 'crash', `sha256-${DIGEST.slice(7)}`);
const FILES = 300;

async function makeEvidence(): Promise<string[]> {
  const dir = await tempDir('custody-crash-input-');
  const paths: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const path = join(dir, `scan-${i}.json`);
    await writeFile(path, JSON.stringify({ note: `evidence ${i}`, padding: 'x'.repeat(8000 + i) }));
    paths.push(path);
  }
  return paths;
}

function archiveArgs(root: string, files: string[]): string[] {
  return ['archive', '--no-discover', REF, ...files.flatMap((f) => ['--evidence', f]), '--root', root, '--date', '2026-11-29', '--json'];
}

async function countEvidence(root: string): Promise<number> {
  try {
    return (await readdir(join(root, IMAGE, 'evidence'))).length;
  } catch {
    return 0;
  }
}

async function listedEvidence(root: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(join(root, IMAGE, 'manifest.json'), 'utf8')) as { evidence: unknown[] }).evidence.length;
  } catch {
    return 0;
  }
}

type KillPoint = { name: string; ready: (root: string) => Promise<boolean> };

const KILL_POINTS: KillPoint[] = [
  { name: 'as soon as the journal exists', ready: async (root) => existsSync(join(root, '2026-11-29', '.custody-journal.json')) },
  { name: 'after a few evidence files', ready: async (root) => (await countEvidence(root)) >= 10 },
  { name: 'half-way through the evidence', ready: async (root) => (await countEvidence(root)) >= FILES },
  { name: 'right after the image manifest is replaced', ready: async (root) => (await listedEvidence(root)) > 50 },
];

/** Kill the moment the image manifest is renamed into place (fs.watch: no polling delay). */
async function killOnManifestRename(root: string, files: string[]): Promise<boolean> {
  const { child, done } = spawnCli(archiveArgs(root, files));
  let killed = false;
  const watcher = watch(join(root, IMAGE), (_event, name) => {
    if (name === 'manifest.json' && !killed) killed = child.kill('SIGKILL');
  });
  await done;
  watcher.close();
  return killed;
}

async function killWhen(root: string, files: string[], point: KillPoint): Promise<boolean> {
  if (point.name.includes('image manifest')) return killOnManifestRename(root, files);
  const { child, done } = spawnCli(archiveArgs(root, files));
  let killed = false;
  const deadline = Date.now() + 60_000;
  while (child.exitCode === null && Date.now() < deadline) {
    if (await point.ready(root)) {
      killed = child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await done;
  return killed;
}

describe('crash safety (SIGKILL during archive)', () => {
  it.each(KILL_POINTS)('killed $name: verify passes on what the manifests list, a rerun completes', async (point) => {
    const files = await makeEvidence();
    const root = await tempDir();
    // A first, complete run, so the killed run is adding to an existing archive.
    const first = await spawnCli(archiveArgs(root, files.slice(0, 50))).done;
    expect(first.code).toBe(0);

    const killed = await killWhen(root, files, point);
    const afterKill = await verifyArchive(root);
    if (point.name.includes('manifest')) expect(afterKill.warnings.join('\n')).toMatch(/interrupted|^$/);
    expect(afterKill.problems).toEqual([]);
    expect(afterKill.ok).toBe(true);
    expect(killed, `the run finished before the kill point "${point.name}"`).toBe(true);

    const rerun = await spawnCli(archiveArgs(root, files)).done;
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const final = await verifyArchive(root);
    expect(final).toMatchObject({ ok: true, problems: [], warnings: [] });
    const evidence = (await walkTree(join(root, IMAGE, 'evidence'))).filter((e) => e.type === 'file' && !e.path.endsWith('.sha256'));
    expect(evidence).toHaveLength(FILES);
  });

  it('a leftover temporary file is a warning, never listed, never a problem', async () => {
    const root = await tempDir();
    const files = (await makeEvidence()).slice(0, 3);
    expect((await spawnCli(archiveArgs(root, files)).done).code).toBe(0);
    await mkdir(join(root, IMAGE, 'evidence'), { recursive: true });
    await writeFile(join(root, IMAGE, 'evidence', '.custody-tmp-123-abc-x.json'), 'partial');
    const report = await verifyArchive(root);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([expect.stringContaining('temporary file left by an interrupted run')]);
  });
});
