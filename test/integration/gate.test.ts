import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runGate, type GateArgs } from '../../src/cli/commands/gate.js';
import { defaultContext } from '../../src/cli/context.js';
import type { GateReport } from '../../src/gate/report.js';
import { corpusPath } from '../gate/helpers/corpus.js';
import { writeGateImage, type GateImageSpec, type ImageSigner } from '../gate/helpers/layout.js';
import { makeKey, type TestKey } from '../gate/helpers/signing.js';
import { describeWithRegistry, openssl, pushEvidenceLayout, selfSignedEc, startRegistry, type RunningRegistry } from './registry-harness.js';

/**
 * The release gate against the real CNCF Distribution registry: images
 * pushed with skopeo (and their attachments over HTTP), collected by the real
 * registry client, judged by `runGate` exactly as `custody gate` runs it.
 */

const BUILDER = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0';
const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const LABELS = { 'org.opencontainers.image.source': 'https://github.com/acme/app' };

/** A private CA and a code-signing leaf certificate whose URI SAN is `identity` (keyless-style signing, cosign --ca-roots). */
function pkiSigner(dir: string, name: string, identity: string): { signer: ImageSigner; caFile: string } {
  selfSignedEc(dir, `${name}-ca`, `/CN=custody gate test CA ${name}`, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}-leaf.key`,
      '-out',
      `${name}-leaf.csr`,
      '-subj',
      '/O=custody test',
    ],
    dir,
  );
  writeFileSync(
    join(dir, `${name}-leaf.ext`),
    `subjectAltName=URI:${identity}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n`,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}-leaf.csr`,
      '-CA',
      `${name}-ca.crt`,
      '-CAkey',
      `${name}-ca.key`,
      '-CAcreateserial',
      '-out',
      `${name}-leaf.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}-leaf.ext`,
    ],
    dir,
  );
  const ca = readFileSync(join(dir, `${name}-ca.crt`), 'utf8');
  return {
    signer: {
      key: createPrivateKey(readFileSync(join(dir, `${name}-leaf.key`))),
      certificatePem: readFileSync(join(dir, `${name}-leaf.crt`), 'utf8'),
      chainPem: ca,
    },
    caFile: join(dir, `${name}-ca.crt`),
  };
}

describeWithRegistry('custody gate against a real registry (Distribution 2.8, skopeo)', () => {
  let registry: RunningRegistry | undefined;
  let work: string;
  let release: TestKey;
  let policyPath: string;
  const refs: Record<string, string> = {};

  const today = new Date().toISOString();
  const base = (name: string): GateImageSpec => ({
    name,
    repository: '',
    tag: '1.0',
    platforms: [
      { architecture: 'amd64', user: '65532', sbom: true },
      { architecture: 'arm64', user: '65532', sbom: true },
    ],
    labels: LABELS,
    attester: release.privateKey,
    signer: { key: release.privateKey },
    provenance: { builderId: BUILDER, repository: 'https://github.com/acme/app' },
    scan: { createdAt: today, findings: [{ id: 'CVE-2026-1111', severity: 'HIGH' }] },
  });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'custody-gate-int-'));
    registry = await startRegistry();
    const running = registry;
    release = makeKey();
    writeFileSync(join(work, 'release.pub'), release.publicPem);
    const right = pkiSigner(work, 'right', IDENTITY);
    const wrong = pkiSigner(work, 'wrong', 'https://github.com/mallory/app/.github/workflows/release.yml@refs/heads/main');
    // One CA file trusting both test CAs: the identity alone must tell the signers apart.
    writeFileSync(join(work, 'ca-roots.pem'), readFileSync(right.caFile, 'utf8') + readFileSync(wrong.caFile, 'utf8'));
    policyPath = join(work, 'policy.yaml');
    writeFileSync(
      policyPath,
      `apiVersion: custody/v1
kind: Policy
metadata: {name: release}
rules:
  signature:
    mode: enforce
    keys: [release.pub]
    caRoots: [ca-roots.pem]
    keyless: [{identityRegexp: ^https://github.com/acme/}]
  sbom: {mode: enforce, formats: [spdx], minComponents: 1, scope: every-platform}
  provenance:
    mode: enforce
    keys: [release.pub]
    builderIdRegexp: ^https://github.com/slsa-framework/
    sourceRepositoryRegexp: ^https://github.com/acme/
  scan: {mode: enforce, maxAgeDays: 7, failOn: CRITICAL, vex: {keys: [release.pub]}}
  image: {mode: enforce, nonRoot: true, requiredLabels: [org.opencontainers.image.source]}
`,
    );

    const old = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString();
    const variants: Record<string, (s: GateImageSpec) => GateImageSpec> = {
      good: (s) => s,
      'keyless-right': (s) => ({ ...s, signer: right.signer }),
      unsigned: ({ signer: _none, ...s }) => s,
      'wrong-identity': (s) => ({ ...s, signer: wrong.signer }),
      'sbom-one-platform': (s) => ({ ...s, platforms: [s.platforms[0]!, { ...s.platforms[1]!, sbom: false }] }),
      critical: (s) => ({ ...s, scan: { createdAt: today, findings: [{ id: 'CVE-2026-6666', severity: 'CRITICAL' }] } }),
      'critical-vex': (s) => ({
        ...s,
        scan: { createdAt: today, findings: [{ id: 'CVE-2026-6666', severity: 'CRITICAL' }] },
        vexNotAffected: ['CVE-2026-6666'],
      }),
      stale: (s) => ({ ...s, scan: { createdAt: old, findings: [] } }),
      root: (s) => ({ ...s, platforms: [s.platforms[0]!, { ...s.platforms[1]!, user: '0:0' }] }),
    };
    for (const [name, variant] of Object.entries(variants)) {
      const repository = `custody/gate-${name}`;
      const spec = variant({ ...base(name), repository: `${running.host}/${repository}` });
      const dir = join(work, name);
      writeGateImage(dir, spec);
      await pushEvidenceLayout(dir, spec.tag, running, repository);
      refs[name] = `${running.host}/${repository}:1.0`;
    }
  }, 180_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function gate(ref: string, extra: Partial<GateArgs> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runGate({ ref, policy: policyPath, format: 'json', ...extra }, { out: (t) => (stdout += t), err: (t) => (stderr += t) }, defaultContext);
    return { code, stdout, stderr };
  }

  async function judged(name: string): Promise<{ code: number; stderr: string; report: GateReport; status: Record<string, string> }> {
    const { code, stdout, stderr } = await gate(refs[name]!);
    const report = JSON.parse(stdout) as GateReport;
    const status = Object.fromEntries(report.results.map((r) => [`${r.rule}${r.platform ? `[${r.platform}]` : ''}`, r.status]));
    return { code, stderr, report, status };
  }

  const ALL_PASS = {
    signature: 'pass',
    'sbom[linux/amd64]': 'pass',
    'sbom[linux/arm64]': 'pass',
    provenance: 'pass',
    scan: 'pass',
    'image[linux/amd64]': 'pass',
    'image[linux/arm64]': 'pass',
  };

  it('a compliant two-platform image passes every rule: exit 0', async () => {
    const { code, stderr, status, report } = await judged('good');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(status).toEqual(ALL_PASS);
    expect(report.subject.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('signed keyless-style by the accepted identity (certificate chained to a CA root of the policy): exit 0', async () => {
    const { code, status, report } = await judged('keyless-right');
    expect(code).toBe(0);
    expect(status).toEqual(ALL_PASS);
    expect(report.results[0]!.reason).toBe(`signed by ${IDENTITY} (cosign-simplesigning)`);
  });

  it('an image without a signature: signature fails, exit 1', async () => {
    const { code, stderr, status } = await judged('unsigned');
    expect(code).toBe(1);
    expect(status).toEqual({ ...ALL_PASS, signature: 'fail' });
    expect(stderr).toMatch(/^custody: gate failed for \S+gate-unsigned:1\.0@sha256:[0-9a-f]{64}: signature: no signature found for sha256:/);
  });

  it('a signature by the wrong identity: signature fails naming the identity, exit 1', async () => {
    const { code, stderr, status } = await judged('wrong-identity');
    expect(code).toBe(1);
    expect(status).toEqual({ ...ALL_PASS, signature: 'fail' });
    expect(stderr).toMatch(
      /signature: 1 signature\(s\) found, none verified by the policy's signers; identity-mismatch: .*certificate identity https:\/\/github.com\/mallory\/app\/\S+ does not match \/\^https:\/\/github\.com\/acme\/\/$/m,
    );
  });

  it('no SBOM on one platform of the index: that platform fails, exit 1', async () => {
    const { code, stderr, status } = await judged('sbom-one-platform');
    expect(code).toBe(1);
    expect(status).toEqual({ ...ALL_PASS, 'sbom[linux/arm64]': 'fail' });
    expect(stderr).toMatch(/: sbom \[linux\/arm64\]: no SBOM for linux\/arm64 \(sha256:[0-9a-f]{12}…\)\n$/);
  });

  it('a CRITICAL finding without VEX: scan fails, exit 1', async () => {
    const { code, stderr, status } = await judged('critical');
    expect(code).toBe(1);
    expect(status).toEqual({ ...ALL_PASS, scan: 'fail' });
    expect(stderr).toMatch(/: scan: 1 finding\(s\) at or above CRITICAL: CVE-2026-6666 \(CRITICAL, openssl 3.0.1-r0\)\n$/);
  });

  it('the same CRITICAL finding with a signed OpenVEX not_affected statement: exit 0', async () => {
    const { code, status, report } = await judged('critical-vex');
    expect(code).toBe(0);
    expect(status).toEqual(ALL_PASS);
    expect(report.results.find((r) => r.rule === 'scan')!.reason).toMatch(/1 suppressed by verified VEX/);
  });

  it('a stale scan: scan fails, exit 1', async () => {
    const { code, stderr, status } = await judged('stale');
    expect(code).toBe(1);
    expect(status).toEqual({ ...ALL_PASS, scan: 'fail' });
    expect(stderr).toMatch(/: scan: no fresh scan report for the image .* is 30\.0 days old .*; the policy allows 7\n$/);
  });

  it('a platform running as root: image fails for that platform, exit 1', async () => {
    const { code, stderr, status } = await judged('root');
    expect(code).toBe(1);
    expect(status).toEqual({ ...ALL_PASS, 'image[linux/arm64]': 'fail' });
    expect(stderr).toMatch(/: image \[linux\/arm64\]: linux\/arm64 \(sha256:[0-9a-f]{12}…\) runs as root \(User "0:0"\)\n$/);
  });

  it('JUnit and SARIF reports of a failing gate parse back (XML parser, official SARIF schema)', async () => {
    const junitFile = join(work, 'gate.xml');
    const sarifFile = join(work, 'gate.sarif');
    expect((await gate(refs['root']!, { format: 'junit', output: junitFile })).code).toBe(1);
    expect((await gate(refs['root']!, { format: 'sarif', output: sarifFile })).code).toBe(1);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junitFile, 'utf8'));
    expect(xml.testsuites).toMatchObject({ tests: '7', failures: '1', errors: '0' });
    const failed = (xml.testsuites.testsuite.testcase as { name: string; failure?: { message: string } }[]).filter((c) => c.failure);
    expect(failed.map((c) => c.name)).toEqual(['image [linux/arm64]']);

    type AddFormats = (ajv: Ajv) => Ajv;
    const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;
    // Official SARIF 2.1.0 schema, read in place; draft-04, so its root `id` is read as `$id` (see test/gate/output.test.ts).
    const { $schema: _draft04, id, ...rest } = JSON.parse(readFileSync(corpusPath('sarif/schemas/sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile({ $id: id as string, ...rest });
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as { runs: { results: { ruleId: string; level: string }[] }[] };
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0]!.results.map((r) => [r.ruleId, r.level])).toEqual([['custody/image', 'error']]);
  });

  it('registry down: exit 3, never 0, one line saying why', async () => {
    const running = registry!;
    registry = undefined;
    await running.stop();
    const { host } = running;
    const { code, stdout, stderr } = await gate(`${host}/custody/gate-good:1.0`, { timeout: 2 });
    expect(code).toBe(3);
    expect((JSON.parse(stdout) as GateReport).outcome).toBe('unobtainable');
    expect(stderr).toMatch(
      new RegExp(
        `^custody: gate could not decide ${host.replace('.', '\\.')}/custody/gate-good:1\\.0: evidence for .* could not be obtained \\((NETWORK|TIMEOUT|REGISTRY)\\): `,
      ),
    );
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  }, 120_000);
});
