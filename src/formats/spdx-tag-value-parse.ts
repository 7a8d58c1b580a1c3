import type { Problem } from '../types.js';

/**
 * SPDX 2.x tag-value (SPDX 2.3 §5, "Tag:Value" format) read into the JSON
 * document model, so that the JSON schema, subjects and summary apply as
 * they are. Each field remembers its line, so problems can say where.
 */

export interface TagValueDocument {
  doc: Record<string, unknown>;
  /** JSON Pointer of a field → 1-based line it came from. */
  lines: Map<string, number>;
  problems: Problem[];
}

type Obj = Record<string, unknown>;
type Section = { kind: 'document' | 'package' | 'file' | 'snippet' | 'license' | 'annotation'; obj: Obj; path: string };

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

function push(obj: Obj, key: string, value: unknown): number {
  const list = Array.isArray(obj[key]) ? (obj[key] as unknown[]) : [];
  list.push(value);
  obj[key] = list;
  return list.length - 1;
}

function appendTo(doc: Obj, section: string, value: Obj): string {
  return `/${section}/${push(doc, section, value)}`;
}

/** `SHA1: abc…` → {algorithm, checksumValue}. */
function checksum(value: string): Obj {
  const m = /^([A-Za-z0-9-]+):\s*(\S+)$/.exec(value);
  return m ? { algorithm: m[1]!, checksumValue: m[2]! } : { algorithm: value, checksumValue: '' };
}

export function parseTagValue(text: string): TagValueDocument {
  const doc: Obj = {};
  const lines = new Map<string, number>();
  const problems: Problem[] = [];
  const creationInfo: Obj = {};
  let section: Section = { kind: 'document', obj: doc, path: '' };
  let annotation: Obj | undefined;
  let relationship: Obj | undefined;

  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < all.length; i++) {
    const lineNo = i + 1;
    const line = all[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push({ code: 'spdx-tv-syntax', path: '', message: `line ${lineNo} is not "Tag: value"` });
      continue;
    }
    const tag = line.slice(0, colon).trim();
    let value = line.slice(colon + 1).trim();
    if (value.startsWith('<text>')) {
      // Multi-line text runs to the matching </text>.
      let body = value.slice('<text>'.length);
      let end = body.indexOf('</text>');
      while (end < 0 && i + 1 < all.length) {
        i++;
        body += '\n' + all[i]!;
        end = body.indexOf('</text>');
      }
      if (end < 0) {
        problems.push({ code: 'spdx-tv-syntax', path: '', message: `line ${lineNo}: <text> is never closed` });
        break;
      }
      value = body.slice(0, end);
    }
    const set = (obj: Obj, base: string, key: string, v: unknown): void => {
      obj[key] = v;
      lines.set(`${base}/${key}`, lineNo);
    };

    if (tag === 'PackageName') {
      const path = appendTo(doc, 'packages', {});
      section = { kind: 'package', obj: (doc.packages as Obj[]).at(-1)!, path };
      set(section.obj, path, 'name', value);
      continue;
    }
    if (tag === 'FileName') {
      const path = appendTo(doc, 'files', {});
      section = { kind: 'file', obj: (doc.files as Obj[]).at(-1)!, path };
      set(section.obj, path, 'fileName', value);
      continue;
    }
    if (tag === 'SnippetSPDXID') {
      const path = appendTo(doc, 'snippets', {});
      section = { kind: 'snippet', obj: (doc.snippets as Obj[]).at(-1)!, path };
      set(section.obj, path, 'SPDXID', value);
      continue;
    }
    if (tag === 'LicenseID') {
      const path = appendTo(doc, 'hasExtractedLicensingInfos', {});
      section = { kind: 'license', obj: (doc.hasExtractedLicensingInfos as Obj[]).at(-1)!, path };
      set(section.obj, path, 'licenseId', value);
      continue;
    }
    if (tag === 'Relationship') {
      const [from, type, to] = value.split(/\s+/);
      relationship = { spdxElementId: from ?? '', relationshipType: type ?? '', relatedSpdxElement: to ?? '' };
      const path = appendTo(doc, 'relationships', relationship);
      lines.set(path, lineNo);
      continue;
    }
    if (tag === 'RelationshipComment' && relationship) {
      relationship.comment = value;
      continue;
    }
    if (tag === 'Annotator') {
      annotation = { annotator: value };
      const path = appendTo(doc, 'annotations', annotation);
      lines.set(path, lineNo);
      continue;
    }
    if (annotation && (tag === 'AnnotationDate' || tag === 'AnnotationType' || tag === 'AnnotationComment' || tag === 'SPDXREF')) {
      const key = { AnnotationDate: 'annotationDate', AnnotationType: 'annotationType', AnnotationComment: 'comment', SPDXREF: 'spdxElementId' }[tag]!;
      annotation[key] = value;
      continue;
    }
    if (tag === 'Creator' || tag === 'Created' || tag === 'LicenseListVersion' || tag === 'CreatorComment') {
      doc.creationInfo = creationInfo;
      const key = { Creator: 'creators', Created: 'created', LicenseListVersion: 'licenseListVersion', CreatorComment: 'comment' }[tag]!;
      if (key === 'creators') push(creationInfo, key, value);
      else creationInfo[key] = value;
      lines.set(`/creationInfo/${key}`, lineNo);
      continue;
    }
    if (tag === 'SPDXID') {
      set(section.obj, section.path, 'SPDXID', value);
      continue;
    }
    if (tag === 'ExternalDocumentRef') {
      const [id, uri, ...rest] = value.split(/\s+/);
      const path = appendTo(doc, 'externalDocumentRefs', { externalDocumentId: id ?? '', spdxDocument: uri ?? '', checksum: checksum(rest.join(' ')) });
      lines.set(path, lineNo);
      continue;
    }
    if (tag === 'PackageChecksum' || tag === 'FileChecksum') {
      push(section.obj, 'checksums', checksum(value));
      continue;
    }
    if (tag === 'ExternalRef') {
      const [category, type, ...locator] = value.split(/\s+/);
      push(section.obj, 'externalRefs', { referenceCategory: category ?? '', referenceType: type ?? '', referenceLocator: locator.join(' ') });
      continue;
    }
    if (tag === 'FilesAnalyzed') {
      set(section.obj, section.path, 'filesAnalyzed', value === 'true' ? true : value === 'false' ? false : value);
      continue;
    }
    if (tag === 'PackageVerificationCode') {
      const m = /^([0-9a-fA-F]+)\s*(?:\(excludes:\s*(.*)\))?$/.exec(value);
      const code: Obj = { packageVerificationCodeValue: m ? m[1]! : value };
      if (m?.[2]) code.packageVerificationCodeExcludedFiles = m[2].split(/\s*,\s*/);
      set(section.obj, section.path, 'packageVerificationCode', code);
      continue;
    }
    if (tag === 'SnippetByteRange' || tag === 'SnippetLineRange') {
      push(section.obj, 'ranges', { startPointer: { reference: '' }, endPointer: { reference: '' }, [tag]: value });
      continue;
    }
    if (tag === 'ExtractedText' || tag === 'LicenseName' || tag === 'LicenseComment') {
      const key = { ExtractedText: 'extractedText', LicenseName: 'name', LicenseComment: 'comment' }[tag]!;
      set(section.obj, section.path, key, value);
      continue;
    }
    const listKey = LIST_FIELDS[tag];
    if (listKey && tag !== 'Creator') {
      push(tag === 'DocumentDescribes' ? doc : section.obj, listKey, value);
      continue;
    }
    const fields = section.kind === 'package' ? PACKAGE_FIELDS : section.kind === 'file' ? FILE_FIELDS : section.kind === 'snippet' ? SNIPPET_FIELDS : DOCUMENT_FIELDS;
    const key = fields[tag] ?? DOCUMENT_FIELDS[tag];
    if (key) set(fields[tag] ? section.obj : doc, fields[tag] ? section.path : '', key, value);
    // Tags custody does not model are tolerated: later SPDX 2.x minors add tags.
  }
  return { doc, lines, problems };
}

/** `(line N)` for a problem whose path starts at a field that came from a known line. */
export function lineOf(lines: Map<string, number>, path: string): number | undefined {
  let p = path;
  while (p.length > 0) {
    const line = lines.get(p);
    if (line !== undefined) return line;
    p = p.slice(0, p.lastIndexOf('/'));
  }
  return undefined;
}
