import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderReport, writeReport } from '../../src/gate/output/render.js';
import { buildReport, type GateReport } from '../../src/gate/report.js';
import type { RuleResult } from '../../src/gate/rules/result.js';
import { tempDir } from '../helpers/cli.js';
import { AMD64, ARM64, INDEX, policyWith, twoPlatformIndex, KEY_SIGNERS } from './helpers/evidence.js';
import { corpusPath } from './helpers/corpus.js';

// ajv-formats is CommonJS: its function arrives as the default, or under it.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

const results: RuleResult[] = [
  { rule: 'signature', mode: 'enforce', status: 'pass', digest: INDEX, reason: 'signed by key 0123456789abcdef… (cosign-simplesigning)', details: {} },
  {
    rule: 'sbom',
    mode: 'enforce',
    status: 'pass',
    platform: 'linux/amd64',
    digest: AMD64,
    reason: 'spdx SBOM with 25 component(s): evidence/sbom-spdx-1.json',
    details: {},
  },
  {
    rule: 'sbom',
    mode: 'enforce',
    status: 'fail',
    platform: 'linux/arm64',
    digest: ARM64,
    reason: 'no SBOM for linux/arm64 (sha256:0123456789ab…)',
    details: {},
  },
  {
    rule: 'scan',
    mode: 'enforce',
    status: 'fail',
    digest: INDEX,
    reason: '1 finding(s) at or above CRITICAL: CVE-2026-0001 (CRITICAL, <openssl> & "libssl" | 3.0)\nsecond line\u001b[31m',
    details: {},
  },
  { rule: 'image', mode: 'warn', status: 'warn', platform: 'linux/arm64', digest: ARM64, reason: 'linux/arm64 runs as root (User "0")', details: {} },
  { rule: 'provenance', mode: 'enforce', status: 'error', digest: INDEX, reason: 'could not be evaluated: boom', details: {} },
];

function report(): GateReport {
  const policy = policyWith({ signature: { mode: 'enforce', signers: KEY_SIGNERS } });
  policy.path = 'ci/policy.yaml';
  policy.lines = { signature: 4, sbom: 9, scan: 15, image: 20, provenance: 11 };
  policy.warnings = ['/rules/signature: keyless identities are listed but no trustedRoots'];
  return buildReport({
    source: { type: 'bundle', location: 'artifacts/x' },
    policy,
    now: new Date('2026-06-15T12:00:00.123Z'),
    subject: twoPlatformIndex(),
    ref: 'x',
    results,
  });
}

describe('report formats, each parsed back', () => {
  it('text: one line per rule and platform, failures first, then errors, warnings, passes', () => {
    const lines = renderReport(report(), 'text').trimEnd().split('\n');
    expect(lines[0]).toBe(`custody gate FAIL  ghcr.io/acme/app:1.0@${INDEX}  (policy ci/policy.yaml, bundle)`);
    expect(lines[1]).toMatch(/^STATUS\s+RULE\s+PLATFORM\s+MODE\s+REASON$/);
    expect(lines.slice(2, 8).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'FAIL sbom linux/arm64',
      'FAIL scan -',
      'ERROR provenance -',
      'WARN image linux/arm64',
      'PASS signature -',
      'PASS sbom linux/amd64',
    ]);
    // A newline and an escape sequence from evidence do not reach the terminal: they are shown escaped.
    expect(lines[3]).toMatch(/libssl" \| 3\.0\)\\nsecond line\\x1b\[31m$/);
    expect(lines[8]).toBe('warning: /rules/signature: keyless identities are listed but no trustedRoots');
  });

  it('json: the whole report round-trips', () => {
    const r = report();
    expect(JSON.parse(renderReport(r, 'json'))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(r).toMatchObject({
      outcome: 'fail',
      pass: false,
      subject: {
        digest: INDEX,
        platforms: [
          { digest: AMD64, platform: 'linux/amd64' },
          { digest: ARM64, platform: 'linux/arm64' },
        ],
      },
    });
  });

  it('junit: one test case per rule and platform; failures and errors as such, warnings in system-out', () => {
    const xml = renderReport(report(), 'junit');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suite = parsed.testsuites.testsuite;
    expect(parsed.testsuites).toMatchObject({ tests: '6', failures: '2', errors: '1' });
    expect(suite).toMatchObject({ tests: '6', failures: '2', errors: '1', timestamp: '2026-06-15T12:00:00Z' });
    const cases = suite.testcase as { name: string; classname: string; failure?: { message: string }; error?: { message: string }; 'system-out'?: string }[];
    expect(cases.map((c) => c.name)).toEqual(['signature', 'sbom [linux/amd64]', 'sbom [linux/arm64]', 'scan', 'image [linux/arm64]', 'provenance']);
    expect(cases[2]!.failure!.message).toBe('no SBOM for linux/arm64 (sha256:0123456789ab…)');
    expect(cases[3]!.failure!.message).toBe('1 finding(s) at or above CRITICAL: CVE-2026-0001 (CRITICAL, <openssl> & "libssl" | 3.0)\\nsecond line\\x1b[31m');
    expect(cases[5]!.error!.message).toBe('could not be evaluated: boom');
    expect(cases[4]!['system-out']).toBe('WARN (mode warn): linux/arm64 runs as root (User "0")');
    expect(cases[0]!.failure).toBeUndefined();
    expect(cases[0]!.classname).toBe('custody.gate.signature');
    const properties = suite.properties.property as { name: string; value: string }[];
    expect(properties.find((p) => p.name === 'outcome')!.value).toBe('fail');
  });

  it('sarif: valid against the official SARIF 2.1.0 schema, one result per failed, errored or warned rule', async () => {
    const log = JSON.parse(renderReport(report(), 'sarif')) as {
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
        }[];
      }[];
    };
    // The official schema, read in place. It is draft-04, which Ajv 8 does not load; it uses no keyword whose
    // meaning changed after draft-04 except the root `id`, so it is compiled as draft-07 with `id` read as `$id`.
    const {
      $schema: _draft04,
      id,
      ...rest
    } = JSON.parse(await readFile(corpusPath('sarif/schemas/sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    expect(_draft04).toBe('http://json-schema.org/draft-04/schema#');
    const schema = { $id: id as string, ...rest };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors, null, 1)).toBe(true);
    // The schema does bite: a wrong level is refused.
    const broken = JSON.parse(JSON.stringify(log)) as typeof log;
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(broken)).toBe(false);

    const run = log.runs[0]!;
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['custody/sbom', 'error'],
      ['custody/scan', 'error'],
      ['custody/image', 'warning'],
      ['custody/provenance', 'error'],
    ]);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
    expect(run.results[0]!.message.text).toBe('[linux/arm64] no SBOM for linux/arm64 (sha256:0123456789ab…)');
    expect(run.results[1]!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'ci/policy.yaml' }, region: { startLine: 15 } });
  });

  it('sarif: a passing gate is a valid log with no results', async () => {
    const r = report();
    const passing = { ...r, outcome: 'pass' as const, pass: true, results: r.results.filter((x) => x.status === 'pass') };
    const log = JSON.parse(renderReport(passing, 'sarif')) as { runs: { results: unknown[]; invocations: { executionSuccessful: boolean }[] }[] };
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(true);
  });

  it('markdown: a heading, a table with one row per result, cells that cannot break the table', () => {
    const md = renderReport(report(), 'markdown');
    const lines = md.trimEnd().split('\n');
    expect(lines[0]).toBe(`### ❌ custody gate failed: \`ghcr.io/acme/app:1.0@${INDEX}\``);
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| |'));
    expect(rows).toHaveLength(6);
    expect(rows[0]).toBe('| ❌ fail | sbom | linux/arm64 | enforce | no SBOM for linux/arm64 (sha256:0123456789ab…) |');
    expect(rows[1]).toBe(
      '| ❌ fail | scan |  | enforce | 1 finding(s) at or above CRITICAL: CVE-2026-0001 (CRITICAL, &lt;openssl&gt; &amp; "libssl" \\| 3.0)\\nsecond line\\x1b[31m |',
    );
    // Every row has exactly six unescaped pipes: the table holds.
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7);
    expect(md).toMatch(/\*\*Warnings\*\*\n\n- \/rules\/signature: keyless/);
  });

  it('--output writes the report atomically: the file, and no temporary file left', async () => {
    const dir = await tempDir();
    const path = join(dir, 'out', 'gate.sarif');
    await writeReport(path, renderReport(report(), 'sarif'));
    expect(JSON.parse(await readFile(path, 'utf8')).version).toBe('2.1.0');
    expect(await readdir(join(dir, 'out'))).toEqual(['gate.sarif']);
  });
});
