import type { Problem } from '../types.js';
import type { EvidenceKind } from '../types.js';
import { cyclonedxValidator, CYCLONEDX_JSON_VERSIONS } from './cyclonedx-schemas.js';
import { digestFromReference, digestsIn, imageDigestFromPurl, normalizeAlgorithm, fromAlgorithmHex, toOciDigest } from './lib/digest.js';
import { arrayField, asArray, at, field, isObject, objectField, stringField } from './lib/json.js';
import { addLicenseIds } from './lib/licenses.js';
import { ajvProblems, childPath, problem } from './lib/problems.js';
import { toolSummary, type ToolRef } from './lib/tools.js';

/** CycloneDX JSON BOMs: shared by the cyclonedx format and CycloneDX in-toto predicates. */

export function cyclonedxVersionOf(bom: unknown): string | undefined {
  const version = stringField(bom, 'specVersion');
  return version && /^\d+\.\d+$/.test(version) ? version : undefined;
}

/** A BOM with vulnerabilities and no components is a VEX document (CycloneDX "VEX" use case). */
export function cyclonedxKind(bom: unknown): EvidenceKind {
  const vulns = arrayField(bom, 'vulnerabilities');
  const components = arrayField(bom, 'components');
  return vulns.length > 0 && components.length === 0 ? 'vex' : 'sbom';
}

/** Against the official schema of the BOM's own specVersion; every error at once. */
export function validateCyclonedx(bom: unknown, prefix = '', fallbackVersion?: string): Problem[] {
  if (!isObject(bom)) return [problem('schema-type', prefix, `${prefix || '/'} must be a JSON object (a CycloneDX BOM)`)];
  const declared = field(bom, 'specVersion');
  const version = cyclonedxVersionOf(bom) ?? fallbackVersion;
  const versionPath = childPath(prefix, 'specVersion');
  if (version === undefined) {
    return declared === undefined
      ? [problem('schema-required', versionPath, `${versionPath} is required`)]
      : [problem('cyclonedx-unsupported-version', versionPath, `${versionPath} ${JSON.stringify(declared)} is not a CycloneDX version`)];
  }
  const validate = cyclonedxValidator(version);
  if (!validate) {
    return [
      problem(
        'cyclonedx-unsupported-version',
        versionPath,
        `${versionPath} CycloneDX ${version} has no JSON schema (JSON exists for ${CYCLONEDX_JSON_VERSIONS.join(', ')})`,
      ),
    ];
  }
  return validate(bom) ? [] : ajvProblems(validate.errors, prefix);
}

/** Every component, nested ones included (iterative: depth is bounded by the parser, not the stack). */
export function allComponents(bom: unknown): unknown[] {
  const out: unknown[] = [];
  const stack: unknown[] = [...arrayField(bom, 'components')].reverse();
  while (stack.length > 0) {
    const component = stack.pop();
    out.push(component);
    const nested = arrayField(component, 'components');
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]);
  }
  return out;
}

/** metadata.tools: an array of {vendor,name,version} up to 1.4, `{components, services}` from 1.5. */
export function cyclonedxTools(bom: unknown): ToolRef[] {
  const tools = at(bom, 'metadata', 'tools');
  const entries = Array.isArray(tools) ? tools : [...arrayField(tools, 'components'), ...arrayField(tools, 'services')];
  const refs: ToolRef[] = [];
  for (const entry of entries) {
    const name = stringField(entry, 'name');
    if (!name) continue;
    const version = stringField(entry, 'version');
    refs.push(version === undefined ? { name } : { name, version });
  }
  return refs;
}

function licenseIds(bomOrComponents: readonly unknown[]): Set<string> {
  const ids = new Set<string>();
  for (const component of bomOrComponents) {
    for (const choice of arrayField(component, 'licenses')) {
      const license = objectField(choice, 'license');
      const id = stringField(license, 'id') ?? stringField(license, 'name');
      if (id) ids.add(id);
      addLicenseIds(field(choice, 'expression'), ids);
    }
  }
  return ids;
}

/** Counts of vulnerabilities[].analysis.state; `unspecified` when a statement has none. */
export function cyclonedxStatusCounts(bom: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const vuln of arrayField(bom, 'vulnerabilities')) {
    const state = stringField(objectField(vuln, 'analysis'), 'state') ?? 'unspecified';
    counts[state] = (counts[state] ?? 0) + 1;
  }
  return counts;
}

export function summarizeCyclonedx(bom: unknown): Record<string, unknown> {
  const components = allComponents(bom);
  const metadata = objectField(bom, 'metadata');
  const main = objectField(metadata, 'component');
  const summary: Record<string, unknown> = {
    specVersion: stringField(bom, 'specVersion') ?? null,
    documentName: stringField(main, 'name') ?? null,
    ...toolSummary(cyclonedxTools(bom)),
    componentCount: components.length,
    licenseCount: licenseIds(components).size,
    vulnerabilityCount: arrayField(bom, 'vulnerabilities').length,
  };
  const mainVersion = stringField(main, 'version');
  if (mainVersion !== undefined) summary.documentVersion = mainVersion;
  const serial = stringField(bom, 'serialNumber');
  if (serial !== undefined) summary.serialNumber = serial;
  const created = stringField(metadata, 'timestamp');
  if (created !== undefined) summary.created = created;
  if (cyclonedxKind(bom) === 'vex') {
    summary.statementCount = arrayField(bom, 'vulnerabilities').length;
    summary.statusCounts = cyclonedxStatusCounts(bom);
  }
  return summary;
}

const TRIVY_REPO_DIGEST = 'aquasecurity:trivy:RepoDigest';

/**
 * The image the BOM describes, from metadata.component: a `pkg:oci`/`pkg:docker`
 * purl pinned to a digest; and for a `container` component also its SHA-256
 * hashes, a digest in its bom-ref or version, and trivy's RepoDigest property.
 */
export function cyclonedxSubjects(bom: unknown): string[] {
  const main = at(bom, 'metadata', 'component');
  if (!isObject(main)) return [];
  const subjects: string[] = [];
  const add = (digest: string | undefined): void => {
    if (digest) subjects.push(digest);
  };
  add(imageDigestFromPurl(field(main, 'purl')));
  if (stringField(main, 'type') !== 'container') return subjects;
  for (const hash of arrayField(main, 'hashes')) {
    const alg = stringField(hash, 'alg');
    if (alg && normalizeAlgorithm(alg) === 'sha256') add(fromAlgorithmHex('sha256', field(hash, 'content')));
  }
  const bomRef = stringField(main, 'bom-ref');
  if (bomRef) {
    const fromPurl = imageDigestFromPurl(bomRef);
    if (fromPurl) add(fromPurl);
    else for (const d of digestsIn(bomRef)) add(d);
  }
  add(toOciDigest(field(main, 'version')));
  for (const property of asArray(field(main, 'properties'))) {
    if (stringField(property, 'name') === TRIVY_REPO_DIGEST) add(digestFromReference(field(property, 'value')));
  }
  return subjects;
}
