import type { Problem } from '../types.js';
import { imageDigestFromPurl } from './lib/digest.js';
import { arrayField, asString, field, isObject, objectField, stringField } from './lib/json.js';
import { addLicenseIds } from './lib/licenses.js';
import { checkSchema, childPath, problem } from './lib/problems.js';
import { parseSpdxTool, toolSummary, type ToolRef } from './lib/tools.js';

/**
 * SPDX 2.x documents in their JSON shape. The JSON format and the tag-value
 * format (parsed into this shape) share validation, subjects and summary.
 */

export const SPDX2_SCHEMA = 'formats/spdx-2.schema.json';

/** `SPDX-2.3` → `2.3`. */
export function spdxVersionOf(doc: unknown): string | undefined {
  const version = stringField(doc, 'spdxVersion');
  const match = version ? /^SPDX-(\d+\.\d+)$/.exec(version) : null;
  return match ? match[1] : undefined;
}

/** Schema, then the rules a schema cannot say: SPDXIDs are unique in a document (SPDX 2.3 §3.2). */
export function validateSpdx2(doc: unknown, prefix = ''): Problem[] {
  const problems = checkSchema(SPDX2_SCHEMA, doc, prefix);
  const seen = new Map<string, string>();
  const note = (id: unknown, path: string): void => {
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, path);
    else problems.push(problem('spdx-duplicate-id', path, `${path} SPDXID ${id} is already used at ${first}`));
  };
  note(field(doc, 'SPDXID'), childPath(prefix, 'SPDXID'));
  for (const section of ['packages', 'files', 'snippets'] as const) {
    const items = arrayField(doc, section);
    for (let i = 0; i < items.length; i++) note(field(items[i], 'SPDXID'), childPath(prefix, section, i, 'SPDXID'));
  }
  return problems;
}

/** Elements the document says it describes: documentDescribes and DESCRIBES / DESCRIBED_BY relationships. */
export function describedIds(doc: unknown): Set<string> {
  const ids = new Set<string>();
  const docId = stringField(doc, 'SPDXID') ?? 'SPDXRef-DOCUMENT';
  for (const id of arrayField(doc, 'documentDescribes')) if (typeof id === 'string') ids.add(id);
  for (const rel of arrayField(doc, 'relationships')) {
    const type = stringField(rel, 'relationshipType');
    const from = stringField(rel, 'spdxElementId');
    const to = stringField(rel, 'relatedSpdxElement');
    if (type === 'DESCRIBES' && from === docId && to) ids.add(to);
    if (type === 'DESCRIBED_BY' && to === docId && from) ids.add(from);
  }
  return ids;
}

/**
 * Image digests the document names: described packages, or packages whose
 * primaryPackagePurpose is CONTAINER, carrying a `pkg:oci` / `pkg:docker`
 * purl pinned to a digest. Checksums are not used: for an image they may be
 * the config digest, which is not what custody binds evidence to.
 */
export function spdx2Subjects(doc: unknown): string[] {
  const described = describedIds(doc);
  const subjects: string[] = [];
  for (const pkg of arrayField(doc, 'packages')) {
    const id = stringField(pkg, 'SPDXID');
    const isContainer = stringField(pkg, 'primaryPackagePurpose') === 'CONTAINER';
    if (!isContainer && !(id !== undefined && described.has(id))) continue;
    for (const ref of arrayField(pkg, 'externalRefs')) {
      if (stringField(ref, 'referenceType') !== 'purl') continue;
      const digest = imageDigestFromPurl(field(ref, 'referenceLocator'));
      if (digest) subjects.push(digest);
    }
  }
  return subjects;
}

export function spdx2Tools(doc: unknown): ToolRef[] {
  const tools: ToolRef[] = [];
  for (const creator of arrayField(objectField(doc, 'creationInfo'), 'creators')) {
    const tool = typeof creator === 'string' ? parseSpdxTool(creator) : undefined;
    if (tool) tools.push(tool);
  }
  return tools;
}

/** SBOM summary (docs/formats.md): spec version, tool, document name, package and licence counts. */
export function summarizeSpdx2(doc: unknown): Record<string, unknown> {
  const packages = arrayField(doc, 'packages');
  const files = arrayField(doc, 'files');
  const licenses = new Set<string>();
  for (const pkg of packages) {
    addLicenseIds(field(pkg, 'licenseConcluded'), licenses);
    addLicenseIds(field(pkg, 'licenseDeclared'), licenses);
    for (const l of arrayField(pkg, 'licenseInfoFromFiles')) addLicenseIds(l, licenses);
  }
  for (const file of files) {
    addLicenseIds(field(file, 'licenseConcluded'), licenses);
    for (const l of arrayField(file, 'licenseInfoInFiles')) addLicenseIds(l, licenses);
  }
  const summary: Record<string, unknown> = {
    specVersion: stringField(doc, 'spdxVersion') ?? null,
    documentName: stringField(doc, 'name') ?? null,
    ...toolSummary(spdx2Tools(doc)),
    componentCount: packages.length,
    fileCount: files.length,
    licenseCount: licenses.size,
  };
  const created = stringField(objectField(doc, 'creationInfo'), 'created');
  if (created !== undefined) summary.created = created;
  const namespace = stringField(doc, 'documentNamespace');
  if (namespace !== undefined) summary.documentNamespace = namespace;
  return summary;
}

/** True for an SPDX 2 JSON document (the `spdxVersion` marker). */
export function looksLikeSpdx2(json: unknown): boolean {
  return isObject(json) && /^SPDX-2\./.test(asString(json.spdxVersion) ?? '');
}

