/**
 * custody's library API. The CLI (src/cli/) is a thin layer over these.
 */
export * from './types.js';
export * from './problem-codes.js';
export { CustodyError, isCustodyError, type ErrorCode } from './errors.js';
export { parseReference, formatReference, isDigest, type ImageReference } from './oci/reference.js';
export { normalize, detectFormat, type NormalizeInput, type NormalizeContext } from './normalize/normalize.js';
export { normalizeAll } from './normalize/items.js';
export { DEFAULT_LIMITS, type Limits } from './lib/limits.js';
export { FORMATS } from './formats/index.js';
export type { Format, Detection, DetectInput } from './formats/format.js';
export {
  archive,
  type ArchiveOptions,
  type ArchiveReport,
  type ImageResult,
  type CollectedImage,
  type Collector,
  type CollectContext,
} from './archive/archive.js';
export { parseImagesList, readImagesFile, inShard } from './archive/batch.js';
export { parseShard } from './archive/shard.js';
export { verifyArchive, type VerifyReport, type VerifyOptions } from './verify/verify.js';
export { exportDay } from './export/export.js';
export { collect, discover, openSource, RegistrySession } from './collect/index.js';
export type { Source, SourceOptions, BlobSink } from './oci/source.js';
export type { BlobSpool, CollectOptions } from './collect/types.js';
export { normalizeFile, type DocumentFile } from './normalize/file.js';
export { TOOL } from './version.js';
export * from './gate/index.js';
export * from './report/index.js';
export * from './diff/index.js';
export { readSbomComponents, type SbomComponent } from './gate/facts/sbom-components.js';
export * from './query/index.js';
