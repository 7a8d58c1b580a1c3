import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archivedExample, IMAGE, readJson, rewriteWithChecksum, sealKey, sha256, verifyJson, type Fixture } from './archive-fixture.js';
import { runCli } from '../helpers/cli.js';

/**
 * Attacks on the write-ahead journal (.custody-journal.json). A journal
 * excuses an interrupted run; forged, it must never hide tampering (issue
 * 11, defect 1). Each row: how the archive is prepared and attacked, what
 * `verify` must say.
 */

interface EvidenceEntry {
  path: string;
  sha256: string;
  size: number;
}

interface Edit {
  /** Rewrites the image manifest's evidence list; returns the new list. */
  evidence: (entries: EvidenceEntry[], f: Fixture) => Promise<EvidenceEntry[]>;
  /** What the forged journal keeps of the replaced manifest. */
  previous: 'kept' | 'absent' | 'other';
  schemaVersion?: 1 | 2;
  /** Where the journal is written, relative to the day folder. */
  at?: string;
}

/** Change the evidence file's bytes and make every checksum and the image manifest agree with the change. */
const alterEvidence: Edit['evidence'] = async (entries, f) => {
  const file = join(f.image, f.evidence);
  const bytes = Buffer.concat([await readFile(file), Buffer.from(' ')]);
  const sha = await rewriteWithChecksum(file, bytes);
  return entries.map((e) => (e.path === f.evidence ? { ...e, sha256: sha, size: bytes.length } : e));
};

/** Delete the evidence file and its entry. */
const dropEvidence: Edit['evidence'] = async (entries, f) => {
  await rm(join(f.image, f.evidence));
  await rm(join(f.image, `${f.evidence}.sha256`));
  return entries.filter((e) => e.path !== f.evidence);
};

/** What archive itself does: a new file, a new entry, the old ones untouched. */
const addEvidence: Edit['evidence'] = async (entries, f) => {
  const bytes = Buffer.from('{"note":"new evidence"}\n');
  const path = `evidence/other-unknown-${sha256(bytes).slice(0, 12)}.json`;
  await mkdir(join(f.image, 'evidence'), { recursive: true });
  await rewriteWithChecksum(join(f.image, path), bytes);
  const template = entries[0]!;
  return [...entries, { ...template, path, sha256: sha256(bytes), size: bytes.length }];
};

/** Apply the edit to the image manifest (fixing its .sha256) and write a journal that claims the move. */
async function forge(f: Fixture, edit: Edit): Promise<void> {
  const manifestPath = join(f.image, 'manifest.json');
  const oldText = await readFile(manifestPath, 'utf8');
  const manifest = JSON.parse(oldText) as { evidence: EvidenceEntry[] };
  manifest.evidence = await edit.evidence(manifest.evidence, f);
  const after = await rewriteWithChecksum(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const previous = edit.previous === 'kept' ? oldText : edit.previous === 'other' ? oldText.replace('"', ' "') : undefined;
  const journal = {
    schemaVersion: edit.schemaVersion ?? 2,
    startedAt: '2026-11-29T10:00:00.000Z',
    pid: 4242,
    files: [],
    manifests: [{ path: `${IMAGE}/manifest.json`, before: sha256(oldText), after, ...(previous !== undefined ? { previous } : {}) }],
  };
  await writeFile(join(f.day, edit.at ?? '', '.custody-journal.json'), `${JSON.stringify(journal)}\n`);
}

interface Row {
  name: string;
  edit: Edit;
  /** Extra preparation before the attack (a seal, a later day). */
  prepare?: (f: Fixture) => Promise<void>;
  exit: number;
  codes: string[];
}

const sealDay = async (f: Fixture) => {
  const { key } = await sealKey();
  const sealed = await runCli(['seal', f.day, '--key', key]);
  expect(sealed.code, sealed.stderr).toBe(0);
};

const laterDay = async (f: Fixture) => {
  await archivedExample('2026-11-30', f.root);
};

const ROWS: Row[] = [
  {
    name: 'a forged journal without the replaced manifest hides an altered file',
    edit: { evidence: alterEvidence, previous: 'absent' },
    exit: 1,
    codes: ['journal-mismatch', 'manifest-mismatch'],
  },
  {
    name: 'a forged journal keeping the real replaced manifest: the change is not an addition',
    edit: { evidence: alterEvidence, previous: 'kept' },
    exit: 1,
    codes: ['journal-mismatch', 'manifest-mismatch'],
  },
  {
    name: 'a forged journal whose kept manifest does not hash to before',
    edit: { evidence: alterEvidence, previous: 'other' },
    exit: 1,
    codes: ['journal-mismatch', 'manifest-mismatch'],
  },
  {
    name: 'a version-1 journal (no kept manifests) excuses no manifest',
    edit: { evidence: alterEvidence, previous: 'kept', schemaVersion: 1 },
    exit: 1,
    codes: ['manifest-mismatch'],
  },
  {
    name: 'a forged journal hides a deleted file',
    edit: { evidence: dropEvidence, previous: 'kept' },
    exit: 1,
    codes: ['journal-mismatch', 'manifest-mismatch'],
  },
  {
    name: 'a journal in a sealed day',
    edit: { evidence: addEvidence, previous: 'kept' },
    prepare: sealDay,
    exit: 1,
    codes: ['journal-unexpected', 'manifest-mismatch'],
  },
  {
    name: 'a journal in a day that later days chain to',
    edit: { evidence: addEvidence, previous: 'kept' },
    prepare: laterDay,
    exit: 1,
    codes: ['journal-unexpected', 'manifest-mismatch'],
  },
  {
    name: 'a journal inside an image folder',
    edit: { evidence: addEvidence, previous: 'kept', at: IMAGE },
    exit: 1,
    codes: ['journal-unexpected', 'manifest-mismatch'],
  },
];

describe('hostile journals: verify never exits 0 over tampering', () => {
  it.each(ROWS)('$name', async (row) => {
    const f = await archivedExample();
    await row.prepare?.(f);
    await forge(f, row.edit);
    for (const target of [['--chain', f.root], [f.day]]) {
      const { code, report, stderr } = await verifyJson(target);
      expect(code, stderr).toBe(row.exit);
      expect(report!.ok).toBe(false);
      const codes = new Set(report!.problems.map((p) => p.code));
      for (const expected of row.codes) expect([...codes], `${target.join(' ')}: ${expected}`).toContain(expected);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('the control: a journal for a run that only added (what archive writes) is a warning, exit 0', async () => {
    const f = await archivedExample();
    await forge(f, { evidence: addEvidence, previous: 'kept' });
    for (const target of [['--chain', f.root], [f.day]]) {
      const { code, report } = await verifyJson(target);
      expect(report!.problems).toEqual([]);
      expect(code).toBe(0);
      expect(report!.warnings).toEqual([expect.stringMatching(/interrupted; 0 file\(s\) it added are not committed yet; rerun custody archive/)]);
    }
    // The next archive run completes it: no journal, no warning.
    await archivedExample(undefined, f.root);
    const after = await verifyJson(['--chain', f.root]);
    expect(after.code).toBe(0);
    expect(after.report!.warnings).toEqual([]);
  });

  it('a journal that is not JSON excuses nothing and is named', async () => {
    const f = await archivedExample();
    await writeFile(join(f.day, '.custody-journal.json'), '{"schemaVersion": 2,');
    const { code, report } = await verifyJson([f.day]);
    expect(code).toBe(1);
    expect(report!.problems).toContainEqual(expect.objectContaining({ code: 'journal-invalid', path: '.custody-journal.json' }));
  });

  it("an image manifest and its day manifest entry both rewritten under a journal: the next day's chain link catches it", async () => {
    const f = await archivedExample();
    await archivedExample('2026-11-30', f.root);
    await forge(f, { evidence: alterEvidence, previous: 'kept' });
    // The attacker also points the day manifest at the new image manifest and fixes the day's .sha256;
    // the next day's chain link pins the old day manifest.
    const dayManifest = await readJson<{ images: { manifestSha256: string }[] }>(join(f.day, 'manifest.json'));
    dayManifest.images[0]!.manifestSha256 = sha256(await readFile(join(f.image, 'manifest.json')));
    await rewriteWithChecksum(join(f.day, 'manifest.json'), `${JSON.stringify(dayManifest, null, 2)}\n`);
    const { code, report } = await verifyJson(['--chain', f.root]);
    expect(code).toBe(1);
    expect(report!.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['chain-broken', 'journal-unexpected']));
  });

  it('export refuses a day with a pending journal, naming it; a journal smuggled into an export excuses nothing', async () => {
    const f = await archivedExample();
    await forge(f, { evidence: addEvidence, previous: 'kept' });
    const out = join(f.root, '..', `export-${sha256(f.root).slice(0, 8)}.tar.gz`);
    const refused = await runCli(['export', f.day, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/interrupted \(\.custody-journal\.json\); rerun custody archive for 2026-11-29/);

    const clean = await archivedExample();
    const made = await runCli(['export', clean.day, '--out', out]);
    expect(made.code, made.stderr).toBe(0);
    const { hostileTarGz } = await import('../helpers/hostile-tar.js');
    const { gunzipSync } = await import('node:zlib');
    const journal = JSON.stringify({ schemaVersion: 2, startedAt: 'x', pid: 1, files: [], manifests: [] });
    // The real export's entries, then a journal entry before the end-of-archive blocks.
    const tar = gunzipSync(await readFile(out));
    const extra = gunzipSync(hostileTarGz([{ path: '2026-11-29/.custody-journal.json', body: journal }]));
    const { gzipSync } = await import('node:zlib');
    await writeFile(out, gzipSync(Buffer.concat([tar.subarray(0, lastHeaderEnd(tar)), extra])));
    const { code, report } = await verifyJson([out]);
    expect(code).toBe(1);
    expect(report!.problems.map((p) => p.code)).toContain('journal-unexpected');
  });
});

/** Where the entries of a tar end: the first of the two zero blocks after the last entry. */
function lastHeaderEnd(tar: Buffer): number {
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return offset;
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0', 8);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return offset;
}
