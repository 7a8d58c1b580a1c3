/**
 * The archive's on-disk format: the names archive writes and verify, export
 * and gate read (DESIGN.md "Archive layout"). Whoever reads an archive takes
 * the names from here, never from the writer's modules.
 */

/** Every day and image folder's manifest. */
export const MANIFEST = 'manifest.json';
/** The schemas (schemas/) of a day folder's and an image folder's manifest.json. */
export const DAY_MANIFEST_SCHEMA = 'day-manifest.schema.json';
export const IMAGE_MANIFEST_SCHEMA = 'image-manifest.schema.json';
/** Beside every archived file: `<name>.sha256`, one `sha256sum` line. */
export const CHECKSUM_SUFFIX = '.sha256';

/**
 * Largest manifest, checksum or journal file custody reads (their text is
 * parsed whole; a day manifest of 10,000 images is a few MB): a larger one
 * in an archive is refused before it is read, not read into memory.
 */
export const TEXT_FILE_LIMIT = 512 * 1024 * 1024;
/** A day folder's name. */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Prefix of every temporary file custody writes; a leftover one marks an interrupted run. */
export const TEMP_PREFIX = '.custody-tmp-';

export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

/** The derived, rebuildable index of a root (src/query/): inside the root, outside the hashed tree, never exported. */
export const INDEX_DIR = '.custody-index';

/** The lock file at an archive root while a run writes to it. */
export const LOCK_NAME = '.custody.lock';

/** A day's seal (src/trust/seal.ts writes it): a Sigstore bundle over the day manifest's bytes. */
export const SEAL_FILE = 'manifest.json.sigstore.json';
/** The public key of a key seal, kept beside the seal so that verify can check it with no flags. */
export const SEAL_KEY_FILE = 'manifest.json.sigstore.pub.pem';

/** The top-level checksum list of an export. */
export const EXPORT_SUMS = 'SHA256SUMS';

/**
 * The day folder's write-ahead journal. Written (atomically) before a
 * transaction creates files or replaces manifests, removed after the last
 * manifest is in place. While it exists, the files it lists may be present
 * but unlisted, and the manifests it lists may be between their old and new
 * content: `verify` reports that as an interrupted run, not as tampering,
 * and the next `archive` completes it.
 */
export const JOURNAL = '.custody-journal.json';

/** Journals before version 2 did not keep the previous manifests: they excuse no manifest. */
export const JOURNAL_VERSION = 2;

export interface Journal {
  schemaVersion: 1 | 2;
  startedAt: string;
  pid: number;
  /** Files the transaction creates, relative to the day folder. */
  files: { path: string; sha256: string }[];
  /**
   * Manifests the transaction replaces: sha256 before (null if new) and
   * after, and the text before. A manifest caught between the two is
   * excused by verify only when `previous` hashes to `before` and the new
   * manifest keeps every entry of it unchanged (archives only add).
   */
  manifests: { path: string; before: string | null; after: string; previous?: string | null }[];
}
