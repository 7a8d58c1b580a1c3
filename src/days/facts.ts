import type { Normalized } from '../types.js';
import { extractFacts, type EvidenceFacts } from '../gate/facts/extract.js';
import type { EvidenceView, ImageManifestView } from './views.js';

/**
 * The gate's fact extractors over archived evidence, each document read once
 * however many days and images hold it (facts are a pure function of the
 * bytes, their media type and annotations, and their kind).
 */
export class FactsCache {
  readonly #facts = new Map<string, EvidenceFacts>();

  static key(entry: EvidenceView): string {
    return JSON.stringify([entry.sha256, entry.mediaType, entry.kind, entry.origin.annotations ?? null]);
  }

  get(entry: EvidenceView): EvidenceFacts | undefined {
    return this.#facts.get(FactsCache.key(entry));
  }

  has(entry: EvidenceView): boolean {
    return this.#facts.has(FactsCache.key(entry));
  }

  /** Read and keep the facts of `entry` from its (verified) bytes. */
  read(entry: EvidenceView, bytes: Uint8Array): EvidenceFacts {
    const key = FactsCache.key(entry);
    let facts = this.#facts.get(key);
    if (!facts) {
      facts = extractFacts({
        bytes,
        mediaType: entry.mediaType,
        ...(entry.origin.annotations ? { annotations: entry.origin.annotations } : {}),
        // Codes as the archive recorded them: the facts read kind, format and summary only.
        normalized: {
          kind: entry.kind,
          format: entry.format,
          valid: entry.valid,
          problems: entry.problems as Normalized['problems'],
          deviations: entry.deviations as Normalized['deviations'],
          subjects: entry.subjects,
          summary: entry.summary,
        },
      });
      this.#facts.set(key, facts);
    }
    return facts;
  }
}

/**
 * Which of the image's digests a piece of evidence is about: where it was
 * attached, the digests it names (normaliser subjects, statement subjects).
 * Evidence that names none of them is about the image as referenced.
 */
export function aboutDigests(image: ImageManifestView, entry: EvidenceView, facts?: EvidenceFacts): string[] {
  const own = new Set([image.digest, ...image.platforms.map((p) => p.digest)]);
  const about = new Set<string>();
  for (const digest of [entry.origin.attachedTo, ...entry.subjects, ...(facts?.statement?.subjects ?? [])]) {
    if (digest !== undefined && own.has(digest)) about.add(digest);
  }
  if (about.size === 0) about.add(image.digest);
  return [...about];
}

/** `index`, `image` or the platform (`linux/arm64`) a digest of the image stands for. */
export function digestLabel(image: ImageManifestView, digest: string): string {
  if (digest === image.digest) return image.platforms.length > 0 ? 'index' : 'image';
  const platform = image.platforms.find((p) => p.digest === digest);
  return platform?.platform ?? digest.slice(0, 19);
}
