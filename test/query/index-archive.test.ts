import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { indexPath } from '../../src/query/paths.js';
import { SCHEMA_VERSION } from '../../src/query/schema.js';
import { archiveCounts, archiveDay, indexJson, queryJson } from './fixture.js';

/**
 * The index's `uses` rows as facts, ids resolved (document sha256, subject
 * reference and folder, each day's image by its date and subject), and the
 * same grouped in JavaScript from its `evidence` rows: what a query reads,
 * and what it must equal.
 */
function usesFacts(root: string): { uses: string[]; fromEvidence: string[] } {
  const db = new DatabaseSync(indexPath(root), { readOnly: true });
  try {
    const documents = new Map((db.prepare('SELECT id, sha256 FROM documents').all() as { id: number; sha256: string }[]).map((d) => [d.id, d.sha256]));
    const subjects = new Map(
      (db.prepare('SELECT id, ref, digest, path FROM subjects').all() as { id: number; ref: string; digest: string; path: string }[]).map((s) => [
        s.id,
        `${s.ref} ${s.digest} ${s.path}`,
      ]),
    );
    const images = new Map(
      (db.prepare('SELECT id, date, subject_id FROM images').all() as { id: number; date: string; subject_id: number }[]).map((i) => [
        i.id,
        `${i.date.replace(/-/g, '')} ${subjects.get(i.subject_id)}`,
      ]),
    );
    const key = (r: { document_id: number; subject_id: number; path: string; format: string; valid: number }) =>
      `${documents.get(r.document_id)} | ${subjects.get(r.subject_id)} | ${r.path} | ${r.format} | ${r.valid}`;
    const uses = (
      db.prepare('SELECT document_id, subject_id, path, format, valid, days FROM uses').all() as (Parameters<typeof key>[0] & { days: string })[]
    ).map(
      (r) =>
        `${key(r)} | ${(JSON.parse(r.days) as [number, number][])
          .map(([day, image]) => `${day}=${images.get(image)}`)
          .sort()
          .join(', ')}`,
    );
    const grouped = new Map<string, string[]>();
    for (const e of db.prepare('SELECT document_id, subject_id, path, format, valid, date, image_id FROM evidence').all() as (Parameters<typeof key>[0] & {
      date: string;
      image_id: number;
    })[]) {
      const k = key(e);
      grouped.set(k, [...(grouped.get(k) ?? []), `${e.date.replace(/-/g, '')}=${images.get(e.image_id)}`]);
    }
    const fromEvidence = [...grouped].map(([k, days]) => `${k} | ${days.sort().join(', ')}`);
    return { uses: uses.sort(), fromEvidence: fromEvidence.sort() };
  } finally {
    db.close();
  }
}

/**
 * One archive root grown a day at a time, the index brought up to date after
 * each: the tests run in order and each leaves the root as the next expects.
 */
let root: string;

beforeAll(async () => {
  root = await tempDir('custody-index-');
  await archiveDay(root, '2026-03-01', ['layout', 'shop']);
}, 120_000);

describe('custody index', () => {
  it('builds the index of a real archive: every image and evidence entry, each document once', async () => {
    const report = await indexJson(root);
    const counts = archiveCounts(root);
    expect(report.rebuilt).toBe('there was no index yet');
    expect(report.days.added).toEqual(['2026-03-01']);
    expect(report.totals).toMatchObject({ days: 1, images: counts.images, evidence: counts.entries, documents: counts.documents });
    expect(report.images).toBe(2);
    expect(report.documents.added).toBe(counts.documents);
    // The image's own manifests and configs are stored, not read; SBOMs, scans, signatures, attestations are read.
    expect(report.documents.read).toBe(8);
    expect(report.totals.components).toBe(7); // layout: SPDX 2 + CycloneDX 1; shop: SPDX 4
    expect(report.totals.findings).toBe(2); // the shop's Trivy scan
    expect(readFileSync(join(root, '.custody-index', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });

  it('reads nothing again when nothing changed', async () => {
    const report = await indexJson(root);
    expect(report.rebuilt).toBeNull();
    expect(report.days).toEqual({ added: [], reindexed: [], skipped: [] });
    expect(report.images).toBe(0);
    expect(report.documents).toEqual({ added: 0, read: 0, reused: 0 });
  });

  it('indexes a new day alone, and a document listed again on it is not read again but counted once', async () => {
    const before = await indexJson(root);
    await archiveDay(root, '2026-03-02', ['layout', 'shop-vex']);
    const report = await indexJson(root);
    const counts = archiveCounts(root);
    expect(report.rebuilt).toBeNull();
    expect(report.days.added).toEqual(['2026-03-02']);
    expect(report.images).toBe(2);
    // Only the VEX document is new; the other 13 entries name documents indexed on 2026-03-01.
    expect(report.documents).toEqual({ added: 1, read: 1, reused: 13 });
    expect(report.totals.documents).toBe(before.totals.documents + 1);
    expect(report.totals.documents).toBe(counts.documents);
    expect(report.totals.evidence).toBe(counts.entries);
    expect(report.totals.evidence).toBe(before.totals.evidence + 14);
    // Facts hang off documents: the repeated SBOMs and scan added no component and no finding.
    expect(report.totals.components).toBe(before.totals.components);
    expect(report.totals.findings).toBe(before.totals.findings);
    expect(report.totals.vexStatements).toBe(1);
  });

  it('indexes the newest day again when more images are archived into it', async () => {
    await archiveDay(root, '2026-03-02', ['slsa']);
    const report = await indexJson(root);
    expect(report.rebuilt).toBeNull();
    expect(report.days.reindexed).toEqual(['2026-03-02']);
    expect(report.days.added).toEqual([]);
    expect(report.images).toBe(3);
    expect(report.documents.added).toBe(5); // the corpus layout's index, manifest, config and two attestations
    expect(report.totals).toMatchObject({ days: 2, images: archiveCounts(root).images, evidence: archiveCounts(root).entries });
  });

  it('leaves out a day a run is still writing (a journal), and says so', async () => {
    await archiveDay(root, '2026-03-03', ['layout']);
    const journal = join(root, '2026-03-03', '.custody-journal.json');
    await writeFile(journal, '{}');
    try {
      const report = await indexJson(root);
      expect(report.days.added).toEqual([]);
      expect(report.days.skipped).toEqual([{ date: '2026-03-03', reason: expect.stringContaining('a run is writing it') }]);
      const text = await runCli(['index', root]);
      expect(text.stdout).toContain('not indexed: 2026-03-03: a run is writing it');
    } finally {
      await rm(journal);
    }
    const report = await indexJson(root);
    expect(report.days.added).toEqual(['2026-03-03']);
  });

  it('--rebuild builds the same index again from the archive alone', async () => {
    const before = await indexJson(root);
    // Grown a day at a time (a day added, the newest grown, a day left out then added): each document's uses are its evidence rows.
    const incremental = usesFacts(root);
    expect(incremental.uses.length).toBeGreaterThan(0);
    expect(incremental.uses).toEqual(incremental.fromEvidence);
    const report = await indexJson(root, '--rebuild');
    expect(report.rebuilt).toBe('a rebuild was asked for');
    expect(report.days.added).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(report.totals).toEqual(before.totals);
    expect(usesFacts(root)).toEqual(incremental);
  });

  it('is invisible to custody verify: the root verifies with the index in it', async () => {
    const result = await runCli(['verify', root, '--json']);
    const report = JSON.parse(result.stdout) as { ok: boolean; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('the text report says what the index holds and what the run did', async () => {
    const result = await runCli(['index', root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^index .*\.custody-index\/index\.sqlite: 3 day\(s\), 6 image\(s\), \d+ evidence entries of \d+ distinct document\(s\)/);
    expect(result.stdout).toContain('up to date: no day added or changed since the last run');
  });

  it('answers from the index it keeps up to date (a query after the last day)', async () => {
    const { code, answer } = await queryJson(root, 'image', 'registry.example/acme/shop');
    expect(code).toBe(0);
    expect(answer!.rows.map((r) => r.date)).toEqual(['2026-03-01', '2026-03-02']);
  });

  it('rebuilds an index of an older format once, says why, and answers the same', async () => {
    const before = await queryJson(root, 'vuln', 'CVE-2023-45853');
    const db = new DatabaseSync(indexPath(root));
    try {
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION - 1}`);
    } finally {
      db.close();
    }
    const rebuilt = await queryJson(root, 'vuln', 'CVE-2023-45853');
    expect(rebuilt.stderr).toMatch(
      new RegExp(`index: built from 3 day\\(s\\) because .*index\\.sqlite had index format ${SCHEMA_VERSION - 1}, this custody writes ${SCHEMA_VERSION}: `),
    );
    expect(rebuilt.answer!.rows.length).toBeGreaterThan(0);
    expect(rebuilt.answer!.rows).toEqual(before.answer!.rows);
    const again = await queryJson(root, 'vuln', 'CVE-2023-45853');
    expect(again.stderr).toBe('');
  });
  it('the newest day indexed again after an image left it: no use of its documents lists that day any more', async () => {
    // The newest day rewritten by hand without its image (its checksum file rewritten too): only the newest day may change, and is indexed again.
    const day = join(root, '2026-03-03');
    const manifest = JSON.parse(readFileSync(join(day, 'manifest.json'), 'utf8')) as { images: unknown[] };
    expect(manifest.images.length).toBeGreaterThan(0);
    const text = `${JSON.stringify({ ...manifest, images: [] }, null, 2)}\n`;
    await writeFile(join(day, 'manifest.json'), text);
    await writeFile(join(day, 'manifest.json.sha256'), `${createHash('sha256').update(text).digest('hex')}  manifest.json\n`);
    const report = await indexJson(root);
    expect(report.days.reindexed).toEqual(['2026-03-03']);
    const facts = usesFacts(root);
    expect(facts.uses).toEqual(facts.fromEvidence);
    expect(facts.uses.join('\n')).not.toContain('20260303=');
  });
});

describe('two runs at once', () => {
  it('two index processes on a root without an index: both succeed, the rows are there once', async () => {
    const { spawnCli } = await import('../helpers/cli.js');
    const fresh = await tempDir('custody-index-race-');
    await archiveDay(fresh, '2026-03-10', ['layout', 'shop']);
    await archiveDay(fresh, '2026-03-11', ['layout', 'shop-vex']);
    const runs = await Promise.all([spawnCli(['index', fresh, '--json']).done, spawnCli(['index', fresh, '--json']).done]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const reports = runs.map((r) => JSON.parse(r.stdout) as { images: number; totals: Record<string, number> });
    // One of them built the index; the other, once it had the lock, found nothing left to do (or built it first).
    expect(reports.map((r) => r.images).sort()).toEqual([0, 4]);
    const counts = archiveCounts(fresh);
    expect(reports[1]!.totals).toMatchObject({ days: 2, images: counts.images, evidence: counts.entries, documents: counts.documents });
  });
});
