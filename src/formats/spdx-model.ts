import type { FormatProblem } from '../types.js';
import { imageDigestFromPurl } from './lib/digest.js';
import { arrayField, asString, field, isObject, objectField, optional, stringField } from './lib/json.js';
import { addLicenseIds } from './lib/licenses.js';
import { RepeatFinder, stringFingerprint } from './lib/canonical.js';
import { ajvProblems, checkSchema, childPath, problem, unsupportedVersion } from './lib/problems.js';
import type { ValidateFunction } from 'ajv';
import { schemaPartValidator } from '../schemas.js';
import { foldWhole, ProblemList, type Streaming } from './fold.js';
import { parseSpdxTool, toolSummary, type ToolRef } from './lib/tools.js';

/**
 * SPDX 2.x documents in their JSON shape. The JSON format and the tag-value
 * format (parsed into this shape) share validation, subjects and summary.
 */

export const SPDX2_SCHEMA = 'formats/spdx-2.schema.json';

const SPDX_VERSION = /^SPDX-\d+\.\d+$/;
/** Versions the SPDX 2 schema describes. */
export const SPDX2_VERSIONS = ['SPDX-2.2', 'SPDX-2.3'] as const;

/** A well-formed `SPDX-x.y` that is not one custody has rules for: that problem, and no schema check. */
function spdxVersionProblem(head: unknown, prefix: string): FormatProblem | undefined {
  const declared = field(head, 'spdxVersion');
  if (typeof declared !== 'string' || !SPDX_VERSION.test(declared) || (SPDX2_VERSIONS as readonly string[]).includes(declared)) return undefined;
  return unsupportedVersion(childPath(prefix, 'spdxVersion'), declared, 'SPDX', SPDX2_VERSIONS);
}

/** `SPDX-2.3` → `2.3`. */
export function spdxVersionOf(doc: unknown): string | undefined {
  const version = stringField(doc, 'spdxVersion');
  const match = version ? /^SPDX-(\d+\.\d+)$/.exec(version) : null;
  return match ? match[1] : undefined;
}

/** The top-level arrays that hold an SPDX document's bulk, folded over one element at a time. */
const SPDX2_MEMBERS = ['packages', 'files', 'snippets', 'relationships'] as const;

/** Schema parts each bulk element is checked against; SPDX 2.2 adds requirements (the schema's if/then). */
function elementChecks(member: string, v22: boolean): ValidateFunction[] {
  const parts = [schemaPartValidator(SPDX2_SCHEMA, `/properties/${member}/items`)];
  if (v22 && (member === 'packages' || member === 'files')) parts.push(schemaPartValidator(SPDX2_SCHEMA, `/then/properties/${member}/items`));
  return parts;
}

/**
 * One pass over an SPDX 2 document: the schema (the head, then each element
 * against its part of the schema), SPDXIDs unique in the document (SPDX 2.3
 * §3.2), the image digests it describes, and its summary.
 */
export const spdx2Streaming: Streaming = {
  members: SPDX2_MEMBERS,
  open(head, item, { prefix = '', validate: validating = true } = {}) {
    const problems = new ProblemList();
    const unsupported = validating ? spdxVersionProblem(head, prefix) : undefined;
    if (unsupported) {
      problems.add([unsupported]);
      validating = false;
    }
    if (validating) problems.add(checkSchema(SPDX2_SCHEMA, head, prefix));
    const v22 = stringField(head, 'spdxVersion') === 'SPDX-2.2';
    const checks = new Map(validating ? SPDX2_MEMBERS.map((m) => [m as string, elementChecks(m, v22)]) : []);
    // SPDXIDs, in document order: the document's own, then those of packages, files and snippets.
    // Each leaves a number in a RepeatFinder and where it was (element index × 4 + section, or -1 for
    // the document); repeats are found, and their paths spelled out, at the end.
    const sections = ['packages', 'files', 'snippets'];
    const ids = new RepeatFinder<string | undefined>(
      (id) => stringFingerprint(id ?? ''),
      (id) => id ?? '',
    );
    const whereOf: number[] = [];
    const idAt = (where: number) => stringField(where < 0 ? head : item(sections[where % 4]!, Math.floor(where / 4)), 'SPDXID');
    const idPath = (where: number) => (where < 0 ? childPath(prefix, 'SPDXID') : childPath(prefix, sections[where % 4]!, Math.floor(where / 4), 'SPDXID'));
    const note = (id: unknown, where: number): void => {
      if (!validating || typeof id !== 'string') return;
      ids.add(id);
      whereOf.push(where);
    };
    note(field(head, 'SPDXID'), -1);

    const docId = stringField(head, 'SPDXID') ?? 'SPDXRef-DOCUMENT';
    const described = new Set<string>();
    for (const id of arrayField(head, 'documentDescribes')) if (typeof id === 'string') described.add(id);
    // Packages that pin an image digest in a purl: subjects if they are containers or described.
    const candidates: { id: string | undefined; container: boolean; digests: string[] }[] = [];
    const licenses = new Set<string>();
    let packageCount = 0;
    let fileCount = 0;

    return {
      element(member, index, value) {
        for (const validate of checks.get(member) ?? []) if (!validate(value)) problems.add(ajvProblems(validate.errors, childPath(prefix, member, index)));
        const section = sections.indexOf(member);
        if (section >= 0) note(field(value, 'SPDXID'), index * 4 + section);
        if (member === 'packages') {
          packageCount++;
          addLicenseIds(field(value, 'licenseConcluded'), licenses);
          addLicenseIds(field(value, 'licenseDeclared'), licenses);
          for (const l of arrayField(value, 'licenseInfoFromFiles')) addLicenseIds(l, licenses);
          const digests: string[] = [];
          for (const ref of arrayField(value, 'externalRefs')) {
            if (stringField(ref, 'referenceType') !== 'purl') continue;
            const digest = imageDigestFromPurl(field(ref, 'referenceLocator'));
            if (digest) digests.push(digest);
          }
          if (digests.length > 0)
            candidates.push({ id: stringField(value, 'SPDXID'), container: stringField(value, 'primaryPackagePurpose') === 'CONTAINER', digests });
        } else if (member === 'files') {
          fileCount++;
          addLicenseIds(field(value, 'licenseConcluded'), licenses);
          for (const l of arrayField(value, 'licenseInfoInFiles')) addLicenseIds(l, licenses);
        } else if (member === 'relationships') {
          // DESCRIBES / DESCRIBED_BY relationships name what the document describes.
          const type = stringField(value, 'relationshipType');
          const from = stringField(value, 'spdxElementId');
          const to = stringField(value, 'relatedSpdxElement');
          if (type === 'DESCRIBES' && from === docId && to) described.add(to);
          if (type === 'DESCRIBED_BY' && to === docId && from) described.add(from);
        }
      },
      finish() {
        for (const [first, repeat] of ids.repeats((ordinal) => idAt(whereOf[ordinal]!))) {
          const path = idPath(whereOf[repeat]!);
          problems.add([problem('spdx-duplicate-id', path, `${path} SPDXID ${idAt(whereOf[repeat]!) ?? ''} is already used at ${idPath(whereOf[first]!)}`)]);
        }
        // Subjects: described packages, or CONTAINER packages, with a `pkg:oci`/`pkg:docker` purl pinned to a
        // digest. Checksums are not used: for an image they may be the config digest.
        const subjects = candidates.filter((c) => c.container || (c.id !== undefined && described.has(c.id))).flatMap((c) => c.digests);
        const summary: Record<string, unknown> = {
          specVersion: stringField(head, 'spdxVersion') ?? null,
          documentName: stringField(head, 'name') ?? null,
          ...toolSummary(spdx2Tools(head)),
          componentCount: packageCount,
          fileCount,
          licenseCount: licenses.size,
          ...optional('created', stringField(objectField(head, 'creationInfo'), 'created')),
          ...optional('documentNamespace', stringField(head, 'documentNamespace')),
        };
        return { problems: problems.items, subjects, summary };
      },
    };
  },
};

/** Schema and SPDXID uniqueness; `prefix` for a document nested in another (an in-toto predicate). */
export function validateSpdx2(doc: unknown, prefix = ''): FormatProblem[] {
  return foldWhole(spdx2Streaming, doc, { prefix }).problems;
}

export function spdx2Subjects(doc: unknown): string[] {
  return foldWhole(spdx2Streaming, doc, { validate: false }).subjects;
}

/** SBOM summary (docs/formats.md): spec version, tool, document name, package and licence counts. */
export function summarizeSpdx2(doc: unknown): Record<string, unknown> {
  return foldWhole(spdx2Streaming, doc, { validate: false }).summary;
}

export function spdx2Tools(doc: unknown): ToolRef[] {
  const tools: ToolRef[] = [];
  for (const creator of arrayField(objectField(doc, 'creationInfo'), 'creators')) {
    const tool = typeof creator === 'string' ? parseSpdxTool(creator) : undefined;
    if (tool) tools.push(tool);
  }
  return tools;
}

/** True for an SPDX 2 JSON document (the `spdxVersion` marker). */
/** An SPDX 2-style document: `spdxVersion: SPDX-<major>.<minor>` (any version: an unknown one is reported, not hidden). */
export function looksLikeSpdx2(json: unknown): boolean {
  return isObject(json) && SPDX_VERSION.test(asString(json.spdxVersion) ?? '');
}
