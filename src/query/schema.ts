/**
 * The index's tables. Everything here is derived from the archive and can be
 * thrown away: `PRAGMA user_version` carries SCHEMA_VERSION, and an index of
 * another version is rebuilt, never migrated.
 *
 * - `days`: each day folder indexed, with the sha256 of the day manifest it
 *   was indexed from (a query compares it with the archive first), that
 *   file's identity when it was hashed (archive-days.ts), and how many
 *   images and evidence entries it has;
 * - `subjects`: an image as a day manifest names it (reference, digest,
 *   folder, platforms), once however many days list it the same way;
 * - `images`: one row per image of a day manifest, pointing at its subject;
 * - `evidence`: one row per evidence entry of an image manifest (a use of a
 *   document on a day), with what the manifest recorded about that use;
 *   it repeats its image's day and subject, so that the uses of a document
 *   are one index range, no image looked up;
 * - `uses`: the evidence entries of a document that differ only by day, as
 *   one row listing the days (and each day's image): what package and vuln
 *   queries read, far fewer rows than `evidence` (store.ts keeps it in line);
 * - `documents`: each evidence file once, by sha256, however many days list
 *   it, with the facts read from its bytes; `components`, `findings`
 *   (+ `finding_names`: id and aliases), `vex_statements` (+ `vex_names`)
 *   hang off a document. Tables refer to each other by integer id: a query
 *   of a year reads thousands of rows, and a 64-digit hash repeated in each
 *   costs pages and strings.
 */
/**
 * 2: SBOMs in SPDX tag-value and YAML and in CycloneDX XML list their components (an index of 1 lacks them: rebuilt).
 * 3: what repeats day after day (an image's reference, digest, folder) is stored once, and tables join by integer id.
 * 4: `uses`: each document's evidence entries with the same subject, path, format and validity as one row, its days listed.
 * 5: `meta` holds the index's random `id`, under which the user's cache seals the file (index-seal.ts); an index without a seal is never read.
 */
export const SCHEMA_VERSION = 5;

export const SCHEMA_SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE days (
  date TEXT PRIMARY KEY,
  manifest_sha256 TEXT NOT NULL,
  image_count INTEGER NOT NULL,
  evidence_count INTEGER NOT NULL,
  indexed_at TEXT NOT NULL,
  stat TEXT,
  stat_at INTEGER
) STRICT;
CREATE TABLE subjects (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL,
  repository TEXT,
  tag TEXT,
  digest TEXT,
  path TEXT,
  platforms TEXT NOT NULL
) STRICT;
CREATE INDEX subjects_ref ON subjects(ref, digest);
CREATE INDEX subjects_repository ON subjects(repository);
CREATE INDEX subjects_digest ON subjects(digest);
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  date TEXT NOT NULL,
  subject_id INTEGER NOT NULL,
  manifest_sha256 TEXT,
  status TEXT NOT NULL,
  error TEXT
) STRICT;
CREATE INDEX images_date ON images(date);
CREATE INDEX images_subject ON images(subject_id, date);
CREATE TABLE evidence (
  image_id INTEGER NOT NULL,
  document_id INTEGER NOT NULL,
  -- The image's day and subject, as in images: a document's uses are then read from evidence_document alone.
  date TEXT NOT NULL,
  subject_id INTEGER NOT NULL,
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
-- Covering: the uses of a document (package, vuln queries) are read from the index alone, clustered by document, then day.
CREATE INDEX evidence_document ON evidence(document_id, date, image_id, subject_id, valid, path, format);
-- The evidence entries of a document that differ only by day, as one row: a document archived daily for a month
-- is one row listing 30 days, not 30 rows (what package and vuln queries read). Derived from evidence (store.ts).
CREATE TABLE uses (
  document_id INTEGER NOT NULL,
  subject_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  valid INTEGER NOT NULL,
  -- JSON array of [YYYYMMDD, image id] pairs, one per day the entry is archived.
  days TEXT NOT NULL
) STRICT;
CREATE INDEX uses_document ON uses(document_id);
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
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
  document_id INTEGER NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE,
  -- The purl's last segment when it is not the name itself (NULL then: the name index finds it).
  short_name TEXT COLLATE NOCASE,
  version TEXT,
  purl TEXT,
  purl_name TEXT COLLATE NOCASE
) STRICT;
CREATE INDEX components_name ON components(name);
CREATE INDEX components_short_name ON components(short_name) WHERE short_name IS NOT NULL;
CREATE INDEX components_purl_name ON components(purl_name);
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL,
  vulnerability TEXT NOT NULL,
  aliases TEXT NOT NULL,
  severity TEXT NOT NULL,
  package TEXT,
  version TEXT,
  purl TEXT
) STRICT;
CREATE INDEX findings_document ON findings(document_id);
CREATE TABLE finding_names (finding_id INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE) STRICT;
CREATE INDEX finding_names_name ON finding_names(name);
CREATE TABLE vex_statements (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL,
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
export const DATA_TABLES = [
  'days',
  'subjects',
  'images',
  'evidence',
  'uses',
  'documents',
  'components',
  'findings',
  'finding_names',
  'vex_statements',
  'vex_names',
] as const;
