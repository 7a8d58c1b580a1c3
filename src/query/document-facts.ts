import { lstatSync, readFileSync } from 'node:fs';
import { sha256Hex } from '../lib/hash.js';
import { CustodyError } from '../errors.js';
import { extractFacts, type EvidenceFacts } from '../gate/facts/extract.js';
import { parseJsonBytes } from '../gate/facts/json.js';
import type { SbomComponent } from '../gate/facts/sbom-components.js';
import { listSbomComponents } from '../gate/facts/sbom-listing.js';
import type { EvidenceEntry } from '../types.js';
import { fail } from './read-day.js';

/** What the index keeps of one evidence document, read once from its bytes. */
export interface DocumentFacts {
  sha256: string;
  size: number;
  mediaType: string;
  /** False for the image's own manifests and configs, and documents over the size limit: listed, not read. */
  parsed: boolean;
  facts: EvidenceFacts;
  components: SbomComponent[];
}

/** Image manifests, indexes and configs answer no query: their bytes are not read. */
const UNREAD_KINDS = new Set(['image']);

/**
 * Read one evidence file for the index: a regular file of the size and
 * sha256 its (checked) image manifest records — anything else throws
 * VERIFICATION_FAILED, so no byte that verify cannot vouch for reaches an
 * answer — then its facts through the gate's readers and, for an SBOM in
 * any serialisation custody recognises, its components.
 */
export function readDocument(file: string, shown: string, entry: EvidenceEntry, maxBytes: number, root: string): DocumentFacts {
  const base = { sha256: entry.sha256, size: entry.size, mediaType: entry.mediaType, components: [] };
  if (UNREAD_KINDS.has(entry.kind)) return { ...base, parsed: false, facts: { errors: [] } };
  if (entry.size > maxBytes) return { ...base, parsed: false, facts: { errors: [`not read: ${entry.size} bytes is over the ${maxBytes}-byte limit`] } };
  let info;
  try {
    info = lstatSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') fail(`${shown} is listed but missing`, root);
    throw new CustodyError('FILE_UNREADABLE', `cannot read ${file}: ${code ?? String(err)}`, { cause: err });
  }
  if (!info.isFile()) fail(`${shown} is not a regular file`, root);
  if (info.size !== entry.size) fail(`${shown} is ${info.size} bytes; its image manifest says ${entry.size}`, root);
  const bytes = readFileSync(file);
  const actual = sha256Hex(bytes);
  if (actual !== entry.sha256) fail(`${shown} has sha256 ${actual}; its image manifest says ${entry.sha256}`, root);

  // Parsed once, for the facts and the components both (an SBOM near the size limit is never parsed whole twice).
  const json = { value: parseJsonBytes(bytes) };
  const facts = extractFacts({
    bytes,
    json,
    mediaType: entry.mediaType,
    annotations: entry.origin.descriptor?.annotations ?? {},
    normalized: {
      kind: entry.kind,
      format: entry.format,
      valid: entry.valid,
      problems: entry.problems,
      deviations: entry.deviations ?? [],
      subjects: entry.subjects,
      summary: entry.summary,
    },
  });
  const listing = listSbomComponents(entry, bytes, { json, facts });
  if (listing.reason) facts.errors.push(`sbom components: ${listing.reason}`);
  return { ...base, parsed: true, facts, components: listing.components };
}
