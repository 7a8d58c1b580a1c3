import { readTextSbom } from '../../formats/sbom-text.js';
import type { EvidenceFacts } from './extract.js';
import { readSbomAttestation, readSbomDocument } from './sbom.js';
import { readSbomComponents, readStatementComponents, type SbomComponent } from './sbom-components.js';
import { readStatement, type StatementFacts } from './statement.js';

/** What the manifest records of an archived evidence file that says how to read it. */
export interface ArchivedEvidence {
  mediaType: string;
  kind: string;
  format: string;
}

/** What a caller already read of the same bytes, so that they are not parsed a second time. */
export interface AlreadyRead {
  /** The bytes parsed as JSON (parseJsonBytes): `value` undefined when they are not JSON. */
  json?: { value: unknown };
  /** Their facts (extractFacts): an attestation's predicate is taken from its statement. */
  facts?: EvidenceFacts;
}

export interface SbomListing {
  components: SbomComponent[];
  /** Why an SBOM (kind sbom) lists nothing: its bytes could not be read as an SBOM of the format the manifest records, or a reader failed. */
  reason?: string;
}

/** Kinds whose documents list no components: a CycloneDX VEX BOM (its components, if any, are what it is about), the image's own manifests. */
const UNLISTED_KINDS = new Set(['vex', 'image']);

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The components of one archived evidence file, whatever serialisation the
 * normaliser recognised it in: SPDX 2 JSON, SPDX 3 JSON-LD, CycloneDX JSON
 * and syft JSON as readSbomComponents reads them, SBOM attestations by their
 * predicate, and SPDX tag-value and YAML and CycloneDX XML read into the
 * same JSON model by their own format's parser (readTextSbom). The one
 * reader that diff and query share. Total: bytes that cannot be read list
 * nothing, with the reason; it never throws.
 *
 * Each document is parsed at most once here, and not at all when the
 * caller passes what it already parsed: a large SBOM is never parsed whole
 * twice by one reader.
 */
export function listSbomComponents(entry: ArchivedEvidence, bytes: Uint8Array, known: AlreadyRead = {}): SbomListing {
  if (UNLISTED_KINDS.has(entry.kind)) return { components: [] };
  try {
    if (known.facts?.statement) return fromStatement(known.facts.statement);
    // Facts read without a statement: no attestation to list (only an SBOM document lists components of its own).
    if (known.facts && entry.kind === 'attestation') return { components: [] };
    if (known.json && known.json.value !== undefined) return fromDocument(known.json.value, entry);
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      return nothing(entry, 'not UTF-8 text');
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const start = /\S/.exec(text.slice(0, 4096))?.[0];
    if (start === '{' || start === '[') {
      if (known.json) return nothing(entry, 'not valid JSON');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        return nothing(entry, `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
      return fromDocument(json, entry);
    }
    if (entry.kind !== 'sbom') return { components: [] };
    const read = readTextSbom(text, entry.mediaType, entry.format);
    return 'reason' in read ? nothing(entry, read.reason) : fromDocument(read.model, entry);
  } catch (err) {
    return nothing(entry, `the component reader failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** An SBOM attestation lists its predicate's components; any other statement lists none, and that needs no reason. */
function fromStatement(statement: StatementFacts): SbomListing {
  if (!readSbomAttestation(statement)) return { components: [] };
  return { components: readStatementComponents(statement) };
}

function fromDocument(doc: unknown, entry: ArchivedEvidence): SbomListing {
  const statement = readStatement(doc);
  if (statement) return fromStatement(statement);
  if (!readSbomDocument(doc)) return nothing(entry, `no ${entry.format} SBOM custody can list (no document version, or not the shape of one)`);
  return { components: readSbomComponents(doc) };
}

/** Nothing listed; the reason is given for an SBOM (an attestation that lists nothing is most often no SBOM at all). */
function nothing(entry: ArchivedEvidence, reason: string): SbomListing {
  return entry.kind === 'sbom' ? { components: [], reason } : { components: [] };
}
