import type { DatabaseSync } from 'node:sqlite';
import { CustodyError } from '../errors.js';
import { rowObjects, type Answer, type DayRange, type Row } from './answer.js';
import { withIndex, type IndexOptions, type IndexUpdate } from './index-archive.js';
import type { ImageQuery } from './queries/image.js';
import { MISSING_KINDS, queryMissing, type MissingQuery } from './queries/missing.js';
import type { PackageQuery } from './queries/package.js';
import type { VulnQuery } from './queries/vuln.js';
import { DATE_PATTERN } from '../lib/archive-format.js';

export type Query = PackageQuery | VulnQuery | MissingQuery | ImageQuery;

export interface QueryOptions extends IndexOptions {
  /** First day looked at, `YYYY-MM-DD`, included. */
  since?: string;
  /** Last day looked at, `YYYY-MM-DD`, included. */
  until?: string;
}

export interface QueryResult extends Answer {
  query: Query;
  root: string;
  since: string | null;
  until: string | null;
  /** The indexed days in range: how much of the archive the answer covers. */
  days: { count: number; first: string | null; last: string | null };
  /** What bringing the index up to date took (indexNotices() says it in words). */
  index: IndexUpdate;
  /** The rows as objects keyed by column (made from `cells` when first read). */
  readonly rows: Row[];
}

/**
 * Answer a question across an archive root from its index, bringing the
 * index up to date first (index-archive.ts): the answer always covers the
 * archive as it is now. Bad input (a malformed date, range, reference or id)
 * throws before the index is touched.
 */
export async function queryArchive(root: string, query: Query, options: QueryOptions = {}): Promise<QueryResult> {
  const range: DayRange = { since: checkDay('--since', options.since) ?? '0000-00-00', until: checkDay('--until', options.until) ?? '9999-99-99' };
  if (range.since > range.until) throw new CustodyError('USAGE', `--since ${range.since} is after --until ${range.until}`);
  const run = await prepare(query);
  return withIndex(root, options, (db, report) => {
    const answer = run(db, range);
    const days = db
      .prepare('SELECT count(*) AS count, min(date) AS first, max(date) AS last FROM days WHERE date >= ? AND date <= ?')
      .get(range.since, range.until) as QueryResult['days'];
    return withRows({ query, root, since: options.since ?? null, until: options.until ?? null, days, index: report, ...answer });
  });
}

/** The result with `rows`, made from its cells once, when first read: CSV and the text table never need them. */
function withRows(result: Omit<QueryResult, 'rows'>): QueryResult {
  let rows: Row[] | undefined;
  return Object.defineProperty(result, 'rows', { enumerable: true, get: () => (rows ??= rowObjects(result.columns, result.cells)) }) as QueryResult;
}

/** The question, checked, ready to run; only its own module is loaded (a short-lived process pays for each). */
async function prepare(query: Query): Promise<(db: DatabaseSync, range: DayRange) => Answer> {
  switch (query.kind) {
    case 'package': {
      const { preparePackage, queryPackage } = await import('./queries/package.js');
      const match = preparePackage(query);
      return (db, range) => queryPackage(db, match, range);
    }
    case 'vuln': {
      const { prepareVuln, queryVuln } = await import('./queries/vuln.js');
      const id = prepareVuln(query);
      return (db, range) => queryVuln(db, id, range);
    }
    case 'missing': {
      if (!(MISSING_KINDS as readonly string[]).includes(query.what))
        throw new CustodyError('USAGE', `query missing: "${String(query.what)}" is not one of ${MISSING_KINDS.join(', ')}`);
      return (db, range) => queryMissing(db, query.what, range);
    }
    case 'image': {
      const { prepareImage, queryImage } = await import('./queries/image.js');
      const match = prepareImage(query);
      return (db, range) => queryImage(db, match, range);
    }
    default:
      throw new CustodyError('USAGE', `unknown query ${String((query as { kind: unknown }).kind)}: package, vuln, missing or image`);
  }
}

function checkDay(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = DATE_PATTERN.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new CustodyError('USAGE', `${flag} "${value.replace(/[^\x20-\x7e]/g, '?')}" is not a calendar date in the form YYYY-MM-DD`);
  }
  return value;
}

/** The question in words, for a "nothing found" line. */
export function describeQuery(query: Query): string {
  switch (query.kind) {
    case 'package':
      return `no SBOM lists ${query.name}${query.version !== undefined ? ` ${query.version}` : ''}`;
    case 'vuln':
      return `no scan reports ${query.id}`;
    case 'missing':
      return `every image has a valid ${query.what}`;
    case 'image':
      return `no image matches ${query.ref}`;
  }
}
