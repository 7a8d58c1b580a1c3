import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  ParseOption,
  XmlBufferInputProvider,
  XmlDocument,
  XmlElement,
  XmlLibError,
  XmlTreeNode,
  XsdValidator,
  xmlRegisterInputProvider,
  type ErrorDetail,
} from 'libxml2-wasm';
import type { FormatProblem } from '../types.js';
import { cyclonedxKind, cyclonedxSubjects, summarizeCyclonedx } from './cyclonedx-model.js';
import type { Detection, DetectInput, Format } from './format.js';
import { parseMediaType } from './lib/media-type.js';
import { problem, unsupportedVersion } from './lib/problems.js';

/**
 * CycloneDX XML (cyclonedx-npm --output-format XML, the Maven plugin's
 * default): validated against the official XSD of its version (shipped by
 * @cyclonedx/cyclonedx-library) with libxml2 (libxml2-wasm), then read into
 * the JSON model so that subjects and summary are the JSON form's. The
 * version is the namespace: `http://cyclonedx.org/schema/bom/1.x`.
 */
const MEDIA_TYPE = 'application/vnd.cyclonedx+xml';
const NAMESPACE = /^http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)$/;
/** The root element and its namespace, read from the start of the text (a prefix is allowed). */
const MARKER = /<(?:[A-Za-z_][\w.-]*:)?bom\b[^>]*?\bxmlns(?::[A-Za-z_][\w.-]*)?\s*=\s*["']http:\/\/cyclonedx\.org\/schema\/bom\/(\d+\.\d+)["']/;
/** Versions with an official XSD in the library (1.0 and 1.1 exist only as XML). */
export const CYCLONEDX_XML_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7'] as const;

const require = createRequire(import.meta.url);
const SCHEMA_DIR = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
/** The XSDs are read through this made-up base, so their imports (spdx.SNAPSHOT.xsd) resolve to the library's files, never to the network. */
const BASE = 'custody-cyclonedx-xsd:/';

let provider: XmlBufferInputProvider | undefined;
const validators = new Map<string, XsdValidator>();

function validatorFor(version: string): XsdValidator {
  let validator = validators.get(version);
  if (validator) return validator;
  if (!provider) {
    provider = new XmlBufferInputProvider({ [`${BASE}spdx.SNAPSHOT.xsd`]: readFileSync(join(SCHEMA_DIR, 'spdx.SNAPSHOT.xsd')) });
    xmlRegisterInputProvider(provider);
  }
  const name = `bom-${version}.SNAPSHOT.xsd`;
  const xsd = XmlDocument.fromBuffer(readFileSync(join(SCHEMA_DIR, name)), { url: `${BASE}${name}` });
  validator = XsdValidator.fromDoc(xsd);
  validators.set(version, validator);
  return validator;
}

/** No network, no external DTD, no entity expansion: the document is read as it is. */
const PARSE = { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_BIG_LINES, url: 'evidence.xml' };

function versionOf(text: string | undefined): string | undefined {
  return text === undefined ? undefined : MARKER.exec(text.slice(0, 8192))?.[1];
}

interface Judged {
  problems: FormatProblem[];
  model: Record<string, unknown>;
}

const memo = new WeakMap<DetectInput, Judged>();

function judge(input: DetectInput, detection: Detection): Judged {
  const hit = memo.get(input);
  if (hit) return hit;
  const judged = read(input.text ?? '', detection.version);
  memo.set(input, judged);
  return judged;
}

/** The parsed document (to be disposed), or why the text is not XML. */
function parseXml(text: string): { doc: XmlDocument } | { problem: FormatProblem } {
  try {
    return { doc: XmlDocument.fromString(text, PARSE) };
  } catch (err) {
    const detail = err instanceof XmlLibError ? err.details[0] : undefined;
    return { problem: problem('xml-invalid', '', `not well-formed XML${detail ? ` (line ${detail.line}): ${detail.message.trim()}` : ''}`) };
  }
}

/**
 * A CycloneDX XML BOM read into the JSON model (the shape summary and
 * subjects read: components nested, with name, version and purl), without
 * the XSD: for readers that list what the normaliser already judged. Why
 * not, when the text is not XML or its root is not a CycloneDX bom.
 */
export function readCyclonedxXml(text: string): { model: Record<string, unknown> } | { problem: FormatProblem } {
  const parsed = parseXml(text);
  if ('problem' in parsed) return parsed;
  try {
    const root = parsed.doc.root;
    const declared = NAMESPACE.exec(root.namespaceUri)?.[1];
    if (root.name !== 'bom' || !declared)
      return { problem: problem('schema-xsd', '', `the root element is {${root.namespaceUri}}${root.name}, not a CycloneDX bom`) };
    return { model: toModel(root, declared) };
  } finally {
    parsed.doc.dispose();
  }
}

function read(text: string, version: string | undefined): Judged {
  const parsed = parseXml(text);
  if ('problem' in parsed) return { problems: [parsed.problem], model: {} };
  const doc = parsed.doc;
  try {
    const root = doc.root;
    const declared = NAMESPACE.exec(root.namespaceUri)?.[1];
    const model = toModel(root, declared);
    if (root.name !== 'bom' || !declared) {
      return { problems: [problem('schema-xsd', '', `the root element is {${root.namespaceUri}}${root.name}, not a CycloneDX bom`)], model };
    }
    if (!(CYCLONEDX_XML_VERSIONS as readonly string[]).includes(declared)) {
      return { problems: [unsupportedVersion('', `http://cyclonedx.org/schema/bom/${declared}`, 'CycloneDX XML', CYCLONEDX_XML_VERSIONS)], model };
    }
    const problems: FormatProblem[] = [];
    try {
      validatorFor(version ?? declared).validate(doc);
    } catch (err) {
      if (!(err instanceof XmlLibError)) throw err;
      for (const detail of err.details) problems.push(xsdProblem(doc, detail));
    }
    return { problems, model };
  } finally {
    doc.dispose();
  }
}

/** An XSD error at the element it names, as a pointer into the JSON model (`/components/2/hashes`). */
function xsdProblem(doc: XmlDocument, detail: ErrorDetail & { xpath?: string }): FormatProblem {
  let path = '';
  if (detail.xpath) {
    try {
      const node = doc.get(detail.xpath);
      if (node instanceof XmlElement) path = pointerOf(node);
    } catch {
      path = '';
    }
  }
  const message = detail.message.trim().replace(/\{http:\/\/cyclonedx\.org\/schema\/bom\/[\d.]+\}/g, '');
  return { code: 'schema-xsd', path, message: `${path || '/'} ${message} (line ${detail.line})` };
}

/** Containers whose children of these names are the items of a JSON array (CycloneDX's XML wraps every list in one). */
const LISTS: Record<string, readonly string[]> = {
  components: ['component'],
  services: ['service'],
  dependencies: ['dependency'],
  vulnerabilities: ['vulnerability'],
  hashes: ['hash'],
  licenses: ['license', 'expression'],
  externalReferences: ['reference'],
  properties: ['property'],
  tools: ['tool'],
  authors: ['author'],
  affects: ['target'],
  ratings: ['rating'],
  references: ['reference'],
  advisories: ['advisory'],
  cwes: ['cwe'],
};

function pointerOf(element: XmlElement): string {
  const segments: string[] = [];
  for (let node: XmlElement | null = element; node && node.parent; node = node.parent) {
    const parent: XmlElement = node.parent;
    if (LISTS[parent.name]?.includes(node.name)) {
      let index = 0;
      for (let sibling: XmlTreeNode | null = parent.firstChild; sibling && !sibling.isSameNode(node); sibling = sibling.next)
        if (sibling instanceof XmlElement) index++;
      segments.push(String(index));
    } else segments.push(node.name);
  }
  return segments.length === 0 ? '' : `/${segments.reverse().join('/')}`;
}

function children(element: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = element.firstChild; node; node = node.next) if (node instanceof XmlElement && (name === undefined || node.name === name)) out.push(node);
  return out;
}

function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element ? children(element, name)[0] : undefined;
}

function text(element: XmlElement | undefined): string | undefined {
  return element ? element.content.trim() : undefined;
}

function attrs(element: XmlElement): Record<string, string> {
  return Object.fromEntries(element.attrs.map((a) => [a.name, a.value]));
}

/** Set `key` when the value is there. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/**
 * The parts of the XML BOM the summary and subjects read, in the JSON
 * model's shape: serialNumber, version, metadata (timestamp, tools in both
 * their 1.2–1.4 and 1.5+ forms, component), components (nested), their
 * licences and hashes, vulnerabilities and their analysis state.
 */
function toModel(root: XmlElement, version: string | undefined): Record<string, unknown> {
  const bom: Record<string, unknown> = { bomFormat: 'CycloneDX' };
  put(bom, 'specVersion', version);
  const rootAttrs = attrs(root);
  put(bom, 'serialNumber', rootAttrs.serialNumber);
  if (rootAttrs.version !== undefined && /^\d+$/.test(rootAttrs.version)) bom.version = Number(rootAttrs.version);
  const metadata = child(root, 'metadata');
  if (metadata) {
    const meta: Record<string, unknown> = {};
    put(meta, 'timestamp', text(child(metadata, 'timestamp')));
    const tools = child(metadata, 'tools');
    if (tools) {
      const legacy = children(tools, 'tool');
      meta.tools =
        legacy.length > 0
          ? legacy.map((t) => fields(t, ['vendor', 'name', 'version']))
          : {
              components: children(child(tools, 'components') ?? tools, 'component').map(component),
              services: children(child(tools, 'services') ?? tools, 'service').map((s) => fields(s, ['name', 'version'])),
            };
    }
    const main = child(metadata, 'component');
    if (main) meta.component = component(main);
    bom.metadata = meta;
  }
  const components = child(root, 'components');
  if (components) bom.components = children(components, 'component').map(component);
  const vulnerabilities = child(root, 'vulnerabilities');
  if (vulnerabilities) {
    bom.vulnerabilities = children(vulnerabilities, 'vulnerability').map((v) => {
      const out: Record<string, unknown> = fields(v, ['id']);
      put(out, 'bom-ref', attrs(v)['bom-ref']);
      const analysis = child(v, 'analysis');
      if (analysis) out.analysis = fields(analysis, ['state', 'justification']);
      return out;
    });
  }
  return bom;
}

function fields(element: XmlElement, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) put(out, name, text(child(element, name)));
  return out;
}

function component(element: XmlElement): Record<string, unknown> {
  const a = attrs(element);
  const out: Record<string, unknown> = fields(element, ['group', 'name', 'version', 'purl']);
  put(out, 'type', a.type);
  put(out, 'bom-ref', a['bom-ref']);
  const hashes = child(element, 'hashes');
  if (hashes) out.hashes = children(hashes, 'hash').map((h) => ({ alg: attrs(h).alg ?? '', content: text(h) ?? '' }));
  const licenses = child(element, 'licenses');
  if (licenses) {
    out.licenses = [
      ...children(licenses, 'license').map((l) => ({ license: fields(l, ['id', 'name']) })),
      ...children(licenses, 'expression').map((e) => ({ expression: text(e) ?? '' })),
    ];
  }
  const properties = child(element, 'properties');
  if (properties) out.properties = children(properties, 'property').map((p) => ({ name: attrs(p).name ?? '', value: text(p) ?? '' }));
  const nested = child(element, 'components');
  if (nested) out.components = children(nested, 'component').map(component);
  return out;
}

export const cyclonedxXml: Format = {
  id: 'cyclonedx',
  kind: 'sbom',
  defaultMediaType: MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    if (input.json !== undefined) return undefined;
    const base = parseMediaType(input.mediaType).base;
    const version = versionOf(input.text);
    const withVersion = (d: Detection): Detection => (version ? { ...d, version } : d);
    let detection: Detection | undefined;
    if (base === MEDIA_TYPE) detection = withVersion({ by: 'media-type', reason: `media type ${base}` });
    else if (version) detection = withVersion({ by: 'content', reason: `marker <bom xmlns="http://cyclonedx.org/schema/bom/${version}"> (XML)` });
    if (!detection) return undefined;
    // A BOM of vulnerabilities without components is VEX, as in JSON (read once; validation reuses it).
    return cyclonedxKind(judge(input, detection).model) === 'vex' ? { ...detection, kind: 'vex' } : detection;
  },
  validate: (input, detection) => judge(input, detection).problems,
  subjects: (input, detection) => cyclonedxSubjects(judge(input, detection).model),
  summarize: (input, detection) => summarizeCyclonedx(judge(input, detection).model),
};
