import type { FormatProblem } from '../types.js';
import type { Detection, DetectInput, Format } from './format.js';
import { imageDigestFromPurl } from './lib/digest.js';
import { arrayField, field, isObject, stringField } from './lib/json.js';
import { addLicenseIds } from './lib/licenses.js';
import { parseMediaType } from './lib/media-type.js';
import { checkSchema, childPath, problem } from './lib/problems.js';
import { toolSummary, type ToolRef } from './lib/tools.js';

const CONTEXT = /^https:\/\/spdx\.org\/rdf\/(3\.[0-9]+(?:\.[0-9]+)?)\/spdx-context\.jsonld$/;
const MEDIA_TYPES = ['application/spdx+json', 'application/ld+json'];

function contextVersion(json: unknown): string | undefined {
  const context = stringField(json, '@context');
  const match = context ? CONTEXT.exec(context) : null;
  return match ? match[1] : undefined;
}

function graph(json: unknown): readonly unknown[] {
  return arrayField(json, '@graph');
}

/** Schema, plus: every creationInfo reference names a CreationInfo node of the graph. */
function validateSpdx3(json: unknown): FormatProblem[] {
  const problems = checkSchema('formats/spdx-3.schema.json', json);
  const nodes = graph(json);
  const infos = new Set<string>();
  for (const node of nodes) if (stringField(node, 'type') === 'CreationInfo') infos.add(stringField(node, '@id') ?? '');
  nodes.forEach((node, i) => {
    const ref = field(node, 'creationInfo');
    if (typeof ref === 'string' && ref.length > 0 && !infos.has(ref)) {
      const path = childPath('', '@graph', i, 'creationInfo');
      problems.push(problem('spdx3-unresolved-reference', path, `${path} names ${ref}, which is not a CreationInfo of this document`));
    }
  });
  return problems;
}

function summarizeSpdx3(json: unknown): Record<string, unknown> {
  const nodes = graph(json);
  let specVersion: string | undefined;
  let documentName: string | undefined;
  let packages = 0;
  let files = 0;
  const tools: ToolRef[] = [];
  const licenses = new Set<string>();
  for (const node of nodes) {
    const type = stringField(node, 'type') ?? '';
    if (type === 'CreationInfo') specVersion ??= stringField(node, 'specVersion');
    else if (type === 'SpdxDocument') documentName ??= stringField(node, 'name');
    else if (type === 'Tool') {
      const name = stringField(node, 'name');
      if (name) tools.push({ name });
    } else if (/Package$/.test(type)) packages++;
    else if (type === 'software_File') files++;
    else if (type === 'simplelicensing_LicenseExpression') addLicenseIds(field(node, 'simplelicensing_licenseExpression'), licenses);
    else if (/License$/.test(type)) {
      const id = stringField(node, 'name') ?? stringField(node, 'spdxId');
      if (id) licenses.add(id);
    }
  }
  return {
    specVersion: specVersion ? `SPDX-${specVersion}` : null,
    documentName: documentName ?? null,
    ...toolSummary(tools),
    componentCount: packages,
    fileCount: files,
    licenseCount: licenses.size,
    elementCount: nodes.length,
    serialization: 'json-ld',
  };
}

/** Packages with a `pkg:oci`/`pkg:docker` purl pinned to a digest (software_packageUrl). */
function spdx3Subjects(json: unknown): string[] {
  const subjects: string[] = [];
  for (const node of graph(json)) {
    if (!isObject(node)) continue;
    const digest = imageDigestFromPurl(field(node, 'software_packageUrl'));
    if (digest && stringField(node, 'software_primaryPurpose') === 'container') subjects.push(digest);
  }
  return subjects;
}

/** SPDX 3.0 JSON-LD: recognised, structurally checked, summarised. Format id `spdx`, version 3.x. */
export const spdx3: Format = {
  id: 'spdx',
  kind: 'sbom',
  defaultMediaType: 'application/spdx+json',
  detect(input: DetectInput): Detection | undefined {
    const version = contextVersion(input.json);
    if (!version && !(isObject(input.json) && Array.isArray(input.json['@graph']))) return undefined;
    const base = parseMediaType(input.mediaType).base;
    if (version && MEDIA_TYPES.includes(base)) return { by: 'media-type', reason: `media type ${base} with an SPDX 3 @context`, version };
    if (version) return { by: 'content', reason: `marker @context=${stringField(input.json, '@context')}`, version };
    return undefined;
  },
  validate: (input) => validateSpdx3(input.json),
  subjects: (input) => spdx3Subjects(input.json),
  summarize: (input) => summarizeSpdx3(input.json),
};
