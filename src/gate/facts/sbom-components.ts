import { array, isRecord, text } from './json.js';
import { readSbomDocument } from './sbom.js';
import { readStatement, type StatementFacts } from './statement.js';

const SBOM_PREDICATE = /^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)/;

/** One package an SBOM lists: its name, version and purl as the document states them. */
export interface SbomComponent {
  name: string;
  version?: string;
  purl?: string;
}

/** Components an SBOM may list before the rest are left out (a hostile document cannot fill a database). */
export const MAX_COMPONENTS = 200_000;

/**
 * The packages of an SBOM document (or of an SBOM attestation's predicate):
 * SPDX 2 JSON `packages[]` (`versionInfo`, the `purl` external reference),
 * SPDX 3 JSON-LD `…Package` elements (`software_packageVersion`,
 * `software_packageUrl`), CycloneDX `components[]` nested, syft
 * `artifacts[]`, as a document or as the predicate of an SBOM attestation.
 * A component without a name is left out; duplicates are listed once. Empty for anything that is not an SBOM readSbomDocument knows.
 */
export function readSbomComponents(json: unknown): SbomComponent[] {
  // An SBOM attestation (an in-toto statement, bare or in a DSSE envelope): its predicate.
  const statement = readStatement(json);
  if (statement) return readStatementComponents(statement);
  const facts = readSbomDocument(json);
  if (!facts || !isRecord(json)) return [];
  const out = new Components();
  if (facts.format === 'spdx' && Array.isArray(json.packages)) {
    for (const p of array(json, 'packages')) {
      const purl = array(p, 'externalRefs').find((ref) => text(ref, 'referenceType') === 'purl');
      out.add(text(p, 'name'), text(p, 'versionInfo'), text(purl, 'referenceLocator'));
    }
  } else if (facts.format === 'spdx') {
    for (const e of array(json, '@graph')) {
      if (!/^(software_)?Package$/.test(text(e, 'type') ?? '')) continue;
      out.add(text(e, 'name'), text(e, 'software_packageVersion') ?? text(e, 'packageVersion'), text(e, 'software_packageUrl') ?? text(e, 'packageUrl'));
    }
  } else if (facts.format === 'cyclonedx') {
    const visit = (components: unknown[], depth: number) => {
      if (depth > 64) return;
      for (const c of components) {
        out.add(text(c, 'name'), text(c, 'version'), text(c, 'purl'));
        visit(array(c, 'components'), depth + 1);
      }
    };
    visit(array(json, 'components'), 0);
  } else {
    for (const a of array(json, 'artifacts')) out.add(text(a, 'name'), text(a, 'version'), text(a, 'purl'));
  }
  return out.list;
}

/** The packages of an SBOM attestation's predicate; none for any other statement. */
export function readStatementComponents(statement: StatementFacts): SbomComponent[] {
  return SBOM_PREDICATE.test(statement.predicateType) ? readSbomComponents(statement.predicate) : [];
}

class Components {
  readonly list: SbomComponent[] = [];
  private readonly seen = new Set<string>();

  add(name: string | undefined, version: string | undefined, purl: string | undefined): void {
    if (name === undefined || name.trim() === '' || this.list.length >= MAX_COMPONENTS) return;
    const key = `${name}\u0000${version ?? ''}\u0000${purl ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const component: SbomComponent = { name };
    if (version !== undefined && version !== '' && version !== 'NOASSERTION') component.version = version;
    if (purl !== undefined && purl !== '') component.purl = purl;
    this.list.push(component);
  }
}
