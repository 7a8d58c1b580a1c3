import type { Detection, DetectInput, Format } from './format.js';
import { digestFromReference, toOciDigest } from './lib/digest.js';
import { arrayField, at, field, isObject, objectField, stringField } from './lib/json.js';
import { checkSchema } from './lib/problems.js';
import { SeverityTally } from './lib/severity.js';

/**
 * The image a grype or syft document was made from: source.target's
 * manifestDigest and repoDigests, and a digest pinned in the user's input.
 * imageID (the config digest) is not used.
 */
export function anchoreSourceSubjects(json: unknown): string[] {
  const target = at(json, 'source', 'target');
  if (!isObject(target)) return [];
  const subjects: string[] = [];
  const manifest = toOciDigest(field(target, 'manifestDigest'));
  if (manifest) subjects.push(manifest);
  for (const ref of arrayField(target, 'repoDigests')) {
    const digest = digestFromReference(ref);
    if (digest) subjects.push(digest);
  }
  const pinned = digestFromReference(field(target, 'userInput'));
  if (pinned) subjects.push(pinned);
  return subjects;
}

export function anchoreTarget(json: unknown): string | null {
  const target = at(json, 'source', 'target');
  if (typeof target === 'string') return target;
  return stringField(target, 'userInput') ?? stringField(target, 'name') ?? null;
}

/** Grype JSON reports (`grype -o json`). */
export const grype: Format = {
  id: 'grype',
  kind: 'scan',
  defaultMediaType: 'application/json',
  detect(input: DetectInput): Detection | undefined {
    const json = input.json;
    if (!isObject(json) || !Array.isArray(json.matches)) return undefined;
    const name = stringField(objectField(json, 'descriptor'), 'name');
    if (name === 'grype') return { by: 'content', reason: 'marker descriptor.name=grype with matches' };
    if ('source' in json && 'distro' in json) return { by: 'content', reason: 'marker matches with source and distro' };
    return undefined;
  },
  validate: (input) => checkSchema('formats/grype-report.schema.json', input.json),
  subjects: (input) => anchoreSourceSubjects(input.json),
  summarize(input) {
    const json = input.json;
    const tally = new SeverityTally();
    for (const match of arrayField(json, 'matches')) {
      const vuln = objectField(match, 'vulnerability');
      const fix = objectField(vuln, 'fix');
      tally.add(field(vuln, 'severity'), stringField(fix, 'state') === 'fixed' || arrayField(fix, 'versions').length > 0);
    }
    const descriptor = objectField(json, 'descriptor');
    const timestamp = stringField(descriptor, 'timestamp');
    return {
      scanner: stringField(descriptor, 'name') ?? 'grype',
      scannerVersion: stringField(descriptor, 'version') ?? null,
      scanTime: timestamp ? timestamp : null,
      artifactName: anchoreTarget(json),
      artifactType: stringField(objectField(json, 'source'), 'type') ?? null,
      ...tally.toSummary(),
      ignoredCount: arrayField(json, 'ignoredMatches').length,
    };
  },
};
