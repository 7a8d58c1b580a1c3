import type { Detection, DetectInput, Format } from './format.js';
import { toOciDigest } from './lib/digest.js';
import { asObject, field, isObject, stringField } from './lib/json.js';
import { parseMediaType } from './lib/media-type.js';
import { checkSchema } from './lib/problems.js';
import { SeverityTally } from './lib/severity.js';

const MEDIA_TYPE = 'application/vnd.clair.vulnerability_report.v1+json';

/** Clair v4 vulnerability reports (`GET /matcher/api/v1/vulnerability_report/{digest}`). */
export const clair: Format = {
  id: 'clair',
  kind: 'scan',
  defaultMediaType: MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    if (parseMediaType(input.mediaType).base === MEDIA_TYPE) return { by: 'media-type', reason: `media type ${MEDIA_TYPE}` };
    const json = input.json;
    if (isObject(json) && 'manifest_hash' in json && ('package_vulnerabilities' in json || 'vulnerabilities' in json)) {
      return { by: 'content', reason: 'marker manifest_hash with package_vulnerabilities' };
    }
    return undefined;
  },
  validate: (input) => checkSchema('formats/clair-vulnerability-report.schema.json', input.json),
  /** manifest_hash is the digest of the manifest Clair indexed. */
  subjects(input) {
    const digest = toOciDigest(field(input.json, 'manifest_hash'));
    return digest ? [digest] : [];
  },
  /** One finding per (package, vulnerability) pair, as Clair reports them. */
  summarize(input) {
    const json = input.json;
    const vulnerabilities = asObject(field(json, 'vulnerabilities')) ?? {};
    const byPackage = asObject(field(json, 'package_vulnerabilities')) ?? {};
    const tally = new SeverityTally();
    for (const ids of Object.values(byPackage)) {
      if (!Array.isArray(ids)) continue;
      for (const id of ids) {
        const vuln = typeof id === 'string' && Object.prototype.hasOwnProperty.call(vulnerabilities, id) ? vulnerabilities[id] : undefined;
        const fixed = stringField(vuln, 'fixed_in_version');
        tally.add(stringField(vuln, 'normalized_severity') ?? stringField(vuln, 'severity'), fixed !== undefined && fixed !== '');
      }
    }
    return {
      scanner: 'clair',
      scannerVersion: null,
      scanTime: null,
      artifactName: stringField(json, 'manifest_hash') ?? null,
      ...tally.toSummary(),
      packageCount: Object.keys(asObject(field(json, 'packages')) ?? {}).length,
    };
  },
};
