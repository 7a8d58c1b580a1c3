import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archivedExample, readJson, rewriteWithChecksum, sealKey, sha256, verifyJson, type Fixture } from './archive-fixture.js';
import { fakeDigest, runCli } from '../helpers/cli.js';

/**
 * Tampering with an archive folder, as someone with write access would:
 * one row an attack, with the exit code and problem code `verify` must give
 * (STYLE.md: attacks are data). Whatever else is in the folder, verify never
 * exits 0 when an archived byte differs from what was recorded.
 */

type Target = 'root' | 'day' | 'image';

interface Row {
  name: string;
  attack: (f: Fixture) => Promise<void>;
  /** The level verify is run at (the root always runs with --chain). */
  target: Target;
  code: string;
  exit?: number;
}

type ImageManifest = { subject: { digest: string }; evidence: { path: string; sha256: string; size: number }[] };
type DayManifest = { date: string; images: { digest: string; manifestSha256: string; path: string }[]; previous: unknown };

const imageManifest = (f: Fixture) => join(f.image, 'manifest.json');
const dayManifest = (f: Fixture) => join(f.day, 'manifest.json');

async function editImageManifest(f: Fixture, edit: (m: ImageManifest) => void, fixDay = false): Promise<void> {
  const manifest = await readJson<ImageManifest>(imageManifest(f));
  edit(manifest);
  const sha = await rewriteWithChecksum(imageManifest(f), `${JSON.stringify(manifest, null, 2)}\n`);
  if (fixDay) await editDayManifest(f, (d) => (d.images[0]!.manifestSha256 = sha));
}

async function editDayManifest(f: Fixture, edit: (m: DayManifest) => void): Promise<void> {
  const manifest = await readJson<DayManifest>(dayManifest(f));
  edit(manifest);
  await rewriteWithChecksum(dayManifest(f), `${JSON.stringify(manifest, null, 2)}\n`);
}

const evidenceFile = (f: Fixture) => join(f.image, f.evidence);

const ROWS: Row[] = [
  { name: 'an evidence file altered', target: 'root', code: 'altered', attack: async (f) => appendFile(evidenceFile(f), ' ') },
  {
    name: 'an evidence file altered with its .sha256',
    target: 'image',
    code: 'altered',
    attack: async (f) => void (await rewriteWithChecksum(evidenceFile(f), 'forged')),
  },
  {
    name: 'an evidence file, its .sha256 and its manifest entry altered',
    target: 'root',
    code: 'manifest-mismatch',
    attack: async (f) => {
      const sha = await rewriteWithChecksum(evidenceFile(f), 'forged');
      await editImageManifest(f, (m) => (m.evidence = m.evidence.map((e) => (e.path === f.evidence ? { ...e, sha256: sha, size: 6 } : e))));
    },
  },
  { name: 'an evidence file removed', target: 'day', code: 'missing', attack: async (f) => rm(evidenceFile(f)) },
  {
    name: 'an evidence file and its .sha256 removed',
    target: 'day',
    code: 'missing',
    attack: async (f) => (await rm(evidenceFile(f)), rm(`${evidenceFile(f)}.sha256`)),
  },
  { name: 'a .sha256 removed', target: 'image', code: 'checksum-missing', attack: async (f) => rm(`${evidenceFile(f)}.sha256`) },
  {
    name: 'a .sha256 naming another file',
    target: 'image',
    code: 'checksum-format',
    attack: async (f) => writeFile(`${evidenceFile(f)}.sha256`, `${'0'.repeat(64)}  other.json\n`),
  },
  {
    name: 'an unlisted file with a right .sha256',
    target: 'image',
    code: 'unlisted',
    attack: async (f) => void (await rewriteWithChecksum(join(f.image, 'evidence', 'planted.json'), '{}')),
  },
  {
    name: 'an unlisted file at the root',
    target: 'root',
    code: 'unlisted',
    attack: async (f) => void (await rewriteWithChecksum(join(f.root, 'planted.json'), '{}')),
  },
  { name: 'an image folder renamed', target: 'day', code: 'missing', attack: async (f) => rename(f.image, `${f.image}-moved`) },
  {
    name: 'a file swapped for a symbolic link to the same bytes',
    target: 'root',
    code: 'symlink',
    attack: async (f) => {
      const copy = join(f.root, '..', `copy-${sha256(f.root).slice(0, 8)}`);
      await writeFile(copy, await readFile(evidenceFile(f)));
      await rm(evidenceFile(f));
      await symlink(copy, evidenceFile(f));
    },
  },
  {
    name: 'a FIFO in the evidence folder',
    target: 'image',
    code: 'special-file',
    attack: async (f) => void execFileSync('mkfifo', [join(f.image, 'evidence', 'pipe.json')]),
  },
  {
    name: 'a manifest path that leaves its folder',
    target: 'image',
    code: 'unsafe-path',
    attack: async (f) => editImageManifest(f, (m) => (m.evidence[0]!.path = '../../../../etc/passwd')),
  },
  {
    name: 'a file listed twice in one image manifest',
    target: 'root',
    code: 'duplicate-entry',
    attack: async (f) => editImageManifest(f, (m) => m.evidence.push({ ...m.evidence[0]! }), true),
  },
  {
    name: "a day entry whose digest is not its folder's subject",
    target: 'root',
    code: 'manifest-mismatch',
    attack: async (f) => editDayManifest(f, (d) => (d.images[0]!.digest = fakeDigest('other image'))),
  },
  {
    name: "an image manifest's subject changed",
    target: 'day',
    code: 'manifest-mismatch',
    attack: async (f) => editImageManifest(f, (m) => (m.subject.digest = fakeDigest('other image'))),
  },
  {
    name: 'an image manifest no longer JSON',
    target: 'day',
    code: 'manifest-invalid',
    attack: async (f) => void (await rewriteWithChecksum(imageManifest(f), '{"schemaVersion":')),
  },
  {
    name: 'an image manifest against its schema',
    target: 'image',
    code: 'manifest-schema',
    attack: async (f) => editImageManifest(f, (m) => ((m as unknown as { evidence: unknown }).evidence = 'none')),
  },
  {
    name: 'a day manifest moved to another date',
    target: 'root',
    code: 'manifest-mismatch',
    attack: async (f) => editDayManifest(f, (d) => (d.date = '2026-11-28')),
  },
  {
    name: "a past day's manifest rewritten (the next day's link)",
    target: 'root',
    code: 'chain-broken',
    attack: async (f) => {
      await archivedExample('2026-11-30', f.root);
      await editDayManifest(f, (d) => d.images.push({ ...d.images[0]!, digest: fakeDigest('x') }));
    },
  },
  {
    name: 'a past day removed',
    target: 'root',
    code: 'chain-broken',
    attack: async (f) => {
      await archivedExample('2026-11-30', f.root);
      await archivedExample('2026-12-01', f.root);
      await rm(join(f.root, '2026-11-30'), { recursive: true });
    },
  },
  {
    name: 'a day inserted between two days',
    target: 'root',
    code: 'chain-broken',
    attack: async (f) => {
      await archivedExample('2026-11-30', f.root);
      const other = await archivedExample('2026-11-28');
      await rename(other.day, join(f.root, '2026-11-28'));
    },
  },
  {
    name: 'a sealed day manifest edited',
    target: 'day',
    code: 'seal-invalid',
    attack: async (f) => {
      const { key } = await sealKey();
      expect((await runCli(['seal', f.day, '--key', key])).code).toBe(0);
      await editDayManifest(f, (d) => (d.images = []));
    },
  },
  {
    name: 'a seal key swapped for the attacker key after editing',
    target: 'day',
    code: 'seal-invalid',
    attack: async (f) => {
      const { key } = await sealKey();
      expect((await runCli(['seal', f.day, '--key', key])).code).toBe(0);
      await rm(join(f.day, 'manifest.json.sigstore.json'));
      await writeFile(join(f.day, 'manifest.json.sigstore.json.sha256'), `${'0'.repeat(64)}  manifest.json.sigstore.json\n`);
    },
  },
  {
    name: 'a temporary-looking name hiding a listed file',
    target: 'image',
    code: 'missing',
    attack: async (f) => rename(evidenceFile(f), join(f.image, 'evidence', '.custody-tmp-1-x-hidden.json')),
  },
  {
    name: 'an extra folder of images under the day',
    target: 'day',
    code: 'unlisted',
    attack: async (f) => {
      await mkdir(join(f.day, 'images', 'planted'), { recursive: true });
      await rewriteWithChecksum(join(f.day, 'images', 'planted', 'manifest.json'), '{}');
    },
  },
];

describe('tampering with an archive folder', () => {
  it.each(ROWS)('$name: $code', async (row) => {
    const f = await archivedExample();
    await row.attack(f);
    const path = row.target === 'root' ? f.root : row.target === 'day' ? f.day : f.image;
    const { code, report, stderr } = await verifyJson(row.target === 'root' ? ['--chain', path] : [path]);
    expect(code, stderr).toBe(row.exit ?? 1);
    expect(report!.ok).toBe(false);
    expect(report!.problems.map((p) => p.code)).toContain(row.code);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
