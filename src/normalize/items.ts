import { FORMATS } from '../formats/index.js';
import type { AnyRaw, ArchiveItem, Normalized, PlannedItem, Raw, RawFile, Subject, Verification } from '../types.js';
import { normalizeFile, type DocumentFile } from './file.js';
import type { Limits } from '../lib/limits.js';
import { normalize } from './normalize.js';

export type SignatureVerifier = (raw: Raw, normalized: Normalized, subject: Subject) => Promise<Verification | undefined>;

/** Opens a spooled blob for the normaliser to read (the caller's I/O); closed once it is judged. */
export type OpenDocument = (file: RawFile) => Promise<DocumentFile & { close(): Promise<void> }>;

/** Kinds whose evidence may be signed material: the only ones a spooled blob is read whole for to be verified. */
const SIGNED_KINDS = new Set(['signature', 'attestation']);

/**
 * Normalise every raw piece of evidence of one image against the image's
 * digests (index and platform manifests), then verify signatures where a
 * verifier is given. The bytes are passed through untouched. A spooled blob
 * (in a temporary file) is judged from its file, read whole only where a
 * format must parse it, and stays in its file.
 */
export async function normalizeAll(
  subject: Subject,
  raws: readonly Raw[],
  limits: Partial<Limits> | undefined,
  verify?: SignatureVerifier,
  options?: { strict?: boolean },
): Promise<ArchiveItem[]>;
export async function normalizeAll(
  subject: Subject,
  raws: readonly AnyRaw[],
  limits: Partial<Limits> | undefined,
  verify: SignatureVerifier | undefined,
  options: { strict?: boolean; open: OpenDocument },
): Promise<PlannedItem[]>;
export async function normalizeAll(
  subject: Subject,
  raws: readonly AnyRaw[],
  limits: Partial<Limits> | undefined,
  verify?: SignatureVerifier,
  options: { strict?: boolean; open?: OpenDocument } = {},
): Promise<PlannedItem[]> {
  const imageDigests = [subject.digest, ...subject.platforms.map((p) => p.digest)];
  const items: PlannedItem[] = [];
  for (const raw of raws) {
    const annotations = raw.origin.descriptor?.annotations;
    // A referrer of a referrer (a signature on an SBOM artifact) speaks of that artifact.
    const about = raw.origin.via ? [...imageDigests, raw.origin.via] : imageDigests;
    const context = { imageDigests: about, ...(limits ? { limits } : {}), ...(options.strict ? { strict: true } : {}) };
    const open = options.open;
    const input = { mediaType: raw.mediaType, ...(annotations ? { annotations } : {}) };
    let normalized: Normalized;
    let bytes: Uint8Array | undefined;
    if (raw.file === undefined) {
      bytes = raw.bytes;
      normalized = normalize({ ...input, bytes }, context);
    } else {
      if (!open) throw new Error(`normalizeAll: ${raw.file.path} is a spooled blob and no way to open it was given`);
      const document = await open(raw.file);
      try {
        ({ normalized, bytes } = await normalizeFile(document, input, context));
        if (verify && bytes === undefined && SIGNED_KINDS.has(normalized.kind)) bytes = await document.readAll();
      } finally {
        await document.close();
      }
    }
    const mediaType =
      raw.mediaType || normalized.defaultMediaType || FORMATS.find((f) => f.id === normalized.format)?.defaultMediaType || 'application/octet-stream';
    const verification =
      verify && bytes !== undefined && (raw.file === undefined || SIGNED_KINDS.has(normalized.kind))
        ? await verify({ bytes, mediaType, origin: raw.origin }, normalized, subject)
        : undefined;
    const extra = { mediaType, origin: raw.origin, normalized, ...(verification ? { verification } : {}) };
    items.push(raw.file === undefined ? { bytes: raw.bytes, ...extra } : { file: raw.file, ...extra });
  }
  return items;
}
