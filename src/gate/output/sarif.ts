import { relative, sep } from 'node:path';
import { TOOL } from '../../version.js';
import type { RuleName } from '../policy/types.js';
import { blocks, type ResultRule, type RuleResult } from '../rules/result.js';
import { subjectText, type GateReport } from '../report.js';
import { escapeText } from '../../lib/escape.js';

/** SARIF reporting descriptors for every rule the gate can report (SARIF 2.1.0 §3.49). */
const RULES: { id: ResultRule; name: string; text: string }[] = [
  { id: 'bundle', name: 'BundleVerifies', text: 'The archived evidence bundle verifies: every file re-hashed, manifests match.' },
  { id: 'evidence', name: 'EvidenceObtained', text: 'The evidence of the image could be collected from the registry or layout.' },
  { id: 'signature', name: 'ImageSigned', text: 'The image digest carries a signature that verifies with the policy keys or keyless identities.' },
  { id: 'sbom', name: 'SbomPresent', text: 'A valid SBOM in an accepted format, with enough components, is attached for the scope.' },
  { id: 'provenance', name: 'VerifiedProvenance', text: 'A verified SLSA provenance attestation names an accepted builder and source repository.' },
  {
    id: 'scan',
    name: 'FreshScanNoBlockingFindings',
    text: 'A fresh vulnerability scan has no finding at or above the policy threshold (after verified VEX and the allow-list).',
  },
  { id: 'image', name: 'ImageConfiguration', text: 'The image configuration runs as a non-root user and carries the required labels.' },
];

/**
 * A SARIF 2.1.0 log with one result per failed, errored or warned rule (and
 * platform): level `error` when it blocks the release, `warning` otherwise.
 * Each result points at the rule in the policy file (for code-scanning
 * annotations) and names the image as a logical location.
 */
export function renderSarif(report: GateReport, cwd: string = process.cwd()): string {
  const policyUri = toUri(report.policy.path, cwd);
  const results = report.results
    .filter((r) => r.status !== 'pass')
    .map((r) => {
      const ruleIndex = RULES.findIndex((rule) => rule.id === r.rule);
      const line = lineOf(report, r.rule);
      const physical = { artifactLocation: { uri: policyUri }, ...(line ? { region: { startLine: line } } : {}) };
      return {
        ruleId: `custody/${r.rule}`,
        ruleIndex,
        level: blocks(r) ? 'error' : 'warning',
        message: { text: `${r.platform ? `[${r.platform}] ` : ''}${escapeText(r.reason)}` },
        locations: [
          {
            physicalLocation: physical,
            logicalLocations: [
              { name: subjectText(report), fullyQualifiedName: `${subjectText(report)}${r.platform ? ` ${r.platform}` : ''}`, kind: 'module' },
            ],
          },
        ],
        partialFingerprints: { 'custodyGate/v1': `${r.rule}:${r.digest ?? report.subject.ref}` },
        properties: properties(r),
      };
    });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL.name,
            version: TOOL.version,
            rules: RULES.map((rule) => ({
              id: `custody/${rule.id}`,
              name: rule.name,
              shortDescription: { text: rule.text },
              defaultConfiguration: { level: 'error' },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: report.outcome !== 'unobtainable',
            endTimeUtc: report.evaluatedAt,
          },
        ],
        results,
        properties: {
          outcome: report.outcome,
          image: subjectText(report),
          policy: report.policy.path,
          source: `${report.source.type} ${report.source.location}`,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function properties(r: RuleResult): Record<string, unknown> {
  return { rule: r.rule, mode: r.mode, status: r.status, ...(r.platform ? { platform: r.platform } : {}), ...(r.digest ? { digest: r.digest } : {}) };
}

function lineOf(report: GateReport, rule: ResultRule): number | undefined {
  return report.policy.lines[rule as RuleName];
}

/** The policy path as a relative URI reference (forward slashes, percent-encoded). */
function toUri(path: string, cwd: string): string {
  const rel = relative(cwd, path) || path;
  return rel.split(sep).map(encodeURIComponent).join('/');
}
