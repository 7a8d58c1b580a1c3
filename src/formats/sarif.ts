import type { Detection, DetectInput, Format } from './format.js';
import { arrayField, asObject, at, field, isObject, objectField, stringField } from './lib/json.js';
import { parseMediaType } from './lib/media-type.js';
import { checkSchema, unsupportedVersion } from './lib/problems.js';
import { SeverityTally, type Severity } from './lib/severity.js';

const MEDIA_TYPE = 'application/sarif+json';

/** CVSS-style `security-severity` (GitHub code scanning convention, used by trivy and grype) → bucket. */
function fromScore(score: number): Severity {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score > 0) return 'LOW';
  return 'UNKNOWN';
}

/** SARIF levels, when no score is given: error→HIGH, warning→MEDIUM, note→LOW, none→UNKNOWN. */
const LEVELS: Record<string, Severity> = { error: 'HIGH', warning: 'MEDIUM', note: 'LOW', none: 'UNKNOWN' };

function resultSeverity(result: unknown, rules: Map<string, unknown>): Severity {
  const ruleId = stringField(result, 'ruleId');
  const rule = ruleId !== undefined ? rules.get(ruleId) : undefined;
  const raw = field(objectField(rule, 'properties'), 'security-severity') ?? field(objectField(result, 'properties'), 'security-severity');
  const score = typeof raw === 'string' ? Number.parseFloat(raw) : typeof raw === 'number' ? raw : NaN;
  if (Number.isFinite(score)) return fromScore(score);
  const level = stringField(result, 'level') ?? stringField(at(rule, 'defaultConfiguration'), 'level') ?? 'warning';
  return LEVELS[level] ?? 'UNKNOWN';
}

/** SARIF 2.1.0 logs (2.2 documents are recognised as SARIF and reported `unsupported-version` at /version). */
export const sarif: Format = {
  id: 'sarif',
  kind: 'scan',
  defaultMediaType: MEDIA_TYPE,
  detect(input: DetectInput): Detection | undefined {
    const json = input.json;
    const version = stringField(json, 'version');
    const withVersion = (d: Detection): Detection => (version ? { ...d, version } : d);
    if (parseMediaType(input.mediaType).base === MEDIA_TYPE) return withVersion({ by: 'media-type', reason: `media type ${MEDIA_TYPE}` });
    const schema = stringField(json, '$schema');
    if (schema && /sarif/i.test(schema)) return withVersion({ by: 'content', reason: `marker $schema=${schema}` });
    if (isObject(json) && Array.isArray(json.runs) && version && /^2\./.test(version)) {
      return withVersion({ by: 'content', reason: `marker version=${version} with runs` });
    }
    return undefined;
  },
  validate(input) {
    const version = field(input.json, 'version');
    if (typeof version === 'string' && /^\d+\.\d+(\.\d+)?$/.test(version) && version !== '2.1.0') {
      return [unsupportedVersion('/version', version, 'SARIF', ['2.1.0'])];
    }
    return checkSchema('formats/sarif-2.1.0.schema.json', input.json);
  },
  subjects: () => [],
  /** Findings over all runs; SARIF has no notion of a fix, so fixableCount is null. */
  summarize(input) {
    const runs = arrayField(input.json, 'runs');
    const tally = new SeverityTally();
    let scanTime: string | undefined;
    for (const run of runs) {
      const rules = new Map<string, unknown>();
      for (const rule of arrayField(at(run, 'tool', 'driver'), 'rules')) {
        const id = stringField(rule, 'id');
        if (id !== undefined) rules.set(id, rule);
      }
      for (const result of arrayField(run, 'results')) tally.add(resultSeverity(result, rules), false);
      const invocation = asObject(arrayField(run, 'invocations')[0]);
      scanTime ??= stringField(invocation, 'endTimeUtc') ?? stringField(invocation, 'startTimeUtc');
    }
    const driver = at(runs[0], 'tool', 'driver');
    return {
      scanner: stringField(driver, 'name') ?? null,
      scannerVersion: stringField(driver, 'version') ?? stringField(driver, 'semanticVersion') ?? null,
      scanTime: scanTime ?? null,
      sarifVersion: stringField(input.json, 'version') ?? null,
      runCount: runs.length,
      ...tally.toSummary(),
      fixableCount: null,
    };
  },
};
