import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_SQL } from '../../src/query/schema.js';
import { IndexStore } from '../../src/query/store.js';
import { compareBinary, documentUses } from '../../src/query/uses.js';

/**
 * documentUses sorts in JavaScript what the queries once sorted in SQL
 * (`ORDER BY date, ref, digest, path`): the same order, SQLite's BINARY
 * collation included, checked against SQLite itself on references and paths
 * where UTF-16 and UTF-8 order disagree.
 */
const db = new DatabaseSync(':memory:');
db.exec(SCHEMA_SQL);
afterAll(() => db.close());

// [ref, digest, folder]: two subjects share a reference and digest (another folder), one has no digest.
const SUBJECTS: [string, string | null, string][] = [
  ['registry.example/b', 'sha256:02', 'images/b'],
  ['registry.example/a\u{1f600}', 'sha256:01', 'images/a-astral'],
  ['registry.example/a\ue000', 'sha256:01', 'images/a-private-use'],
  ['registry.example/a', 'sha256:02', 'images/a-2'],
  ['registry.example/a', 'sha256:02', 'images/a-2-again'],
  ['registry.example/a', null, 'images/a-none'],
  ['registry.example/A', 'sha256:01', 'images/upper'],
];
const PATHS = ['evidence/z.json', 'evidence/\u{1f600}.json', 'evidence/\ue000.json', 'evidence/a.json'];
const DATES = ['2026-03-02', '2026-03-01', '2026-02-28'];

const insertSubject = db.prepare('INSERT INTO subjects (ref, repository, tag, digest, path, platforms) VALUES (?, ?, NULL, ?, ?, ?)');
const insertImage = db.prepare("INSERT INTO images (date, subject_id, manifest_sha256, status, error) VALUES (?, ?, NULL, 'ok', NULL)");
const insertEvidence = db.prepare(
  "INSERT INTO evidence (image_id, document_id, date, subject_id, path, kind, format, valid, problem, verified, verification_code, signer, issuer) VALUES (?, ?, ?, ?, ?, 'scan', 'trivy', ?, NULL, NULL, NULL, NULL, NULL)",
);
const subjectIds = SUBJECTS.map(([ref, digest, folder]) => Number(insertSubject.run(ref, ref, digest, folder, '[]').lastInsertRowid));
let n = 0;
for (const date of DATES)
  for (const subjectId of subjectIds) {
    const imageId = Number(insertImage.run(date, subjectId).lastInsertRowid);
    // Each image lists two of the documents 1..4 under two of the paths, in an order that varies.
    for (const k of [n % 4, (n + 1) % 4]) insertEvidence.run(imageId, k + 1, date, subjectId, PATHS[(n + k) % PATHS.length]!, n % 3 === 0 ? 0 : 1);
    n++;
  }
// A document's uses are read from `uses`, grouped from these evidence rows as an index update groups them.
new IndexStore(db).writeUses(true);

function sqliteOrder(documents: number[], since: string, until: string) {
  return db
    .prepare(
      `SELECT e.date, s.ref, s.digest, e.path, e.document_id FROM evidence e JOIN subjects s ON s.id = e.subject_id
        WHERE e.document_id IN (SELECT value FROM json_each(?)) AND e.date >= ? AND e.date <= ?
        ORDER BY e.date, s.ref, s.digest, e.path`,
    )
    .all(JSON.stringify(documents), since, until)
    .map((r) => [r.date, r.ref, r.digest, r.path, r.document_id]);
}

function ours(documents: number[], since: string, until: string) {
  return documentUses(db, documents, { since, until }).map((u) => [u.date, u.subject.ref, u.subject.digest, u.path, u.documentId]);
}

describe('documentUses', () => {
  it('lists uses in the order SQLite sorts them by date, reference, digest and path', () => {
    const expected = sqliteOrder([1, 2, 3, 4], '0000-00-00', '9999-99-99');
    expect(expected.length).toBe(DATES.length * SUBJECTS.length * 2);
    expect(ours([1, 2, 3, 4], '0000-00-00', '9999-99-99')).toEqual(expected);
  });

  it('keeps to the documents and days asked for', () => {
    expect(ours([2, 3], '2026-03-01', '2026-03-01')).toEqual(sqliteOrder([2, 3], '2026-03-01', '2026-03-01'));
    expect(ours([4], '2026-03-03', '9999-99-99')).toEqual([]);
  });

  it('carries each use’s subject, format and validity', () => {
    const uses = documentUses(db, [1], { since: '0000-00-00', until: '9999-99-99' });
    for (const use of uses) {
      expect(SUBJECTS.map(([ref]) => ref)).toContain(use.subject.ref);
      expect(use.format).toBe('trivy');
      expect(typeof use.valid).toBe('boolean');
    }
    expect(uses.some((u) => !u.valid)).toBe(true);
  });
});

describe('compareBinary', () => {
  it('orders by code point, as UTF-8 bytes order, where UTF-16 code units disagree', () => {
    // U+E000 is EE 80 80 in UTF-8, U+1F600 is F0 9F 98 80: the private-use character comes first, unlike '\ue000' < '\u{1f600}' in JavaScript.
    expect('\ue000' < '\u{1f600}').toBe(false);
    expect(compareBinary('\ue000', '\u{1f600}')).toBeLessThan(0);
    expect(compareBinary('\u{1f600}', '\ue000')).toBeGreaterThan(0);
    expect(compareBinary('a\u{1f600}', 'a\u{1f600}')).toBe(0);
    expect(compareBinary('a\u{1f600}', 'a\u{1f600}b')).toBeLessThan(0);
    expect(compareBinary('B', 'a')).toBeLessThan(0);
    expect(compareBinary('ab', 'a')).toBeGreaterThan(0);
  });
});
