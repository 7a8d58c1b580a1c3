import type { Detection, DetectInput, Format } from './format.js';
import { anchoreSourceSubjects, anchoreTarget } from './grype.js';
import { arrayField, isObject, objectField, optional, stringField } from './lib/json.js';
import { addLicenseIds } from './lib/licenses.js';
import { checkSchema } from './lib/problems.js';

/** syft's native JSON SBOM (`syft -o json`). */
export const syft: Format = {
  id: 'syft',
  kind: 'sbom',
  defaultMediaType: 'application/json',
  detect(input: DetectInput): Detection | undefined {
    const json = input.json;
    if (!isObject(json) || !Array.isArray(json.artifacts)) return undefined;
    const schemaUrl = stringField(objectField(json, 'schema'), 'url');
    const version = stringField(objectField(json, 'schema'), 'version');
    const withVersion = (d: Detection): Detection => (version ? { ...d, version } : d);
    if (schemaUrl && /anchore\/syft/.test(schemaUrl)) return withVersion({ by: 'content', reason: `marker schema.url=${schemaUrl}` });
    if (stringField(objectField(json, 'descriptor'), 'name') === 'syft') return withVersion({ by: 'content', reason: 'marker descriptor.name=syft' });
    return undefined;
  },
  validate: (input) => checkSchema('formats/syft-sbom.schema.json', input.json),
  subjects: (input) => anchoreSourceSubjects(input.json),
  summarize(input) {
    const json = input.json;
    const artifacts = arrayField(json, 'artifacts');
    const licenses = new Set<string>();
    for (const artifact of artifacts) {
      for (const license of arrayField(artifact, 'licenses')) {
        if (typeof license === 'string') addLicenseIds(license, licenses);
        else addLicenseIds(stringField(license, 'spdxExpression') || stringField(license, 'value'), licenses);
      }
    }
    const descriptor = objectField(json, 'descriptor');
    const summary: Record<string, unknown> = {
      specVersion: stringField(objectField(json, 'schema'), 'version') ?? null,
      documentName: anchoreTarget(json),
      tool: stringField(descriptor, 'name') ?? 'syft',
      toolVersion: stringField(descriptor, 'version') ?? null,
      componentCount: artifacts.length,
      licenseCount: licenses.size,
      relationshipCount: arrayField(json, 'artifactRelationships').length,
      ...optional('sourceType', stringField(objectField(json, 'source'), 'type')),
    };
    const distro = objectField(json, 'distro');
    const distroName = stringField(distro, 'prettyName') ?? stringField(distro, 'name');
    if (distroName) summary.distro = distroName;
    return summary;
  },
};
