import type { EvidenceKind, FormatProblem } from '../types.js';
import type { ValidateFunction } from 'ajv';
import { cyclonedxMemberRules, cyclonedxValidator, CYCLONEDX_JSON_VERSIONS, duplicateErrors } from './cyclonedx-schemas.js';
import { DuplicateFinder } from './lib/canonical.js';
import { foldWhole, ProblemList, type Streaming } from './fold.js';
import { digestFromReference, digestsIn, imageDigestFromPurl, normalizeAlgorithm, fromAlgorithmHex, toOciDigest } from './lib/digest.js';
import { arrayField, asArray, at, field, isObject, objectField, optional, stringField } from './lib/json.js';
import { addLicenseIds } from './lib/licenses.js';
import { ajvProblems, childPath, problem, unsupportedVersion } from './lib/problems.js';
import { toolSummary, type ToolRef } from './lib/tools.js';

/** CycloneDX JSON BOMs: shared by the cyclonedx format and CycloneDX in-toto predicates. */

export function cyclonedxVersionOf(bom: unknown): string | undefined {
  const version = stringField(bom, 'specVersion');
  return version && /^\d+\.\d+$/.test(version) ? version : undefined;
}

/** A BOM with vulnerabilities and no components is a VEX document (CycloneDX "VEX" use case). */
function bomKind(vulnerabilities: number, components: number): EvidenceKind {
  return vulnerabilities > 0 && components === 0 ? 'vex' : 'sbom';
}

export function cyclonedxKind(bom: unknown): EvidenceKind {
  return bomKind(arrayField(bom, 'vulnerabilities').length, arrayField(bom, 'components').length);
}

/** The BOM's schema version, or the one problem that stops validation (not an object, no or unknown version). */
function schemaVersion(bom: unknown, prefix: string, fallbackVersion: string | undefined): { version: string } | { problem: FormatProblem } {
  if (!isObject(bom)) return { problem: problem('schema-type', prefix, `${prefix || '/'} must be a JSON object (a CycloneDX BOM)`) };
  const declared = field(bom, 'specVersion');
  const version = cyclonedxVersionOf(bom) ?? fallbackVersion;
  const versionPath = childPath(prefix, 'specVersion');
  if (version === undefined) {
    return declared === undefined
      ? { problem: problem('schema-required', versionPath, `${versionPath} is required`) }
      : { problem: unsupportedVersion(versionPath, declared, 'CycloneDX JSON', CYCLONEDX_JSON_VERSIONS) };
  }
  if (!cyclonedxValidator(version)) return { problem: unsupportedVersion(versionPath, declared ?? version, 'CycloneDX JSON', CYCLONEDX_JSON_VERSIONS) };
  return { version };
}

/** The top-level arrays that hold a BOM's bulk, folded over one element at a time. */
const CYCLONEDX_MEMBERS = ['components', 'services', 'dependencies', 'vulnerabilities'] as const;

/** A component and every component nested in it (iterative: depth is bounded by the parser, not the stack). */
function withNested(component: unknown): unknown[] {
  const out: unknown[] = [];
  const stack: unknown[] = [component];
  while (stack.length > 0) {
    const next = stack.pop();
    out.push(next);
    const nested = arrayField(next, 'components');
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]);
  }
  return out;
}

function addComponentLicenses(component: unknown, ids: Set<string>): void {
  for (const choice of arrayField(component, 'licenses')) {
    const license = objectField(choice, 'license');
    const id = stringField(license, 'id') ?? stringField(license, 'name');
    if (id) ids.add(id);
    addLicenseIds(field(choice, 'expression'), ids);
  }
}

/**
 * One pass over a CycloneDX BOM: the official schema of its specVersion (the
 * head, then each bulk element against its part of the schema, with
 * uniqueItems checked across elements), the image it describes, its summary
 * and whether it is a VEX document.
 */
export const cyclonedxStreaming: Streaming = {
  members: CYCLONEDX_MEMBERS,
  open(head, item, { prefix = '', version: fallbackVersion, validate: validating = true } = {}) {
    const problems = new ProblemList();
    const resolved = validating ? schemaVersion(head, prefix, fallbackVersion) : undefined;
    // The schema version elements are checked against; none when not validating or when there is no schema.
    const version = resolved && 'version' in resolved ? resolved.version : undefined;
    if (resolved && 'problem' in resolved) problems.add([resolved.problem]);
    else if (version !== undefined) {
      const validate = cyclonedxValidator(version)!;
      if (!validate(head)) problems.add(ajvProblems(validate.errors, prefix));
    }
    const rules = new Map<string, { validate: ValidateFunction; unique: boolean } | undefined>();
    const finders = new Map<string, DuplicateFinder>();
    const licenses = new Set<string>();
    const statusCounts: Record<string, number> = {};
    let topLevelComponents = 0;
    let componentCount = 0;
    let vulnerabilityCount = 0;

    return {
      element(member, index, value) {
        if (version !== undefined) {
          if (!rules.has(member)) rules.set(member, cyclonedxMemberRules(version, member));
          const rule = rules.get(member);
          if (rule && !rule.validate(value)) problems.add(ajvProblems(rule.validate.errors, childPath(prefix, member, index)));
          if (rule?.unique) {
            let finder = finders.get(member);
            if (!finder) finders.set(member, (finder = new DuplicateFinder()));
            finder.add(value);
          }
        }
        if (member === 'components') {
          topLevelComponents++;
          for (const component of withNested(value)) {
            componentCount++;
            addComponentLicenses(component, licenses);
          }
        } else if (member === 'vulnerabilities') {
          vulnerabilityCount++;
          const state = stringField(objectField(value, 'analysis'), 'state') ?? 'unspecified';
          statusCounts[state] = (statusCounts[state] ?? 0) + 1;
        }
      },
      finish() {
        for (const [member, finder] of finders) {
          const duplicates = finder.repeats((index) => item(member, index));
          if (duplicates.length > 0) problems.add(ajvProblems(duplicateErrors(duplicates, childPath('', member)), prefix));
        }
        const kind = bomKind(vulnerabilityCount, topLevelComponents);
        const metadata = objectField(head, 'metadata');
        const main = objectField(metadata, 'component');
        const summary: Record<string, unknown> = {
          specVersion: stringField(head, 'specVersion') ?? null,
          documentName: stringField(main, 'name') ?? null,
          ...toolSummary(cyclonedxTools(head)),
          componentCount,
          licenseCount: licenses.size,
          vulnerabilityCount,
          ...optional('documentVersion', stringField(main, 'version')),
          ...optional('serialNumber', stringField(head, 'serialNumber')),
          ...optional('created', stringField(metadata, 'timestamp')),
        };
        if (kind === 'vex') {
          summary.statementCount = vulnerabilityCount;
          summary.statusCounts = statusCounts;
        }
        return { problems: problems.items, subjects: cyclonedxSubjects(head), summary, kind };
      },
    };
  },
};

/** Against the official schema of the BOM's own specVersion; every error at once. */
export function validateCyclonedx(bom: unknown, prefix = '', fallbackVersion?: string): FormatProblem[] {
  return foldWhole(cyclonedxStreaming, bom, { prefix, ...(fallbackVersion === undefined ? {} : { version: fallbackVersion }) }).problems;
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

export function summarizeCyclonedx(bom: unknown): Record<string, unknown> {
  return foldWhole(cyclonedxStreaming, bom, { validate: false }).summary;
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
