/** The archive's index (SQLite through node:sqlite, in ROOT/.custody-index/) and the questions it answers. */
export { indexArchive, indexNotices, type IndexOptions, type IndexReport, type IndexUpdate } from './index-archive.js';
export { queryArchive, describeQuery, type Query, type QueryOptions, type QueryResult } from './query.js';
export { renderQuery, renderIndexReport, QUERY_FORMATS, type QueryFormat } from './render.js';
export { MISSING_KINDS, type MissingKind } from './queries/missing.js';
export { parseVersionRange, compareVersions, type VersionRange } from './version-range.js';
export { indexPath } from './paths.js';
export type { IndexTotals } from './store.js';
export type { Answer, Cell, Row } from './answer.js';
