import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeDigest, tempDir } from '../helpers/cli.js';
import { LayoutBuilder } from '../helpers/layout-builder.js';
import { DATE, GOOD, REF, makeArchive, mkfifo, oneErrorLine, runBounded } from './support.js';

/**
 * Attack rows: a FIFO, a folder, a device or a link to a FIFO where a command
 * expects a file. Each runs the built CLI in a child with a kill timer: it
 * must answer (never wait on a FIFO, never read a device forever) with one
 * line naming the path and what it is.
 */
interface Fixture {
  dir: string;
  fifo: string;
  linkToFifo: string;
  folder: string;
  root: string;
  day: string;
  image: string;
  layouts: Record<'blobFifo' | 'blobFolder' | 'indexFifo' | 'markerFifo', { dir: string; blob?: string }>;
  policyWithFifoKey: string;
  policy: string;
  digest: string;
}

let f: Fixture;

/** A layout with one tagged image and an SBOM referrer; `spoil` replaces one of its files. */
async function layout(parent: string, name: string, spoil: (dir: string) => Promise<string | undefined>): Promise<{ dir: string; blob?: string }> {
  const dir = join(parent, name);
  await new LayoutBuilder(dir).image('v1');
  const blob = await spoil(dir);
  return blob === undefined ? { dir } : { dir, blob };
}

/** The SBOM layer blob's digest and path (the blob archive fetches with fetchBlob). */
async function sbomBlob(dir: string): Promise<{ digest: string; path: string }> {
  const blobs = join(dir, 'blobs', 'sha256');
  for (const hex of await readdir(blobs)) {
    if ((await readFile(join(blobs, hex), 'utf8')).includes('"spdxVersion"')) return { digest: `sha256:${hex}`, path: join(blobs, hex) };
  }
  throw new Error('no SBOM blob in the layout');
}

beforeAll(async () => {
  const dir = await tempDir('custody-hostile-files-');
  const fifo = mkfifo(join(dir, 'fifo'));
  const linkToFifo = join(dir, 'link-to-fifo');
  await symlink(fifo, linkToFifo);
  const folder = join(dir, 'folder');
  await mkdir(folder);
  const { root, day, image } = await makeArchive();
  const layouts = {
    blobFifo: await layout(dir, 'blob-fifo', async (d) => {
      const blob = await sbomBlob(d);
      await rm(blob.path);
      mkfifo(blob.path);
      return blob.digest;
    }),
    blobFolder: await layout(dir, 'blob-folder', async (d) => {
      const blob = await sbomBlob(d);
      await rm(blob.path);
      await mkdir(blob.path);
      return blob.digest;
    }),
    indexFifo: await layout(dir, 'index-fifo', async (d) => {
      await rm(join(d, 'index.json'));
      mkfifo(join(d, 'index.json'));
      return undefined;
    }),
    markerFifo: await layout(dir, 'marker-fifo', async (d) => {
      await rm(join(d, 'oci-layout'));
      mkfifo(join(d, 'oci-layout'));
      return undefined;
    }),
  };
  const policyWithFifoKey = join(dir, 'policy.yaml');
  await writeFile(policyWithFifoKey, `apiVersion: custody/v1\nkind: Policy\nrules:\n  signature: {mode: enforce, keys: [${fifo}]}\n`);
  const policy = join(dir, 'sbom-policy.yaml');
  await writeFile(policy, 'apiVersion: custody/v1\nkind: Policy\nrules:\n  sbom: {mode: enforce, formats: [spdx], minComponents: 1}\n');
  f = { dir, fifo, linkToFifo, folder, root, day, image, layouts, policyWithFifoKey, policy, digest: fakeDigest('files') };
});

interface Row {
  name: string;
  args: (f: Fixture) => string[];
  exit: number;
  message: (f: Fixture) => string;
}

const archiveWith = (...extra: string[]) => ['archive', '--no-discover', REF, '--root', join(f.dir, 'new-root'), '--date', DATE, ...extra];
const FIFO = (path: string) => `${path} is a FIFO, not a regular file`;

const ROWS: Row[] = [
  // FIFOs where a command reads a file
  { name: 'archive --evidence FIFO', args: () => archiveWith('--evidence', f.fifo), exit: 2, message: () => `evidence file ${FIFO(f.fifo)}` },
  {
    name: 'archive --images FIFO',
    args: () => ['archive', '--images', f.fifo, '--root', join(f.dir, 'new-root')],
    exit: 2,
    message: () => `images file ${FIFO(f.fifo)}`,
  },
  { name: 'archive --key FIFO', args: () => archiveWith('--evidence', GOOD, '--key', f.fifo), exit: 2, message: () => `--key ${FIFO(f.fifo)}` },
  {
    name: 'archive --trusted-root FIFO',
    args: () => archiveWith('--evidence', GOOD, '--trusted-root', f.fifo),
    exit: 2,
    message: () => `--trusted-root ${FIFO(f.fifo)}`,
  },
  {
    name: 'archive --ca-file FIFO',
    args: () => ['archive', `registry.example/acme/shop@${f.digest}`, '--ca-file', f.fifo, '--root', join(f.dir, 'new-root')],
    exit: 2,
    message: () => `CA file ${FIFO(f.fifo)}`,
  },
  {
    name: 'discover --ca-file FIFO',
    args: () => ['discover', 'registry.example/acme/shop:1', '--ca-file', f.fifo],
    exit: 2,
    message: () => `CA file ${FIFO(f.fifo)}`,
  },
  { name: 'verify --key FIFO', args: () => ['verify', f.root, '--key', f.fifo], exit: 2, message: () => `--key ${FIFO(f.fifo)}` },
  { name: 'verify --trusted-root FIFO', args: () => ['verify', f.root, '--trusted-root', f.fifo], exit: 2, message: () => `--trusted-root ${FIFO(f.fifo)}` },
  { name: 'verify --rekor-key FIFO', args: () => ['verify', f.root, '--rekor-key', f.fifo], exit: 2, message: () => `--rekor-key ${FIFO(f.fifo)}` },
  { name: 'verify --ca-roots FIFO', args: () => ['verify', f.root, '--ca-roots', f.fifo], exit: 2, message: () => `--ca-roots ${FIFO(f.fifo)}` },
  {
    name: 'verify FIFO.tar.gz',
    args: () => ['verify', mkfifoOnce(join(f.dir, 'export.tar.gz'))],
    exit: 2,
    message: () => `export ${FIFO(join(f.dir, 'export.tar.gz'))}`,
  },
  { name: 'verify FIFO (a path without .tar.gz)', args: () => ['verify', f.fifo], exit: 2, message: () => `${f.fifo} is not a custody archive folder` },
  {
    name: 'gate --bundle FIFO',
    args: () => ['gate', '--bundle', f.fifo, '--policy', f.policy],
    exit: 2,
    message: () => `${f.fifo} is not a custody archive folder`,
  },
  { name: 'verify-evidence FIFO', args: () => ['verify-evidence', f.fifo, '--digest', f.digest], exit: 2, message: () => `evidence ${FIFO(f.fifo)}` },
  { name: 'verify-evidence --artifact FIFO', args: () => ['verify-evidence', GOOD, '--artifact', f.fifo], exit: 2, message: () => `artifact ${FIFO(f.fifo)}` },
  {
    name: 'verify-evidence --annotations FIFO',
    args: () => ['verify-evidence', GOOD, '--digest', f.digest, '--annotations', f.fifo],
    exit: 2,
    message: () => `annotations ${FIFO(f.fifo)}`,
  },
  {
    name: 'verify-evidence --key FIFO',
    args: () => ['verify-evidence', GOOD, '--digest', f.digest, '--key', f.fifo],
    exit: 2,
    message: () => `--key ${FIFO(f.fifo)}`,
  },
  { name: 'seal --key FIFO', args: () => ['seal', f.day, '--key', f.fifo], exit: 2, message: () => `signing key ${FIFO(f.fifo)}` },
  { name: 'gate --policy FIFO', args: () => ['gate', '--bundle', f.image, '--policy', f.fifo], exit: 2, message: () => `policy ${FIFO(f.fifo)}` },
  {
    name: 'gate: a policy key that is a FIFO',
    args: () => ['gate', '--bundle', f.image, '--policy', f.policyWithFifoKey],
    exit: 2,
    message: () => `(${f.fifo}) is a FIFO, not a regular file`,
  },
  {
    name: 'fetch-trusted-root --tuf-root FIFO',
    args: () => ['fetch-trusted-root', '--out', join(f.dir, 'root.json'), '--tuf-root', f.fifo, '--mirror', 'http://127.0.0.1:9'],
    exit: 2,
    message: () => `--tuf-root ${FIFO(f.fifo)}`,
  },
  // FIFOs and folders inside an OCI layout: never waited on, the blob named by its digest
  {
    name: 'archive oci:LAYOUT whose SBOM blob is a FIFO',
    args: () => ['archive', `oci:${f.layouts.blobFifo.dir}:v1`, '--root', join(f.dir, 'layout-root-1')],
    exit: 1,
    message: () => `blob ${f.layouts.blobFifo.blob} at`,
  },
  {
    name: 'archive oci:LAYOUT whose SBOM blob is a folder',
    args: () => ['archive', `oci:${f.layouts.blobFolder.dir}:v1`, '--root', join(f.dir, 'layout-root-2')],
    exit: 1,
    message: () => `blob ${f.layouts.blobFolder.blob} at`,
  },
  {
    name: 'discover oci:LAYOUT whose index.json is a FIFO',
    args: () => ['discover', `oci:${f.layouts.indexFifo.dir}:v1`],
    exit: 2,
    message: () => `index.json ${FIFO(join(f.layouts.indexFifo.dir, 'index.json'))}`,
  },
  {
    name: 'discover oci:LAYOUT whose oci-layout is a FIFO',
    args: () => ['discover', `oci:${f.layouts.markerFifo.dir}:v1`],
    exit: 2,
    message: () => `oci-layout ${FIFO(join(f.layouts.markerFifo.dir, 'oci-layout'))}`,
  },
  // a folder, a device, a link to a FIFO
  {
    name: 'archive --evidence FOLDER',
    args: () => archiveWith('--evidence', f.folder),
    exit: 2,
    message: () => `evidence file ${f.folder} is a directory, not a regular file`,
  },
  {
    name: 'archive --evidence /dev/zero (read forever otherwise)',
    args: () => archiveWith('--evidence', '/dev/zero'),
    exit: 2,
    message: () => 'evidence file /dev/zero is a character device, not a regular file',
  },
  {
    name: 'verify --key /dev/zero',
    args: () => ['verify', f.root, '--key', '/dev/zero'],
    exit: 2,
    message: () => '--key /dev/zero is a character device, not a regular file',
  },
  {
    name: 'verify --key FOLDER',
    args: () => ['verify', f.root, '--key', f.folder],
    exit: 2,
    message: () => `--key ${f.folder} is a directory, not a regular file`,
  },
  {
    name: 'gate --policy FOLDER',
    args: () => ['gate', '--bundle', f.image, '--policy', f.folder],
    exit: 2,
    message: () => `policy ${f.folder} is a directory, not a regular file`,
  },
  {
    name: 'archive --evidence LINK-TO-FIFO (a user may name a link; its target is judged)',
    args: () => archiveWith('--evidence', f.linkToFifo),
    exit: 2,
    message: () => `evidence file ${FIFO(f.linkToFifo)}`,
  },
  {
    name: 'verify --trusted-root LINK-TO-FIFO',
    args: () => ['verify', f.root, '--trusted-root', f.linkToFifo],
    exit: 2,
    message: () => `--trusted-root ${FIFO(f.linkToFifo)}`,
  },
];

const made = new Set<string>();
function mkfifoOnce(path: string): string {
  if (!made.has(path)) mkfifo(path);
  made.add(path);
  return path;
}

describe('a FIFO, folder or device where a file is expected: refused at once, one line naming it', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const result = await runBounded(row.args(f));
    expect(result.killed, `hung: ${result.stderr}`).toBe(false);
    expect(result.code, result.stderr).toBe(row.exit);
    expect(oneErrorLine(result.stderr)).toContain(row.message(f));
  });
});

interface TreeRow {
  name: string;
  /** Spoil a fresh archive; returns the path to verify and the relative path the problem names. */
  spoil: (a: { root: string; day: string; image: string }) => Promise<{ verify: string; problemPath: string }>;
  problem: string;
}

const relativeTo = (root: string, path: string) => path.slice(root.length + 1);

const TREE_ROWS: TreeRow[] = [
  {
    name: 'an extra FIFO beside the evidence',
    spoil: async ({ root, image }) => ({ verify: root, problemPath: relativeTo(root, mkfifo(join(image, 'evidence', 'extra'))) }),
    problem: 'special-file',
  },
  {
    name: 'a FIFO in place of a listed evidence file',
    spoil: async ({ root, image }) => {
      const evidence = join(image, 'evidence');
      const [name] = (await readdir(evidence)).filter((n) => !n.endsWith('.sha256'));
      await rm(join(evidence, name!));
      return { verify: root, problemPath: relativeTo(root, mkfifo(join(evidence, name!))) };
    },
    problem: 'special-file',
  },
  {
    name: 'a FIFO as the manifest of the image folder verified (read before the walk)',
    spoil: async ({ image }) => {
      await rm(join(image, 'manifest.json'));
      mkfifo(join(image, 'manifest.json'));
      return { verify: image, problemPath: 'manifest.json' };
    },
    problem: 'special-file',
  },
  {
    name: 'a FIFO as the day manifest',
    spoil: async ({ day }) => {
      await rm(join(day, 'manifest.json'));
      mkfifo(join(day, 'manifest.json'));
      return { verify: day, problemPath: 'manifest.json' };
    },
    problem: 'special-file',
  },
];

describe('FIFOs inside an archive: reported, never opened for a blocking read', () => {
  it.each(TREE_ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const archive = await makeArchive();
    const { verify, problemPath } = await row.spoil(archive);
    const result = await runBounded(['verify', verify, '--json']);
    expect(result.killed, `hung: ${result.stderr}`).toBe(false);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { problems: { code: string; path: string }[] };
    expect(report.problems).toContainEqual(expect.objectContaining({ code: row.problem, path: problemPath }));
    oneErrorLine(result.stderr);
  });

  it('a .custody.lock that is a FIFO: archive stops at once naming it (exit 3), never waits on it', async () => {
    const { root } = await makeArchive();
    mkfifo(join(root, '.custody.lock'));
    const result = await runBounded(['archive', '--no-discover', REF, '--evidence', GOOD, '--root', root, '--date', DATE]);
    expect(result.killed, `hung: ${result.stderr}`).toBe(false);
    expect(result.code, result.stderr).toBe(3);
    expect(oneErrorLine(result.stderr)).toContain(`archive lock ${join(root, '.custody.lock')} is a FIFO, not a regular file`);
  });

  it('a file swapped for a FIFO between the walk and the hash: an error for that file from any hashing thread, no hang', async () => {
    // In a child process: a blocking open would block the thread that runs it, and no test timeout can interrupt that.
    const dir = await tempDir('custody-hostile-hash-');
    const paths: string[] = [];
    for (let i = 0; i < 300; i++) {
      paths.push(`f${i}.bin`);
      await writeFile(join(dir, `f${i}.bin`), `file ${i}`);
    }
    // Many FIFOs, so that the workers (not only the main thread) meet some.
    for (let i = 0; i < 40; i++) {
      paths.push(`fifo${i}`);
      mkfifo(join(dir, `fifo${i}`));
    }
    const module = join(import.meta.dirname, '..', '..', 'dist', 'src', 'verify', 'hash-files.js');
    const script = `
      const { hashFiles } = await import(${JSON.stringify(module)});
      const digests = await hashFiles(${JSON.stringify(dir)}, ${JSON.stringify(paths)}, 2);
      const errors = [...digests].filter(([, d]) => d instanceof Error).map(([p, d]) => p + ': ' + d.message);
      console.log(JSON.stringify({ errors, hashed: digests.size - errors.length }));`;
    const { spawn } = await import('node:child_process');
    // A file, not `-e --input-type=module`: the workers, evaluated from a string, must not inherit the ESM flag.
    const scriptFile = join(dir, 'hash.mjs');
    await writeFile(scriptFile, script);
    const child = spawn(process.execPath, [scriptFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code, 'the hashing child hung or crashed').toBe(0);
    const { errors, hashed } = JSON.parse(out) as { errors: string[]; hashed: number };
    expect(hashed).toBe(300);
    expect(errors.sort()).toEqual(
      paths
        .filter((p) => p.startsWith('fifo'))
        .map((p) => `${p}: it is a FIFO, not a regular file`)
        .sort(),
    );
  });
});
