import { appendFile, readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { gateCommand, runGate, type GateArgs } from '../../src/cli/commands/gate.js';
import { GATE_FORMATS } from '../../src/cli/commands/gate-spec.js';
import { parseArgs } from '../../src/cli/parse-args.js';
import { REPORT_FORMATS } from '../../src/gate/output/render.js';
import type { CommandContext } from '../../src/cli/context.js';
import { CustodyError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { archiveCollected, archiveLocal, LOCAL_POLICY } from './helpers/bundle.js';
import { digest } from './helpers/evidence.js';
import { buildImage } from './helpers/image.js';
import { BUILDER, FULL_POLICY, SOURCE_LABEL, writePolicy } from './helpers/policy-files.js';
import { makeKey } from './helpers/signing.js';

/** A fake collector (test double) whose registry is unreachable: collection throws NETWORK. */
const unreachableRegistry: CommandContext = {
  isTerminal: () => false,
  async collecting() {
    return {
      collect: async () => {
        throw new CustodyError('NETWORK', 'registry.example.com: connect ECONNREFUSED (after 3 attempts)');
      },
      resolve: async () => {
        throw new CustodyError('NETWORK', 'registry.example.com: connect ECONNREFUSED');
      },
      close: () => undefined,
    };
  },
};

async function gate(args: Partial<GateArgs> & { policy: string }, context: CommandContext = unreachableRegistry) {
  let stdout = '';
  let stderr = '';
  const code = await runGate({ ...args }, { out: (t) => (stdout += t), err: (t) => (stderr += t) }, context);
  return { code, stdout, stderr };
}

describe('custody gate (runGate): exit codes', () => {
  const key = makeKey();
  const image = digest('cli-image');

  it('0: a bundle archived from local evidence (--no-discover style) passes every rule', async () => {
    const bundle = await archiveLocal(image, { signer: key.privateKey, findings: [{ id: 'CVE-2026-1', severity: 'HIGH' }] });
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    const { code, stdout, stderr } = await gate({ bundle, policy });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n')[0]).toMatch(/^custody gate PASS {2}ghcr.io\/acme\/app@sha256:/);
    expect(stdout).toMatch(/PASS\s+signature\s+-\s+enforce\s+signed by key [0-9a-f]{16}… \(containers-image\)/);
    expect(stdout).toMatch(/PASS\s+bundle\s+-\s+enforce\s+bundle verified/);
  });

  it('1: a CRITICAL finding fails the gate with one stderr line naming the rule and the finding', async () => {
    const bundle = await archiveLocal(image, { signer: key.privateKey, findings: [{ id: 'CVE-2026-9999', severity: 'CRITICAL' }] });
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    const { code, stdout, stderr } = await gate({ bundle, policy });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^custody: gate failed for ghcr.io\/acme\/app@sha256:\S+: scan: 1 finding\(s\) at or above CRITICAL: CVE-2026-9999 \(CRITICAL, openssl 3.0.1-r0\)\n$/,
    );
    // Failures first.
    expect(stdout.split('\n')[2]).toMatch(/^FAIL\s+scan/);
  });

  it('0: the same CRITICAL finding marked not_affected by an OpenVEX attestation the policy key signed', async () => {
    const bundle = await archiveLocal(image, { signer: key.privateKey, findings: [{ id: 'CVE-2026-9999', severity: 'CRITICAL' }], vex: ['CVE-2026-9999'] });
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    const { code, stdout } = await gate({ bundle, policy });
    expect(code).toBe(0);
    expect(stdout).toMatch(/PASS\s+scan .*1 suppressed by verified VEX/);
  });

  it('1: signatures are re-verified against the policy key, not taken from the manifest', async () => {
    const bundle = await archiveLocal(image, { signer: makeKey().privateKey, findings: [] });
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    const { code, stderr } = await gate({ bundle, policy });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /: signature: 1 signature\(s\) found, none verified by the policy's signers; untrusted-key: cosign signature verifies with none of the 1 trusted key\(s\).* \(2 enforced checks failed\)\n$/,
    );
  });

  it('1: a stale scan fails', async () => {
    const bundle = await archiveLocal(image, { signer: key.privateKey, findings: [], scannedAt: '2020-01-01T00:00:00Z' });
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    const { code, stderr } = await gate({ bundle, policy });
    expect(code).toBe(1);
    expect(stderr).toMatch(/scan: no fresh scan report for the image .* days old \(scanned 2020-01-01T00:00:00.000Z by trivy\); the policy allows 7/);
  });

  it('1: a tampered bundle fails closed before any rule, naming the altered file', async () => {
    const bundle = await archiveLocal(image, { signer: key.privateKey, findings: [] });
    const evidence = (await readdir(join(bundle, 'evidence'))).find((f) => f.startsWith('scan-') && !f.endsWith('.sha256'))!;
    await appendFile(join(bundle, 'evidence', evidence), ' ');
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    const { code, stdout, stderr } = await gate({ bundle, policy, format: 'json' });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(`^custody: gate failed for .*: bundle: bundle does not verify: \\d+ problem\\(s\\); first: altered evidence/${evidence}`),
    );
    const report = JSON.parse(stdout) as { outcome: string; results: { rule: string }[] };
    expect(report.outcome).toBe('fail');
    expect(report.results.map((r) => r.rule)).toEqual(['bundle']);
  });

  it('1: a two-platform image archived with discovery: the platform without an SBOM and the root platform fail', async () => {
    const built = buildImage({
      repository: 'ghcr.io/acme/app',
      signer: key.privateKey,
      platforms: [
        { architecture: 'amd64', user: '65532', labels: SOURCE_LABEL, sbom: true },
        { architecture: 'arm64', user: 'root', labels: SOURCE_LABEL, sbom: false },
      ],
      provenance: { builderId: BUILDER, repository: 'https://github.com/acme/app' },
      findings: [],
    });
    const bundle = await archiveCollected(built.collected);
    const policy = await writePolicy(FULL_POLICY, { 'release.pub': key.publicPem });
    const { code, stdout, stderr } = await gate({ bundle, policy });
    expect(code).toBe(1);
    expect(stderr).toMatch(/: sbom \[linux\/arm64\]: no SBOM for linux\/arm64 \(sha256:[0-9a-f]{12}…\) \(2 enforced checks failed\)\n$/);
    expect(stdout).toMatch(/FAIL\s+image\s+linux\/arm64\s+enforce\s+linux\/arm64 \(sha256:[0-9a-f]{12}…\) runs as root \(User "root"\)/);
    expect(stdout).toMatch(/PASS\s+signature/);
    expect(stdout).toMatch(/PASS\s+provenance/);
  });

  it('2: an invalid policy, with every problem on one line', async () => {
    const bundle = await archiveLocal(image, { signer: key.privateKey, findings: [] });
    const policy = await writePolicy('apiVersion: custody/v1\nkind: Policy\nrules:\n  scan: {failOn: SEVERE, maxAge: 3}\n');
    const { code, stdout, stderr } = await gate({ bundle, policy });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^custody: policy .*policy\.yaml is invalid \(2 problems\): [^\n]+\n$/);
    expect(stderr).toContain('/rules/scan/failOn must be equal to one of the allowed values (CRITICAL, HIGH, MEDIUM, LOW)');
    expect(stderr).toContain('/rules/scan/maxAge is not allowed here');
  });

  it('2: --bundle that is not an image folder, or not an archive at all', async () => {
    const bundle = await archiveLocal(image, { signer: key.privateKey, findings: [] });
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    const day = dirname(dirname(dirname(dirname(bundle))));
    expect((await gate({ bundle: day, policy })).code).toBe(2);
    const empty = await tempDir();
    const notArchive = await gate({ bundle: join(empty, 'missing'), policy });
    expect(notArchive.code).toBe(2);
    expect(notArchive.stderr).toMatch(/^custody: cannot read .*missing/);
  });

  it('2: both a reference and --bundle, or neither', async () => {
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    expect(await gate({ ref: 'ghcr.io/acme/app:1', bundle: '/tmp', policy })).toMatchObject({
      code: 2,
      stderr: 'custody: gate takes an image reference or --bundle DIR, not both\n',
    });
    expect(await gate({ policy })).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs an image reference or --bundle DIR/) });
  });

  it('3: the registry cannot be reached (fake collector throwing NETWORK); the report still says why', async () => {
    const policy = await writePolicy(LOCAL_POLICY, { 'release.pub': key.publicPem });
    const out = join(await tempDir(), 'reports', 'gate.xml');
    const { code, stdout, stderr } = await gate({ ref: 'registry.example.com/acme/app:1.0', policy, format: 'junit', output: out });
    expect(code).toBe(3);
    expect(stderr).toBe(
      'custody: gate could not decide registry.example.com/acme/app:1.0: evidence for registry.example.com/acme/app:1.0 could not be obtained (NETWORK): registry.example.com: connect ECONNREFUSED (after 3 attempts)\n',
    );
    expect(stdout).toMatch(/^custody gate ERROR/);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(out, 'utf8'));
    expect(xml.testsuites['@_errors']).toBe('1');
    expect(xml.testsuites.testsuite.testcase.error['@_message']).toMatch(/NETWORK/);
  });
});

describe('custody gate: flag wiring', () => {
  async function parse(argv: string[]): Promise<Record<string, unknown>> {
    const parsed = parseArgs(argv, [gateCommand]);
    if (parsed.kind !== 'run') throw new Error(`not a command run: ${parsed.kind}`);
    return parsed.args;
  }

  it('parses into the arguments runGate takes', async () => {
    expect(await parse(['gate', '--bundle', 'B', '--policy', 'P', '--format', 'sarif', '--output', 'o.sarif'])).toMatchObject({
      bundle: 'B',
      policy: 'P',
      format: 'sarif',
      output: 'o.sarif',
    });
    expect(await parse(['gate', 'ghcr.io/acme/app:1', '--policy', 'P', '--timeout', '5', '--insecure'])).toMatchObject({
      ref: 'ghcr.io/acme/app:1',
      timeout: 5,
      insecure: true,
    });
  });

  it('refuses an unknown format and a missing --policy', async () => {
    await expect(parse(['gate', 'x', '--policy', 'P', '--format', 'html'])).rejects.toThrow(
      '--format takes one of text, json, junit, sarif, markdown, got "html"',
    );
    await expect(parse(['gate', 'x'])).rejects.toThrow(/^missing --policy FILE for custody gate: /);
  });

  it('offers exactly the formats the renderer knows', () => {
    expect([...GATE_FORMATS]).toEqual([...REPORT_FORMATS]);
  });
});
