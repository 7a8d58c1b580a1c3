import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { preparePackage, queryPackage } from '../../src/query/queries/package.js';
import { SCHEMA_SQL } from '../../src/query/schema.js';
import { IndexStore } from '../../src/query/store.js';
import type { EvidenceEntry } from '../../src/types.js';

/**
 * A component is found by its name or by its purl's last segment, any case.
 * The index stores the last segment only where it is not the name itself
 * (store.ts): a component whose segment differs must still be found by it.
 */
const db = new DatabaseSync(':memory:');
db.exec(SCHEMA_SQL);
afterAll(() => db.close());

const COMPONENTS = [
  { name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' },
  { name: 'log4j-core', version: '2.17.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1' },
  { name: 'Log4J-Core', version: '2.0.0' },
  { name: 'log4j-api', version: '2.14.1', purl: 'pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1' },
];
const SHA = 'a'.repeat(64);
const store = new IndexStore(db);
const documentId = store.insertDocument({
  sha256: SHA,
  size: 1,
  mediaType: 'application/spdx+json',
  parsed: true,
  facts: { errors: [] },
  components: COMPONENTS,
});
const image = store.insertImage(
  '2026-05-01',
  { ref: 'registry.example/acme/app:1', digest: `sha256:${'b'.repeat(64)}`, path: 'images/app', manifestSha256: 'c'.repeat(64), status: 'ok', error: null },
  undefined,
);
store.insertEvidence(image, documentId, {
  path: 'evidence/sbom.spdx.json',
  sha256: SHA,
  kind: 'sbom',
  format: 'spdx',
  valid: true,
  problems: [],
  summary: {},
} as unknown as EvidenceEntry);
store.writeUses();

const names = (term: string, version?: string) =>
  queryPackage(db, preparePackage({ kind: 'package', name: term, ...(version ? { version } : {}) }), { since: '0000-00-00', until: '9999-99-99' }).cells.map(
    (cells) => cells[3],
  );

describe('query package names', () => {
  it('finds a component by its purl’s last segment where that is not its name, and by its name, in any case', () => {
    const all = ['org.apache.logging.log4j:log4j-core', 'log4j-core', 'Log4J-Core'];
    expect(names('log4j-core').sort()).toEqual([...all].sort());
    expect(names('LOG4J-CORE').sort()).toEqual([...all].sort());
    expect(names('org.apache.logging.log4j:log4j-core')).toEqual(['org.apache.logging.log4j:log4j-core']);
    expect(names('log4j-core', '<2.15.0').sort()).toEqual(['Log4J-Core', 'org.apache.logging.log4j:log4j-core']);
    expect(names('log4j')).toEqual([]);
  });

  it('stores the last segment only where it adds a name', () => {
    const stored = db.prepare('SELECT name, short_name FROM components ORDER BY rowid').all();
    expect(stored).toEqual([
      { name: 'org.apache.logging.log4j:log4j-core', short_name: 'log4j-core' },
      { name: 'log4j-core', short_name: null },
      { name: 'Log4J-Core', short_name: null },
      { name: 'log4j-api', short_name: null },
    ]);
  });
});
