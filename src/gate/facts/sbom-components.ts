import { array, isRecord, text } from './json.js';
import type { SbomFormatId } from './sbom.js';
import { readStatement } from './statement.js';

/** One package an SBOM lists. */
export interface SbomComponent {
  name: string;
  version?: string;
  purl?: string;
}

export interface SbomComponents {
  format: SbomFormatId;
  components: SbomComponent[];
}

/** Nesting of CycloneDX components followed at most (as countComponents in sbom.ts). */
const MAX_DEPTH = 64;

/**
 * The packages of an SBOM, in the formats whose facts sbom.ts reads (SPDX 2
 * JSON, SPDX 3 JSON-LD, CycloneDX JSON with nested components, syft JSON),
 * as a document or as the predicate of an in-toto statement (bare or in an
 * envelope). undefined when the JSON is none of these.
 */
export function readSbomComponents(json: unknown): SbomComponents | undefined {
  const statement = readStatement(json);
  if (statement) {
    if (!/^https:\/\/(spdx\.dev\/Document|cyclonedx\.org\/bom)/.test(statement.predicateType)) return undefined;
    return readDocument(statement.predicate);
  }
  return readDocument(json);
}

function readDocument(json: unknown): SbomComponents | undefined {
  if (!isRecord(json)) return undefined;
  if (/^SPDX-2\./.test(text(json, 'spdxVersion') ?? '')) {
    return { format: 'spdx', components: array(json, 'packages').map(spdx2Package).filter(named) };
  }
  const context = json['@context'];
  if (typeof context === 'string' && /spdx\.org\/rdf\/3\./.test(context) && Array.isArray(json['@graph'])) {
    const packages = array(json, '@graph').filter((e) => /^(software_)?Package$/.test(text(e, 'type') ?? ''));
    return { format: 'spdx', components: packages.map(spdx3Package).filter(named) };
  }
  if (json.bomFormat === 'CycloneDX' && Array.isArray(json.components)) {
    const out: SbomComponent[] = [];
    cyclonedxComponents(array(json, 'components'), out, 0);
    return { format: 'cyclonedx', components: out };
  }
  if (Array.isArray(json.artifacts) && isRecord(json.descriptor) && text(json.descriptor, 'name') === 'syft') {
    return { format: 'syft', components: array(json, 'artifacts').map((a) => component(text(a, 'name'), text(a, 'version'), text(a, 'purl'))).filter(named) };
  }
  return undefined;
}

function component(name: string | undefined, version: string | undefined, purl: string | undefined): SbomComponent {
  const out: SbomComponent = { name: name ?? '' };
  if (version) out.version = version;
  if (purl) out.purl = purl;
  return out;
}

function named(c: SbomComponent): boolean {
  return c.name !== '' || c.purl !== undefined;
}

/** SPDX 2: `name`, `versionInfo`, and the purl among `externalRefs` (referenceType purl). */
function spdx2Package(p: unknown): SbomComponent {
  const purl = array(p, 'externalRefs').find((r) => text(r, 'referenceType') === 'purl');
  return component(text(p, 'name'), text(p, 'versionInfo'), text(purl, 'referenceLocator'));
}

/** SPDX 3: `name`, `software_packageVersion`, `software_packageUrl` (or their unprefixed 3.0 draft names). */
function spdx3Package(p: unknown): SbomComponent {
  return component(text(p, 'name'), text(p, 'software_packageVersion') ?? text(p, 'packageVersion'), text(p, 'software_packageUrl') ?? text(p, 'packageUrl'));
}

/** CycloneDX: `group/name`, `version`, `purl`, nested `components` included. */
function cyclonedxComponents(list: unknown[], out: SbomComponent[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const c of list) {
    if (!isRecord(c)) continue;
    const group = text(c, 'group');
    const name = text(c, 'name');
    out.push(component(group && name ? `${group}/${name}` : name, text(c, 'version'), text(c, 'purl')));
    cyclonedxComponents(array(c, 'components'), out, depth + 1);
  }
}
