/**
 * The index's tables. Everything here is derived from the archive and can be
 * thrown away: `PRAGMA user_version` carries SCHEMA_VERSION, and an index of
 * another version is rebuilt, never migrated.
 *
 * - `days`: each day folder indexed, with the sha256 of the day manifest it
 *   was indexed from (a query compares it with the archive first) and that
 *   file's identity when it was hashed (archive-days.ts);
 * - `images`: one row per image of a day manifest;
 * - `evidence`: one row per evidence entry of an image manifest (a use of a
 *   document on a day), with what the manifest recorded about that use;
 * - `documents`: each evidence file once, by sha256, however many days list
 *   it, with the facts read from its bytes; `components`, `findings`
 *   (+ `finding_names`: id and aliases), `vex_statements` (+ `vex_names`)
 *   hang off a document.
 */
/** 2: SBOMs in SPDX tag-value and YAML and in CycloneDX XML list their components (an index of 1 lacks them: rebuilt). */
export const SCHEMA_VERSION = 2;

export const SCHEMA_SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE days (
  date TEXT PRIMARY KEY,
  manifest_sha256 TEXT NOT NULL,
  image_count INTEGER NOT NULL,
  indexed_at TEXT NOT NULL,
  stat TEXT,
  stat_at INTEGER
) STRICT;
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  date TEXT NOT NULL,
  ref TEXT NOT NULL,
  repository TEXT,
  tag TEXT,
  digest TEXT,
  path TEXT,
  manifest_sha256 TEXT,
  status TEXT NOT NULL,
  error TEXT,
  platforms TEXT NOT NULL
) STRICT;
CREATE INDEX images_date ON images(date);
CREATE INDEX images_repository ON images(repository);
CREATE INDEX images_digest ON images(digest);
CREATE TABLE evidence (
  image_id INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  valid INTEGER NOT NULL,
  problem TEXT,
  verified INTEGER,
  verification_code TEXT,
  signer TEXT,
  issuer TEXT
) STRICT;
CREATE INDEX evidence_image ON evidence(image_id);
-- Covering: the uses of a document (package, vuln queries) are read from the index alone, clustered by sha256.
CREATE INDEX evidence_sha256 ON evidence(sha256, image_id, valid, path, format);
CREATE TABLE documents (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  parsed INTEGER NOT NULL,
  read_errors TEXT,
  sbom_format TEXT,
  component_count INTEGER,
  scan_format TEXT,
  scanner TEXT,
  scanned_at TEXT,
  finding_count INTEGER,
  predicate_type TEXT,
  provenance INTEGER NOT NULL,
  builder_id TEXT,
  source_repository TEXT,
  signed_format TEXT,
  signed_purpose TEXT,
  vex_author TEXT,
  vex_statement_count INTEGER
) STRICT;
CREATE TABLE components (
  sha256 TEXT NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE,
  short_name TEXT NOT NULL COLLATE NOCASE,
  version TEXT,
  purl TEXT,
  purl_name TEXT COLLATE NOCASE
) STRICT;
CREATE INDEX components_name ON components(name);
CREATE INDEX components_short_name ON components(short_name);
CREATE INDEX components_purl_name ON components(purl_name);
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  vulnerability TEXT NOT NULL,
  aliases TEXT NOT NULL,
  severity TEXT NOT NULL,
  package TEXT,
  version TEXT,
  purl TEXT
) STRICT;
CREATE INDEX findings_sha256 ON findings(sha256);
CREATE TABLE finding_names (finding_id INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE) STRICT;
CREATE INDEX finding_names_name ON finding_names(name);
CREATE TABLE vex_statements (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  vulnerability TEXT NOT NULL,
  aliases TEXT NOT NULL,
  status TEXT NOT NULL,
  justification TEXT,
  timestamp TEXT,
  products TEXT NOT NULL
) STRICT;
CREATE TABLE vex_names (statement_id INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE) STRICT;
CREATE INDEX vex_names_name ON vex_names(name);
PRAGMA user_version = ${SCHEMA_VERSION};
`;

/** Tables a full rebuild empties (meta keeps its rows). */
export const DATA_TABLES = ['days', 'images', 'evidence', 'documents', 'components', 'findings', 'finding_names', 'vex_statements', 'vex_names'] as const;
