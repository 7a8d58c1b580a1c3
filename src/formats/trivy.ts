import type { Detection, DetectInput, Format } from './format.js';
import { digestFromReference } from './lib/digest.js';
import { arrayField, field, isObject, objectField, stringField } from './lib/json.js';
import { checkSchema } from './lib/problems.js';
import { SeverityTally } from './lib/severity.js';

/**
 * Trivy JSON reports (`trivy image --format json`), SchemaVersion 2.
 * Trivy has no registered media type; reports are recognised by content.
 */
export const trivy: Format = {
  id: 'trivy',
  kind: 'scan',
  defaultMediaType: 'application/json',
  detect(input: DetectInput): Detection | undefined {
    const json = input.json;
    if (!isObject(json) || !('SchemaVersion' in json)) return undefined;
    const markers = ['ArtifactName', 'ArtifactType', 'Trivy', 'Results'].filter((k) => k in json);
    if (markers.length === 0) return undefined;
    const version = typeof json.SchemaVersion === 'number' ? String(json.SchemaVersion) : undefined;
    return {
      by: 'content',
      reason: `marker SchemaVersion with ${markers.join(', ')}`,
      ...(version ? { version } : {}),
    };
  },
  validate: (input) => checkSchema('formats/trivy-report.schema.json', input.json),
  /** Metadata.RepoDigests name the scanned image's manifest; ImageID is the config digest and is not used. */
  subjects(input) {
    const subjects: string[] = [];
    for (const ref of arrayField(objectField(input.json, 'Metadata'), 'RepoDigests')) {
      const digest = digestFromReference(ref);
      if (digest) subjects.push(digest);
    }
    return subjects;
  },
  summarize(input) {
    const json = input.json;
    const tally = new SeverityTally();
    let secretCount = 0;
    let misconfigurationCount = 0;
    for (const result of arrayField(json, 'Results')) {
      for (const v of arrayField(result, 'Vulnerabilities')) {
        const fixed = stringField(v, 'FixedVersion');
        tally.add(field(v, 'Severity'), (fixed !== undefined && fixed !== '') || stringField(v, 'Status') === 'fixed');
      }
      secretCount += arrayField(result, 'Secrets').length;
      misconfigurationCount += arrayField(result, 'Misconfigurations').length;
    }
    const summary: Record<string, unknown> = {
      scanner: 'trivy',
      scannerVersion: stringField(objectField(json, 'Trivy'), 'Version') ?? null,
      scanTime: stringField(json, 'CreatedAt') ?? null,
      artifactName: stringField(json, 'ArtifactName') ?? null,
      artifactType: stringField(json, 'ArtifactType') ?? null,
      ...tally.toSummary(),
      secretCount,
      misconfigurationCount,
    };
    return summary;
  },
};
