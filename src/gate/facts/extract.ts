import type { Normalized } from '../../types.js';
import { COSIGN_VULN_PREDICATE, readCosignVuln } from './cosign-vuln.js';
import { looksLikeCyclonedxScan, readCyclonedxVulnerabilities } from './cyclonedx-vulnerabilities.js';
import type { ScanFacts } from './findings.js';
import { looksLikeGrype, readGrype } from './grype.js';
import { looksLikeConfig, manifestConfigDigest, readConfig, type ConfigFacts } from './image-config.js';
import { parseJsonBytes } from './json.js';
import { isOpenvexPredicate, looksLikeOpenvex, readOpenvex, type VexFacts } from './openvex.js';
import { readProvenance, type ProvenanceFacts } from './provenance.js';
import { looksLikeSarif, readSarif } from './sarif.js';
import { readSbomAttestation, readSbomDocument, type SbomFacts } from './sbom.js';
import { readSigned, type SignedFacts } from './signed.js';
import { readStatement, type StatementFacts } from './statement.js';
import { looksLikeTrivy, readTrivy } from './trivy.js';

/** Everything the rules need to know about one piece of evidence, read from its bytes. */
export interface EvidenceFacts {
  signed?: SignedFacts;
  statement?: StatementFacts;
  provenance?: ProvenanceFacts;
  sbom?: SbomFacts;
  scan?: ScanFacts;
  vex?: VexFacts;
  config?: ConfigFacts;
  /** For an image manifest: the digest of its config. */
  configDigest?: string;
  /** A reader that failed on these bytes (a bug or hostile input): the evidence counts for nothing. */
  errors: string[];
}

export interface FactInput {
  bytes: Uint8Array;
  mediaType: string;
  annotations?: Record<string, string>;
  normalized: Normalized;
  /** The bytes already parsed (parseJsonBytes; `value` undefined when not JSON), so a caller that needs the value too parses once. */
  json?: { value: unknown };
}

/**
 * Read the facts of one piece of evidence from its bytes. Pure and total:
 * a reader that throws becomes an error in `errors`, never a crash, and
 * never a fact.
 */
export function extractFacts(input: FactInput): EvidenceFacts {
  const facts: EvidenceFacts = { errors: [] };
  const json = input.json ? input.json.value : parseJsonBytes(input.bytes);
  const guard = <T>(what: string, read: () => T | undefined): T | undefined => {
    try {
      return read();
    } catch (err) {
      facts.errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };

  const statement = guard('in-toto statement', () => readStatement(json));
  if (statement) facts.statement = statement;
  const signed = guard('signature', () => readSigned(input, statement));
  if (signed) facts.signed = signed;

  if (statement) {
    const provenance = guard('provenance', () => readProvenance(statement));
    if (provenance) facts.provenance = provenance;
    const sbom = guard('sbom', () => readSbomAttestation(statement));
    if (sbom) facts.sbom = sbom;
    if (isOpenvexPredicate(statement.predicateType)) {
      const vex = guard('openvex', () => readOpenvex(statement.predicate));
      if (vex) facts.vex = vex;
    }
    if (statement.predicateType === COSIGN_VULN_PREDICATE) {
      const scan = guard('cosign vuln', () => readCosignVuln(statement.predicate));
      if (scan) facts.scan = scan;
    }
    return facts;
  }
  if (json === undefined) {
    // SBOMs in a text serialisation (SPDX tag-value or YAML, CycloneDX XML): the normaliser read them into
    // the JSON model; its component count is the fact.
    const sbom = guard('sbom', () => textSbom(input.normalized));
    if (sbom) facts.sbom = sbom;
    return facts;
  }

  const scan = guard('scan report', (): ScanFacts | undefined => {
    if (looksLikeTrivy(json)) return readTrivy(json);
    if (looksLikeGrype(json)) return readGrype(json);
    if (looksLikeSarif(json)) return readSarif(json);
    if (looksLikeCyclonedxScan(json)) return readCyclonedxVulnerabilities(json);
    return undefined;
  });
  if (scan) facts.scan = scan;
  if (input.normalized.kind !== 'vex') {
    const sbom = guard('sbom', () => readSbomDocument(json));
    if (sbom) facts.sbom = sbom;
  }
  if (looksLikeOpenvex(json)) {
    const vex = guard('openvex', () => readOpenvex(json));
    if (vex) facts.vex = vex;
  }
  if (looksLikeConfig(json, input.mediaType)) {
    const config = guard('image config', () => readConfig(json));
    if (config) facts.config = config;
  }
  const configDigest = guard('image manifest', () => manifestConfigDigest(json, input.mediaType));
  if (configDigest) facts.configDigest = configDigest;
  return facts;
}

function textSbom(normalized: FactInput['normalized']): SbomFacts | undefined {
  if (normalized.kind !== 'sbom' || (normalized.format !== 'spdx' && normalized.format !== 'cyclonedx')) return undefined;
  const count = normalized.summary.componentCount;
  return typeof count === 'number' ? { format: normalized.format, componentCount: count, via: 'document' } : undefined;
}
