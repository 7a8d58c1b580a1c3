import type { FormatProblem } from '../types.js';

/**
 * SPDX 2.x tag-value (SPDX 2.3 §5, "Tag:Value" format) read into the JSON
 * document model, so that the JSON schema, subjects and summary apply as
 * they are. Each field remembers its line, so problems can say where.
 */

export interface TagValueDocument {
  doc: Record<string, unknown>;
  /** Where each field and element came from (1-based lines). */
  lines: LineIndex;
  problems: FormatProblem[];
}

/**
 * Lines of fields and elements, kept per object (one small record per
 * element, not one string key per field): a 10 MB document has hundreds of
 * thousands of fields, and only the few a problem names are ever looked up.
 */
export class LineIndex {
  readonly #fields = new Map<object, Record<string, number>>();
  readonly #elements = new Map<object, number>();

  /** A disabled index records nothing (a first pass over a document that may have no problem to place). */
  constructor(readonly enabled = true) {}

  field(obj: object, key: string, line: number): void {
    if (!this.enabled) return;
    let record = this.#fields.get(obj);
    if (!record) {
      record = Object.create(null) as Record<string, number>;
      this.#fields.set(obj, record);
    }
    record[key] = line;
  }

  element(obj: object, line: number): void {
    if (!this.enabled) return;
    this.#elements.set(obj, line);
  }

  /** The line of the deepest field or element on `path` (a JSON Pointer into `doc`) that has one. */
  lineOf(doc: unknown, path: string): number | undefined {
    let line: number | undefined;
    let node: unknown = doc;
    for (const raw of path.split('/').slice(1)) {
      if (node === null || typeof node !== 'object') break;
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      const known = this.#fields.get(node)?.[key];
      if (known !== undefined) line = known;
      node = (node as Record<string, unknown>)[key];
      const start = node !== null && typeof node === 'object' ? this.#elements.get(node) : undefined;
      if (start !== undefined) line = start;
    }
    return line;
  }
}

type Obj = Record<string, unknown>;
type Section = { kind: 'document' | 'package' | 'file' | 'snippet' | 'license' | 'annotation'; obj: Obj };

/** Tags whose value is a list in the JSON model. */
const LIST_FIELDS: Record<string, string> = {
  Creator: 'creators',
  PackageLicenseInfoFromFiles: 'licenseInfoFromFiles',
  LicenseInfoInFile: 'licenseInfoInFiles',
  LicenseInfoInSnippet: 'licenseInfoInSnippets',
  FileType: 'fileTypes',
  FileContributor: 'fileContributors',
  LicenseCrossReference: 'seeAlsos',
  PackageAttributionText: 'attributionTexts',
  FileAttributionText: 'attributionTexts',
  DocumentDescribes: 'documentDescribes',
};

const PACKAGE_FIELDS: Record<string, string> = {
  PackageVersion: 'versionInfo',
  PackageFileName: 'packageFileName',
  PackageSupplier: 'supplier',
  PackageOriginator: 'originator',
  PackageDownloadLocation: 'downloadLocation',
  PackageHomePage: 'homepage',
  PackageSourceInfo: 'sourceInfo',
  PackageLicenseConcluded: 'licenseConcluded',
  PackageLicenseDeclared: 'licenseDeclared',
  PackageLicenseComments: 'licenseComments',
  PackageCopyrightText: 'copyrightText',
  PackageSummary: 'summary',
  PackageDescription: 'description',
  PackageComment: 'comment',
  PrimaryPackagePurpose: 'primaryPackagePurpose',
  ReleaseDate: 'releaseDate',
  BuiltDate: 'builtDate',
  ValidUntilDate: 'validUntilDate',
};

const FILE_FIELDS: Record<string, string> = {
  LicenseConcluded: 'licenseConcluded',
  LicenseComments: 'licenseComments',
  FileCopyrightText: 'copyrightText',
  FileComment: 'comment',
  FileNotice: 'noticeText',
};

const SNIPPET_FIELDS: Record<string, string> = {
  SnippetFromFileSPDXID: 'snippetFromFile',
  SnippetLicenseConcluded: 'licenseConcluded',
  SnippetLicenseComments: 'licenseComments',
  SnippetCopyrightText: 'copyrightText',
  SnippetComment: 'comment',
  SnippetName: 'name',
};

const DOCUMENT_FIELDS: Record<string, string> = {
  SPDXVersion: 'spdxVersion',
  DataLicense: 'dataLicense',
  DocumentName: 'name',
  DocumentNamespace: 'documentNamespace',
  DocumentComment: 'comment',
};

/** What a tag does; anything else is a field of the current section (or the document), or not modelled. */
const Op = {
  Field: 0,
  Package: 1,
  File: 2,
  Snippet: 3,
  License: 4,
  Relationship: 5,
  RelationshipComment: 6,
  Annotator: 7,
  AnnotationField: 8,
  CreationInfo: 9,
  Spdxid: 10,
  ExternalDocumentRef: 11,
  Checksum: 12,
  ExternalRef: 13,
  FilesAnalyzed: 14,
  VerificationCode: 15,
  Range: 16,
  LicenseField: 17,
  List: 18,
} as const;

/** Tags that start an element: its section kind, the document member it goes into, the key the tag's value fills. */
const SECTION_STARTS: Record<string, [Section['kind'], string, string]> = {
  PackageName: ['package', 'packages', 'name'],
  FileName: ['file', 'files', 'fileName'],
  SnippetSPDXID: ['snippet', 'snippets', 'SPDXID'],
  LicenseID: ['license', 'hasExtractedLicensingInfos', 'licenseId'],
};
const ANNOTATION_FIELDS: Record<string, string> = {
  AnnotationDate: 'annotationDate',
  AnnotationType: 'annotationType',
  AnnotationComment: 'comment',
  SPDXREF: 'spdxElementId',
};
const CREATION_FIELDS: Record<string, string> = {
  Creator: 'creators',
  Created: 'created',
  LicenseListVersion: 'licenseListVersion',
  CreatorComment: 'comment',
};
const LICENSE_FIELDS: Record<string, string> = { ExtractedText: 'extractedText', LicenseName: 'name', LicenseComment: 'comment' };

const TAG_OPS = new Map<string, number>([
  ['PackageName', Op.Package],
  ['FileName', Op.File],
  ['SnippetSPDXID', Op.Snippet],
  ['LicenseID', Op.License],
  ['Relationship', Op.Relationship],
  ['RelationshipComment', Op.RelationshipComment],
  ['Annotator', Op.Annotator],
  ...Object.keys(ANNOTATION_FIELDS).map((t): [string, number] => [t, Op.AnnotationField]),
  ...Object.keys(CREATION_FIELDS).map((t): [string, number] => [t, Op.CreationInfo]),
  ['SPDXID', Op.Spdxid],
  ['ExternalDocumentRef', Op.ExternalDocumentRef],
  ['PackageChecksum', Op.Checksum],
  ['FileChecksum', Op.Checksum],
  ['ExternalRef', Op.ExternalRef],
  ['FilesAnalyzed', Op.FilesAnalyzed],
  ['PackageVerificationCode', Op.VerificationCode],
  ['SnippetByteRange', Op.Range],
  ['SnippetLineRange', Op.Range],
  ...Object.keys(LICENSE_FIELDS).map((t): [string, number] => [t, Op.LicenseField]),
  ...Object.keys(LIST_FIELDS)
    .filter((t) => t !== 'Creator')
    .map((t): [string, number] => [t, Op.List]),
]);

/** Everything custody knows about one tag. */
interface TagInfo {
  tag: string;
  op: number;
  /** For Op.Field: the key the value fills in each kind of section… */
  sectionKeys: Partial<Record<Section['kind'], string>>;
  /** …or, outside those, in the document. */
  documentKey?: string;
}

/**
 * Tags found by a hash of their characters, compared in place: a line's tag
 * is never copied out of the document (half a million short strings for a
 * 10 MB document would be garbage to collect). A tag not in the table is one
 * custody does not model, tolerated: later SPDX 2.x minors add tags.
 */
const TAG_TABLE = (() => {
  const infos = new Map<string, TagInfo>();
  const info = (tag: string): TagInfo => {
    let found = infos.get(tag);
    if (!found) infos.set(tag, (found = { tag, op: TAG_OPS.get(tag) ?? Op.Field, sectionKeys: {} }));
    return found;
  };
  for (const tag of TAG_OPS.keys()) info(tag);
  const sections: [Section['kind'], Record<string, string>][] = [
    ['package', PACKAGE_FIELDS],
    ['file', FILE_FIELDS],
    ['snippet', SNIPPET_FIELDS],
  ];
  for (const [kind, fields] of sections) for (const [tag, key] of Object.entries(fields)) info(tag).sectionKeys[kind] = key;
  for (const [tag, key] of Object.entries(DOCUMENT_FIELDS)) info(tag).documentKey = key;
  const table = new Map<number, TagInfo[]>();
  for (const found of infos.values()) {
    const h = tagHash(found.tag, 0, found.tag.length);
    table.set(h, [...(table.get(h) ?? []), found]);
  }
  return table;
})();

function tagHash(text: string, start: number, end: number): number {
  let h = end - start;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

function findTag(text: string, start: number, end: number): TagInfo | undefined {
  const candidates = TAG_TABLE.get(tagHash(text, start, end));
  if (!candidates) return undefined;
  for (const candidate of candidates) if (candidate.tag.length === end - start && text.startsWith(candidate.tag, start)) return candidate;
  return undefined;
}

/**
 * The first `count - 1` blank-separated words and the rest (blanks inside it kept as one space each),
 * without a regular expression: `Relationship: A DESCRIBES B`, `ExternalRef: CATEGORY TYPE LOCATOR`.
 */
function words(value: string, count: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length && out.length < count - 1) {
    while (i < value.length && isSpace(value.charCodeAt(i))) i++;
    const start = i;
    while (i < value.length && !isSpace(value.charCodeAt(i))) i++;
    if (i > start) out.push(value.slice(start, i));
  }
  while (i < value.length && isSpace(value.charCodeAt(i))) i++;
  if (i < value.length) {
    const tail = value.slice(i);
    out.push(tail.includes('  ') || tail.includes('\t') ? tail.split(/\s+/).join(' ') : tail);
  }
  return out;
}

/** Lines that are not `Tag: value` each get a problem up to this many; the rest are counted in one. */
const MAX_SYNTAX_PROBLEMS = 100;

const COLON = 0x3a;
const HASH = 0x23;

/** Blanks around tags and values (String.prototype.trim's ASCII part: SPDX tag-value is line-oriented). */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0b || code === 0x0c || code === 0xa0 || code === 0xfeff;
}

function push(obj: Obj, key: string, value: unknown): number {
  const list = Array.isArray(obj[key]) ? (obj[key] as unknown[]) : [];
  list.push(value);
  obj[key] = list;
  return list.length - 1;
}

/** `SHA1: abc…` → {algorithm, checksumValue}. */
function checksum(value: string): Obj {
  // `ALGORITHM: value` (letters, digits, dashes; one blank-free value), read in place.
  const colon = value.indexOf(':');
  let ok = colon > 0;
  for (let i = 0; ok && i < colon; i++) {
    const c = value.charCodeAt(i);
    ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d;
  }
  let start = colon + 1;
  while (ok && start < value.length && isSpace(value.charCodeAt(start))) start++;
  ok &&= start < value.length;
  for (let i = start; ok && i < value.length; i++) ok = !isSpace(value.charCodeAt(i));
  return ok ? { algorithm: value.slice(0, colon), checksumValue: value.slice(start) } : { algorithm: value, checksumValue: '' };
}

/**
 * `withLines: false` skips recording where fields came from (most documents
 * have no problem to place, and a large one has hundreds of thousands of
 * fields); parse again with lines when a problem needs its line.
 */
export function parseTagValue(text: string, withLines = true): TagValueDocument {
  const lines = new LineIndex(withLines);
  const builder = new DocumentBuilder(lines);
  const problems: FormatProblem[] = [];
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // One pass with a cursor: every character is looked at a bounded number of times, whatever the input
  // (a <text> that never closes, one 10 MB line, millions of short ones). No line array, no growing buffer.
  let pos = 0;
  let lineNo = 0;
  let badLines = 0;
  while (pos < source.length) {
    lineNo++;
    const lineStart = pos;
    let end = source.indexOf('\n', pos);
    if (end < 0) end = source.length;
    let lineEnd = end;
    pos = end + 1;
    // Indices into the source, not slices of it: only the tag and the value are ever copied.
    let first = lineStart;
    while (first < lineEnd && isSpace(source.charCodeAt(first))) first++;
    while (lineEnd > first && isSpace(source.charCodeAt(lineEnd - 1))) lineEnd--;
    if (first === lineEnd || source.charCodeAt(first) === HASH) continue;
    let colon = first;
    while (colon < lineEnd && source.charCodeAt(colon) !== COLON) colon++;
    if (colon === lineEnd || colon === first) {
      if (++badLines <= MAX_SYNTAX_PROBLEMS) problems.push({ code: 'spdx-tv-syntax', path: '', message: `line ${lineNo} is not "Tag: value"` });
      continue;
    }
    let tagEnd = colon;
    while (tagEnd > first && isSpace(source.charCodeAt(tagEnd - 1))) tagEnd--;
    const info = findTag(source, first, tagEnd);
    let valueStart = colon + 1;
    while (valueStart < lineEnd && isSpace(source.charCodeAt(valueStart))) valueStart++;
    const tagLine = lineNo;
    let value: string;
    if (source.startsWith('<text>', valueStart)) {
      const multi = multiLineText(source, valueStart, end);
      if (!multi) {
        problems.push({ code: 'spdx-tv-syntax', path: '', message: `line ${tagLine}: <text> is never closed` });
        break;
      }
      value = multi.value;
      lineNo += multi.newlines;
      if (multi.next !== undefined) pos = multi.next;
    } else {
      value = source.slice(valueStart, lineEnd);
    }
    // One hash lookup per line decides what the tag does; tags custody does not model are tolerated (later SPDX 2.x minors add tags).
    if (info) builder.apply(info, value, tagLine);
  }
  if (badLines > MAX_SYNTAX_PROBLEMS) {
    problems.push({
      code: 'spdx-tv-syntax',
      path: '',
      message: `${badLines - MAX_SYNTAX_PROBLEMS} more lines are not "Tag: value" (the first ${MAX_SYNTAX_PROBLEMS} are listed)`,
    });
  }
  return { doc: builder.doc, lines, problems };
}

/**
 * A `<text>` value starting at `valueStart` on a line ending at `lineEnd`: it
 * runs to the first `</text>`, searched once from where the text starts. Its
 * own lines are lines of the document (`newlines`); what follows `</text>` on
 * its line is not read (`next`: where reading goes on, when not the next
 * line). Undefined when it is never closed.
 */
function multiLineText(source: string, valueStart: number, lineEnd: number): { value: string; newlines: number; next: number | undefined } | undefined {
  const bodyStart = valueStart + '<text>'.length;
  const close = source.indexOf('</text>', bodyStart);
  if (close < 0) return undefined;
  let value = source.slice(bodyStart, close);
  if (value.includes('\r')) value = value.replace(/\r\n/g, '\n');
  let newlines = 0;
  for (let i = source.indexOf('\n', bodyStart); i >= 0 && i < close; i = source.indexOf('\n', i + 1)) newlines++;
  let next: number | undefined;
  if (close >= lineEnd) {
    const after = source.indexOf('\n', close);
    next = after < 0 ? source.length : after + 1;
  }
  return { value, newlines, next };
}

/** The JSON document model, built one tag at a time: the section a tag belongs to, the last relationship and annotation, where each value came from. */
class DocumentBuilder {
  readonly doc: Obj = {};
  private readonly creationInfo: Obj = {};
  private section: Section = { kind: 'document', obj: this.doc };
  private annotation: Obj | undefined;
  private relationship: Obj | undefined;

  constructor(private readonly lines: LineIndex) {}

  /** What one tag does with its value, read on line `line`. */
  apply(info: TagInfo, value: string, line: number): void {
    const { doc, section, lines } = this;
    const tag = info.tag;
    switch (info.op) {
      case Op.Package:
      case Op.File:
      case Op.Snippet:
      case Op.License: {
        const [kind, member, key] = SECTION_STARTS[tag]!;
        const obj: Obj = {};
        push(doc, member, obj);
        this.section = { kind, obj };
        lines.element(obj, line);
        this.set(obj, key, value, line);
        break;
      }
      case Op.Relationship: {
        const [from, type, to] = words(value, 3);
        this.relationship = { spdxElementId: from ?? '', relationshipType: type ?? '', relatedSpdxElement: to ?? '' };
        push(doc, 'relationships', this.relationship);
        lines.element(this.relationship, line);
        break;
      }
      case Op.RelationshipComment:
        if (this.relationship) this.relationship.comment = value;
        break;
      case Op.Annotator:
        this.annotation = { annotator: value };
        push(doc, 'annotations', this.annotation);
        lines.element(this.annotation, line);
        break;
      case Op.AnnotationField:
        if (this.annotation) this.annotation[ANNOTATION_FIELDS[tag]!] = value;
        break;
      case Op.CreationInfo:
        this.creation(tag, value, line);
        break;
      case Op.Spdxid:
        this.set(section.obj, 'SPDXID', value, line);
        break;
      case Op.ExternalDocumentRef: {
        const [id, uri, rest] = words(value, 3);
        const ref = { externalDocumentId: id ?? '', spdxDocument: uri ?? '', checksum: checksum(rest ?? '') };
        push(doc, 'externalDocumentRefs', ref);
        lines.element(ref, line);
        break;
      }
      case Op.Checksum:
        push(section.obj, 'checksums', checksum(value));
        break;
      case Op.ExternalRef: {
        const [category, type, locator] = words(value, 3);
        push(section.obj, 'externalRefs', { referenceCategory: category ?? '', referenceType: type ?? '', referenceLocator: locator ?? '' });
        break;
      }
      case Op.FilesAnalyzed:
        this.set(section.obj, 'filesAnalyzed', value === 'true' ? true : value === 'false' ? false : value, line);
        break;
      case Op.VerificationCode:
        this.set(section.obj, 'packageVerificationCode', verificationCode(value), line);
        break;
      case Op.Range:
        push(section.obj, 'ranges', { startPointer: { reference: '' }, endPointer: { reference: '' }, [tag]: value });
        break;
      case Op.LicenseField:
        this.set(section.obj, LICENSE_FIELDS[tag]!, value, line);
        break;
      case Op.List:
        push(tag === 'DocumentDescribes' ? doc : section.obj, LIST_FIELDS[tag]!, value);
        break;
      default: {
        const own = info.sectionKeys[section.kind];
        const key = own ?? info.documentKey;
        if (key) this.set(own ? section.obj : doc, key, value, line);
      }
    }
  }

  private set(obj: Obj, key: string, value: unknown, line: number): void {
    obj[key] = value;
    this.lines.field(obj, key, line);
  }

  /** `Creator` (a list), `Created`, `CreatorComment`, `LicenseListVersion`: the document's creationInfo. */
  private creation(tag: string, value: string, line: number): void {
    this.doc.creationInfo = this.creationInfo;
    const key = CREATION_FIELDS[tag]!;
    if (key === 'creators') push(this.creationInfo, key, value);
    else this.creationInfo[key] = value;
    this.lines.field(this.creationInfo, key, line);
  }
}

/** `PackageVerificationCode: hex (excludes: a, b)` → {packageVerificationCodeValue, packageVerificationCodeExcludedFiles}. */
function verificationCode(value: string): Obj {
  const m = /^([0-9a-fA-F]+)\s*(?:\(excludes:\s*(.*)\))?$/.exec(value);
  const code: Obj = { packageVerificationCodeValue: m ? m[1]! : value };
  if (m?.[2]) code.packageVerificationCodeExcludedFiles = m[2].split(/\s*,\s*/);
  return code;
}
