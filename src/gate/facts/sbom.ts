import { array, isRecord, text } from './json.js';
import type { StatementFacts } from './statement.js';

export type SbomFormatId = 'spdx' | 'cyclonedx' | 'syft';

export interface SbomFacts {
  format: SbomFormatId;
  componentCount: number;
  /** A document of its own, or the predicate of an in-toto attestation (BuildKit, cosign attest). */
  via: 'document' | 'attestation';
  /** The in-toto predicate type, for SBOMs that arrived as attestations. */
  predicateType?: string;
}

/** SBOM facts of a document: SPDX 2 JSON, SPDX 3 JSON-LD, CycloneDX JSON (with components), syft JSON. */
export function readSbomDocument(json: unknown, via: SbomFacts['via'] = 'document'): SbomFacts | undefined {
  if (!isRecord(json)) return undefined;
  if (/^SPDX-2\./.test(text(json, 'spdxVersion') ?? '')) return { format: 'spdx', componentCount: array(json, 'packages').length, via };
  const context = json['@context'];
  if (typeof context === 'string' && /spdx\.org\/rdf\/3\./.test(context) && Array.isArray(json['@graph'])) {
    const packages = array(json, '@graph').filter((e) => /^(software_)?Package$/.test(text(e, 'type') ?? ''));
    return { format: 'spdx', componentCount: packages.length, via };
  }
  if (json.bomFormat === 'CycloneDX' && Array.isArray(json.components))
    return { format: 'cyclonedx', componentCount: countComponents(array(json, 'components')), via };
  if (Array.isArray(json.artifacts) && isRecord(json.descriptor) && text(json.descriptor, 'name') === 'syft') {
    return { format: 'syft', componentCount: array(json, 'artifacts').length, via };
  }
  return undefined;
}

/** SBOM facts of an in-toto statement whose predicate is an SPDX or CycloneDX document. */
export function readSbomAttestation(statement: StatementFacts): SbomFacts | undefined {
  const type = statement.predicateType;
  if (!/^https:\/\/spdx\.dev\/Document/.test(type) && !/^https:\/\/cyclonedx\.org\/bom/.test(type)) return undefined;
  const facts = readSbomDocument(statement.predicate, 'attestation');
  return facts ? { ...facts, predicateType: type } : undefined;
}

function countComponents(components: unknown[], depth = 0): number {
  if (depth > 64) return 0;
  let count = 0;
  for (const c of components) count += 1 + countComponents(array(c, 'components'), depth + 1);
  return count;
}
