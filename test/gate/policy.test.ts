import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCustodyError } from '../../src/errors.js';
import { loadPolicy } from '../../src/gate/policy/load.js';
import { schemaProblems } from '../../src/gate/policy/schema-problems.js';
import { tempDir } from '../helpers/cli.js';
import { makeKey } from './helpers/signing.js';

/** The policy of issue 6, verbatim: the contract. */
const ISSUE_EXAMPLE = `apiVersion: custody/v1
kind: Policy
rules:
  signature:
    mode: enforce
    keys: [keys/release.pub]
    keyless:
      - issuer: https://token.actions.githubusercontent.com
        identityRegexp: ^https://github.com/acme/
  sbom: {mode: enforce, formats: [spdx, cyclonedx], minComponents: 1, scope: every-platform}
  provenance:
    mode: enforce
    predicateTypes: [https://slsa.dev/provenance/v1]
    builderIdRegexp: ^https://github.com/slsa-framework/
  scan:
    mode: enforce
    maxAgeDays: 7
    failOn: CRITICAL
    allow: [{id: CVE-2024-0001, expires: 2027-01-01, reason: no fix upstream}]
  image: {mode: warn, nonRoot: true, requiredLabels: [org.opencontainers.image.source]}
`;

async function policyDir(): Promise<string> {
  const dir = await tempDir('custody-policy-');
  await mkdir(join(dir, 'keys'));
  await writeFile(join(dir, 'keys', 'release.pub'), makeKey().publicPem);
  return dir;
}

async function loadFailure(dir: string, name: string, text: string): Promise<{ message: string; problems: { path: string; message: string }[] }> {
  await writeFile(join(dir, name), text);
  try {
    await loadPolicy(join(dir, name));
  } catch (err) {
    if (!isCustodyError(err, 'INVALID_POLICY')) throw err;
    return { message: err.message, problems: (err.details?.problems ?? []) as { path: string; message: string }[] };
  }
  throw new Error('policy loaded but should not have');
}

describe('loadPolicy', () => {
  it('loads the example of issue 6 with paths resolved against the policy file and strict defaults', async () => {
    const dir = await policyDir();
    await writeFile(join(dir, 'policy.yaml'), ISSUE_EXAMPLE);
    const policy = await loadPolicy(join(dir, 'policy.yaml'));
    expect(policy.rules.signature!.signers.keys).toEqual([join(dir, 'keys', 'release.pub')]);
    expect(policy.rules.signature!.signers.keyless).toEqual([
      { issuer: 'https://token.actions.githubusercontent.com', identityRegexp: '^https://github.com/acme/' },
    ]);
    expect(policy.rules.sbom).toEqual({ mode: 'enforce', formats: ['spdx', 'cyclonedx'], minComponents: 1, scope: 'every-platform' });
    // provenance names no signers of its own: it uses the signature rule's.
    expect(policy.rules.provenance).toMatchObject({
      mode: 'enforce',
      predicateTypes: ['https://slsa.dev/provenance/v1'],
      scope: 'index',
      signers: policy.rules.signature!.signers,
    });
    expect(policy.rules.scan).toMatchObject({
      maxAgeDays: 7,
      failOn: 'CRITICAL',
      scope: 'image',
      allow: [{ id: 'CVE-2024-0001', expires: '2027-01-01', reason: 'no fix upstream' }],
    });
    expect(policy.rules.image).toEqual({ mode: 'warn', nonRoot: true, requiredLabels: ['org.opencontainers.image.source'] });
    expect(policy.lines).toEqual({ signature: 4, sbom: 10, provenance: 11, scan: 15, image: 20 });
    // Keyless identities without a root can never verify: loaded, but said.
    expect(policy.warnings).toEqual([expect.stringMatching(/^\/rules\/signature: keyless identities are listed but no trustedRoots or caRoots/)]);
  });

  it('reads the same policy as JSON', async () => {
    const dir = await policyDir();
    const json = { apiVersion: 'custody/v1', kind: 'Policy', rules: { signature: { keys: ['keys/release.pub'] }, scan: { failOn: 'HIGH' } } };
    await writeFile(join(dir, 'policy.json'), JSON.stringify(json));
    const policy = await loadPolicy(join(dir, 'policy.json'));
    expect(policy.rules.signature!.mode).toBe('enforce');
    expect(policy.rules.scan).toMatchObject({ mode: 'enforce', failOn: 'HIGH', vexSigners: policy.rules.signature!.signers });
    expect(policy.rules.scan).not.toHaveProperty('maxAgeDays');
  });

  it('reports every problem at once, each with its JSON Pointer, in one line naming the file', async () => {
    const dir = await policyDir();
    const { message, problems } = await loadFailure(
      dir,
      'bad.yaml',
      `apiVersion: custody/v2
kind: Policy
rules:
  signature:
    mode: enforce
    keys: [keys/missing.pub, keys/release.pub]
    keyless:
      - issuer: https://token.actions.githubusercontent.com
  sbom: {mode: sometimes, formats: [spdx, docx], minComponents: -1}
  provenance:
    builderIdRegexp: "^https://github.com/(unclosed"
  scan:
    failOn: SEVERE
    maxAge: 7
    allow:
      - {id: CVE-2024-0001, expires: 2027-13-45, reason: bad date}
      - {id: CVE-2024-0002, expires: 2027-01-01}
  image: {mode: warn}
`,
    );
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(/^policy .*bad\.yaml is invalid \(\d+ problems\): /);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/apiVersion',
        '/rules/signature/keys/0',
        '/rules/signature/keyless/0',
        '/rules/sbom/mode',
        '/rules/sbom/formats/1',
        '/rules/sbom/minComponents',
        '/rules/provenance/builderIdRegexp',
        '/rules/scan/failOn',
        '/rules/scan/maxAge',
        '/rules/scan/allow/0/expires',
        '/rules/scan/allow/1/reason',
        '/rules/image',
      ]),
    );
    const byPath = (p: string) => problems.find((x) => x.path === p)!.message;
    expect(byPath('/rules/signature/keys/0')).toMatch(/keys\/missing\.pub .*cannot be read: ENOENT/);
    expect(byPath('/rules/signature/keyless/0')).toBe('/rules/signature/keyless/0 needs identity or identityRegexp');
    expect(byPath('/rules/scan/maxAge')).toBe('/rules/scan/maxAge is not allowed here');
    expect(byPath('/rules/scan/allow/1/reason')).toBe('/rules/scan/allow/1/reason is required');
    expect(byPath('/rules/provenance/builderIdRegexp')).toMatch(/is not a valid regular expression/);
    expect(byPath('/rules/image')).toBe('/rules/image needs nonRoot or requiredLabels');
    // The good key file is not a problem.
    expect(paths).not.toContain('/rules/signature/keys/1');
  });

  it('rejects a key file that is not a key, and a trusted root that is not one', async () => {
    const dir = await policyDir();
    await writeFile(join(dir, 'keys', 'not-a-key.pub'), 'hello\n');
    await writeFile(join(dir, 'root.json'), '{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1"}');
    const { problems } = await loadFailure(
      dir,
      'p.yaml',
      'apiVersion: custody/v1\nkind: Policy\nrules:\n  signature:\n    keys: [keys/not-a-key.pub]\n    trustedRoots: [root.json]\n    keyless: [{identity: a@b.c, issuer: https://x}]\n',
    );
    expect(problems.map((p) => p.path)).toEqual(['/rules/signature/keys/0', '/rules/signature/trustedRoots/0']);
    expect(problems[0]!.message).toMatch(/is not a usable key/);
  });

  it('refuses a policy that demands nothing, and a signature rule with no signer', async () => {
    const dir = await policyDir();
    expect((await loadFailure(dir, 'a.yaml', 'apiVersion: custody/v1\nkind: Policy\nrules: {}\n')).problems).toEqual([
      expect.objectContaining({ path: '/rules', message: expect.stringMatching(/must NOT have fewer than 1 properties/) }),
    ]);
    expect((await loadFailure(dir, 'b.yaml', 'apiVersion: custody/v1\nkind: Policy\nrules:\n  signature: {mode: enforce}\n')).problems).toEqual([
      expect.objectContaining({ path: '/rules/signature', message: '/rules/signature needs at least one signer: keys or keyless' }),
    ]);
  });

  it('refuses provenance with no signers anywhere (it could never pass)', async () => {
    const dir = await policyDir();
    const { problems } = await loadFailure(dir, 'p.yaml', 'apiVersion: custody/v1\nkind: Policy\nrules:\n  provenance: {mode: enforce}\n');
    expect(problems).toEqual([expect.objectContaining({ path: '/rules/provenance', message: expect.stringMatching(/needs signers/) })]);
  });

  it('reports YAML syntax errors and duplicate keys with their line', async () => {
    const dir = await policyDir();
    const syntax = await loadFailure(dir, 's.yaml', 'apiVersion: custody/v1\nkind: Policy\nrules:\n  scan: {failOn: HIGH\n');
    expect(syntax.problems[0]!.message).toMatch(/^line \d+, column \d+: /);
    const duplicate = await loadFailure(dir, 'd.yaml', 'apiVersion: custody/v1\nkind: Policy\nkind: Policy\nrules:\n  scan: {failOn: HIGH}\n');
    expect(duplicate.message).toMatch(/line 3, column 1: Map keys must be unique/);
  });

  it('names an unreadable policy file', async () => {
    await expect(loadPolicy('/nonexistent/policy.yaml')).rejects.toMatchObject({
      code: 'INVALID_POLICY',
      message: 'cannot read policy /nonexistent/policy.yaml: ENOENT',
    });
  });

  it('the schema itself: identity and identityRegexp are mutually exclusive', () => {
    const problems = schemaProblems({
      apiVersion: 'custody/v1',
      kind: 'Policy',
      rules: { signature: { keyless: [{ identity: 'a', identityRegexp: 'b', issuer: 'c', issuerRegexp: 'd' }] } },
    });
    expect(problems.map((p) => p.message)).toEqual([
      '/rules/signature/keyless/0: identity and identityRegexp are mutually exclusive',
      '/rules/signature/keyless/0: issuer and issuerRegexp are mutually exclusive',
    ]);
  });
});
