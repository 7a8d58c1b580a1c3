import type { FormatProblem } from '../types.js';
import { imageDigestFromPurl } from './lib/digest.js';
import { arrayField, asString, field, isObject, objectField, optional, stringField } from './lib/json.js';
import { addLicenseIds } from './lib/licenses.js';
import { StringRepeats } from './lib/string-repeats.js';
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
  open(head, item, { prefix = '', validate = true } = {}) {
    const problems = new ProblemList();
    const checks = validate ? headChecks(head, prefix, problems) : undefined;
    // IDs are compared only where the document is validated (a version custody has rules for).
    const ids = checks ? new SpdxIds(head, item, prefix) : undefined;
    const tally = new SpdxTally(head);
    return {
      element(member, index, value) {
        for (const check of checks?.get(member) ?? []) if (!check(value)) problems.add(ajvProblems(check.errors, childPath(prefix, member, index)));
        ids?.element(member, index, value);
        tally.element(member, value);
      },
      finish() {
        if (ids) problems.add(ids.repeatProblems());
        return { problems: problems.items, subjects: tally.subjects(), summary: tally.summary() };
      },
    };
  },
};

/**
 * The head's own problems (a version custody has no rules for; else the
 * schema's, the bulk arrays empty), and the schema parts each bulk element
 * is checked against. Undefined when the version is not one custody has
 * rules for: nothing more is validated.
 */
function headChecks(head: unknown, prefix: string, problems: ProblemList): Map<string, ValidateFunction[]> | undefined {
  const unsupported = spdxVersionProblem(head, prefix);
  if (unsupported) {
    problems.add([unsupported]);
    return undefined;
  }
  problems.add(checkSchema(SPDX2_SCHEMA, head, prefix));
  const v22 = stringField(head, 'spdxVersion') === 'SPDX-2.2';
  return new Map(SPDX2_MEMBERS.map((m) => [m as string, elementChecks(m, v22)]));
}

/** The bulk arrays whose elements carry SPDXIDs. */
const ID_SECTIONS = ['packages', 'files', 'snippets'];

/** Consecutive elements of one section, at positions from `position` on: the first is element `index` of that section. */
interface Run {
  position: number;
  section: number;
  index: number;
}

/**
 * SPDXIDs, for uniqueness in the document. Each element of packages, files
 * and snippets takes the next position in a StringRepeats (the document's
 * own ID takes 0) and leaves 4 bytes there: not its ID, not where it was.
 * A handful of runs (one per section, as elements come array by array)
 * turn a position back into a section and an index. Repeats are found at
 * the end, their IDs read again (`item`) and their paths spelled out.
 */
class SpdxIds {
  private readonly seen = new StringRepeats();
  private readonly runs: Run[] = [];

  constructor(
    private readonly head: unknown,
    private readonly item: (member: string, index: number) => unknown,
    private readonly prefix: string,
  ) {
    this.seen.add(stringField(head, 'SPDXID'));
  }

  element(member: string, index: number, value: unknown): void {
    const section = ID_SECTIONS.indexOf(member);
    if (section < 0) return;
    const position = this.seen.size;
    const run = this.runs.at(-1);
    if (!run || run.section !== section || run.index + (position - run.position) !== index) this.runs.push({ position, section, index });
    this.seen.add(stringField(value, 'SPDXID'));
  }

  /** One problem per repeated ID, in document order, naming where the ID was first used. */
  repeatProblems(): FormatProblem[] {
    return this.seen
      .repeats((position) => this.idAt(position))
      .map(([first, repeat]) => {
        const path = this.pathAt(repeat);
        return problem('spdx-duplicate-id', path, `${path} SPDXID ${this.idAt(repeat) ?? ''} is already used at ${this.pathAt(first)}`);
      });
  }

  /** The section and index of the element at `position` (not 0). */
  private elementAt(position: number): { member: string; index: number } {
    let low = 0;
    let high = this.runs.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.runs[middle]!.position <= position) low = middle;
      else high = middle - 1;
    }
    const run = this.runs[low]!;
    return { member: ID_SECTIONS[run.section]!, index: run.index + (position - run.position) };
  }

  private idAt(position: number): string | undefined {
    if (position === 0) return stringField(this.head, 'SPDXID');
    const { member, index } = this.elementAt(position);
    return stringField(this.item(member, index), 'SPDXID');
  }

  private pathAt(position: number): string {
    if (position === 0) return childPath(this.prefix, 'SPDXID');
    const { member, index } = this.elementAt(position);
    return childPath(this.prefix, member, index, 'SPDXID');
  }
}

/** A package that pins an image digest in a purl: a subject if it is a container or described. */
interface ImagePackage {
  id: string | undefined;
  container: boolean;
  digests: string[];
}

/** What the subjects and the summary need, gathered element by element. */
class SpdxTally {
  private readonly docId: string;
  /** IDs the document describes: documentDescribes, and DESCRIBES / DESCRIBED_BY relationships. */
  private readonly described = new Set<string>();
  private readonly images: ImagePackage[] = [];
  private readonly licenses = new Set<string>();
  private packageCount = 0;
  private fileCount = 0;

  constructor(private readonly head: unknown) {
    this.docId = stringField(head, 'SPDXID') ?? 'SPDXRef-DOCUMENT';
    for (const id of arrayField(head, 'documentDescribes')) if (typeof id === 'string') this.described.add(id);
  }

  element(member: string, value: unknown): void {
    if (member === 'packages') this.package(value);
    else if (member === 'files') this.file(value);
    else if (member === 'relationships') this.relationship(value);
  }

  /**
   * Described packages, or CONTAINER packages, with a `pkg:oci`/`pkg:docker` purl pinned to a
   * digest. Checksums are not used: for an image they may be the config digest.
   */
  subjects(): string[] {
    return this.images.filter((c) => c.container || (c.id !== undefined && this.described.has(c.id))).flatMap((c) => c.digests);
  }

  summary(): Record<string, unknown> {
    const head = this.head;
    return {
      specVersion: stringField(head, 'spdxVersion') ?? null,
      documentName: stringField(head, 'name') ?? null,
      ...toolSummary(spdx2Tools(head)),
      componentCount: this.packageCount,
      fileCount: this.fileCount,
      licenseCount: this.licenses.size,
      ...optional('created', stringField(objectField(head, 'creationInfo'), 'created')),
      ...optional('documentNamespace', stringField(head, 'documentNamespace')),
    };
  }

  private package(value: unknown): void {
    this.packageCount++;
    addLicenseIds(field(value, 'licenseConcluded'), this.licenses);
    addLicenseIds(field(value, 'licenseDeclared'), this.licenses);
    for (const l of arrayField(value, 'licenseInfoFromFiles')) addLicenseIds(l, this.licenses);
    const digests: string[] = [];
    for (const ref of arrayField(value, 'externalRefs')) {
      if (stringField(ref, 'referenceType') !== 'purl') continue;
      const digest = imageDigestFromPurl(field(ref, 'referenceLocator'));
      if (digest) digests.push(digest);
    }
    if (digests.length > 0)
      this.images.push({ id: stringField(value, 'SPDXID'), container: stringField(value, 'primaryPackagePurpose') === 'CONTAINER', digests });
  }

  private file(value: unknown): void {
    this.fileCount++;
    addLicenseIds(field(value, 'licenseConcluded'), this.licenses);
    for (const l of arrayField(value, 'licenseInfoInFiles')) addLicenseIds(l, this.licenses);
  }

  /** DESCRIBES / DESCRIBED_BY relationships name what the document describes. */
  private relationship(value: unknown): void {
    const type = stringField(value, 'relationshipType');
    const from = stringField(value, 'spdxElementId');
    const to = stringField(value, 'relatedSpdxElement');
    if (type === 'DESCRIBES' && from === this.docId && to) this.described.add(to);
    if (type === 'DESCRIBED_BY' && to === this.docId && from) this.described.add(from);
  }
}

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
