import type { Limits } from '../lib/limits.js';
import type { EvidenceKind, FormatProblem } from '../types.js';
import type { Streaming } from './fold.js';

/**
 * What a format sees when asked whether it recognises an input. The
 * normaliser parses once: `json` is set when the bytes are a JSON document
 * within the limits, `text` when they are UTF-8 text that is not JSON.
 */
export interface DetectInput {
  /** Media type the evidence arrived with (descriptor, artifactType or file guess); may be empty. */
  mediaType: string;
  json?: unknown;
  text?: string;
  /** Annotations of the descriptor that carried the bytes (cosign signature layers keep theirs). */
  annotations?: Record<string, string>;
  /** The bytes as received, for binary formats recognised by media type (COSE). Never modified. */
  bytes?: Uint8Array;
  /** The run's limits, for formats that parse embedded documents (DSSE payloads, annotations). */
  limits?: Limits;
}

export interface Detection {
  /** Whether the media type or the content decided: media type wins over content markers. */
  by: 'media-type' | 'content';
  /** Human-readable reason: `media type application/spdx+json`, `marker spdxVersion=SPDX-2.3`. */
  reason: string;
  /** Version of the format spoken by this document, e.g. `2.3`, `1.6`, `v1`. */
  version?: string;
  /** Overrides the format's kind for this document (a CycloneDX VEX BOM is `vex`). */
  kind?: EvidenceKind;
}

/** A format plug-in: one object per file in src/formats/, listed in src/formats/index.ts. */
export interface Format {
  /** Value of the manifest's `format` field: spdx, cyclonedx, in-toto, trivy, ... */
  id: string;
  kind: EvidenceKind;
  /** Media type recorded when the input came without one (local files). */
  defaultMediaType: string;
  /** Recognise by media type first, then by content markers; never by file name. */
  detect(input: DetectInput): Detection | undefined;
  /** Every problem at once; never modifies the document. */
  validate(input: DetectInput, detection: Detection): FormatProblem[];
  /** Digests (`sha256:<hex>`) the document claims to describe. */
  subjects(input: DetectInput, detection: Detection): string[];
  /** One-glance facts for the manifest's `summary`. */
  summarize(input: DetectInput, detection: Detection): Record<string, unknown>;
  /**
   * For formats whose documents can be very large: validate, subjects and
   * summary in one fold, over the document parsed whole or in slices.
   */
  streaming?: Streaming;
}
