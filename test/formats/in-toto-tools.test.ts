import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/normalize.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { SYSTEM_PYTHON, toolAvailable } from '../helpers/tools.js';

/**
 * in-toto v0.9 metadata made by Debian's in-toto 1.x at test time: keys with
 * in-toto-keygen (RSA as PEM; Ed25519 and ECDSA in securesystemslib's JSON,
 * turned into the PEM custody takes), links with in-toto-run, a layout built
 * with the in-toto library the package ships and signed with in-toto-sign.
 */
const available = toolAvailable('in-toto-run') && toolAvailable('in-toto-keygen') && toolAvailable('in-toto-sign');
const DATE = '2026-11-29';

interface Made {
  dir: string;
  links: Record<'rsa' | 'ed25519' | 'ecdsa', string>;
  pems: Record<'rsa' | 'ed25519' | 'ecdsa', string>;
  layout: string;
  productSha256: string;
}

/** securesystemslib's public key JSON (in-toto-keygen -t ed25519|ecdsa) as an SPKI PEM file. */
function toPem(dir: string, name: string): string {
  const text = readFileSync(join(dir, `${name}.pub`), 'utf8');
  const path = join(dir, `${name}.pem`);
  if (text.startsWith('-----BEGIN')) {
    writeFileSync(path, text);
    return path;
  }
  const key = JSON.parse(text) as { keytype: string; keyval: { public: string } };
  const pem =
    key.keytype === 'ed25519'
      ? createPublicKey({
          key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(key.keyval.public, 'hex')]),
          format: 'der',
          type: 'spki',
        })
          .export({ type: 'spki', format: 'pem' })
          .toString()
      : key.keyval.public;
  writeFileSync(path, pem);
  return path;
}

function run(dir: string, command: string, args: string[]): void {
  execFileSync(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
}

async function make(): Promise<Made> {
  const dir = await tempDir('custody-in-toto-');
  writeFileSync(join(dir, 'src.txt'), 'hello in-toto\n');
  run(dir, 'in-toto-keygen', ['alice']);
  run(dir, 'in-toto-keygen', ['-t', 'ed25519', 'bob']);
  run(dir, 'in-toto-keygen', ['-t', 'ecdsa', 'carol']);
  run(dir, 'in-toto-run', ['-n', 'build', '-k', 'alice', '-m', 'src.txt', '-p', 'out.txt', '--', 'cp', 'src.txt', 'out.txt']);
  run(dir, 'in-toto-run', ['-n', 'test', '-k', 'bob', '-t', 'ed25519', '-m', 'out.txt', '--', 'cat', 'out.txt']);
  run(dir, 'in-toto-run', ['-n', 'package', '-k', 'carol', '-t', 'ecdsa', '-m', 'out.txt', '-p', 'out.txt', '--', 'true']);
  // The layout: built with the in-toto library Debian's package ships, signed by in-toto-sign.
  execFileSync(
    SYSTEM_PYTHON,
    [
      '-c',
      [
        'from in_toto.models.layout import Layout, Step, Inspection',
        'from in_toto.models.metadata import Metablock',
        'layout = Layout()',
        "layout.expires = '2030-01-01T00:00:00Z'",
        "alice = layout.add_functionary_key_from_path('alice.pub')",
        "step = Step(name='build')",
        "step.pubkeys = [alice['keyid']]",
        "step.set_expected_command_from_string('cp src.txt out.txt')",
        "step.add_product_rule_from_string('CREATE out.txt')",
        'layout.steps = [step]',
        "inspection = Inspection(name='untar')",
        "inspection.set_run_from_string('true')",
        'layout.inspect = [inspection]',
        "Metablock(signed=layout).dump('root.layout')",
      ].join('\n'),
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  run(dir, 'in-toto-sign', ['-f', 'root.layout', '-k', 'alice']);
  const find = (prefix: string) =>
    join(
      dir,
      readdirSync(dir).find((f) => f.startsWith(`${prefix}.`) && f.endsWith('.link'))!,
    );
  const link = JSON.parse(readFileSync(find('build'), 'utf8')) as { signed: { products: Record<string, { sha256: string }> } };
  return {
    dir,
    links: { rsa: find('build'), ed25519: find('test'), ecdsa: find('package') },
    pems: { rsa: toPem(dir, 'alice'), ed25519: toPem(dir, 'bob'), ecdsa: toPem(dir, 'carol') },
    layout: join(dir, 'root.layout'),
    productSha256: link.signed.products['out.txt']!.sha256,
  };
}

describe.skipIf(!available)('in-toto v0.9 metadata made by in-toto-run, in-toto-sign and the in-toto library', () => {
  let made: Made;
  beforeAll(async () => {
    made = await make();
  }, 120_000);

  it('links are in-toto 0.9 attestations with the step, command, materials and products', () => {
    const build = normalize({ bytes: readFileSync(made.links.rsa) });
    expect(build).toMatchObject({ kind: 'attestation', format: 'in-toto', formatVersion: '0.9', valid: true, problems: [], subjects: [] });
    expect(build.summary).toMatchObject({
      metadataType: 'link',
      stepName: 'build',
      command: ['cp', 'src.txt', 'out.txt'],
      materialCount: 1,
      productCount: 1,
      returnValue: 0,
      signatureCount: 1,
    });
    for (const link of [made.links.ed25519, made.links.ecdsa])
      expect(normalize({ bytes: readFileSync(link) })).toMatchObject({ format: 'in-toto', valid: true });
  });

  it('the layout: expiry, steps and inspections', () => {
    const layout = normalize({ bytes: readFileSync(made.layout) });
    expect(layout).toMatchObject({ kind: 'attestation', format: 'in-toto', formatVersion: '0.9', valid: true });
    expect(layout.summary).toMatchObject({
      metadataType: 'layout',
      expires: '2030-01-01T00:00:00Z',
      stepCount: 1,
      steps: [{ name: 'build', expectedCommand: ['cp', 'src.txt', 'out.txt'], threshold: 1, functionaryCount: 1 }],
      inspectionCount: 1,
      keyCount: 1,
    });
  });

  it('a broken link is reported at its field', () => {
    const doc = JSON.parse(readFileSync(made.links.rsa, 'utf8')) as { signed: Record<string, unknown> };
    doc.signed.materials = ['src.txt'];
    const result = normalize({ bytes: Buffer.from(JSON.stringify(doc)) });
    expect(result.valid).toBe(false);
    expect(result.problems).toContainEqual(expect.objectContaining({ code: 'schema-type', path: '/signed/materials' }));
  });

  for (const type of ['rsa', 'ed25519', 'ecdsa'] as const) {
    it(`verify-evidence: the ${type} link verifies with its PEM key, not with another key; altered, it names its key (signature-invalid)`, async () => {
      const digest = `sha256:${made.productSha256}`;
      const good = await runCli(['verify-evidence', made.links[type], '--digest', digest, '--key', made.pems[type], '--json']);
      expect(good.code, good.stderr).toBe(0);
      expect(JSON.parse(good.stdout)).toMatchObject({ verified: true });
      const other = type === 'rsa' ? made.pems.ed25519 : made.pems.rsa;
      const wrong = await runCli(['verify-evidence', made.links[type], '--digest', digest, '--key', other, '--json']);
      expect(wrong.code).toBe(1);
      expect(JSON.parse(wrong.stdout)).toMatchObject({ verified: false, code: 'untrusted-key' });
      const doc = JSON.parse(readFileSync(made.links[type], 'utf8')) as { signed: { command: string[] } };
      doc.signed.command = ['rm', '-rf', '/'];
      const altered = join(made.dir, `altered-${type}.link`);
      writeFileSync(altered, JSON.stringify(doc));
      const bad = await runCli(['verify-evidence', altered, '--digest', digest, '--key', made.pems[type], '--json']);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout)).toMatchObject({ verified: false, code: 'signature-invalid' });
    });
  }

  it('verify-evidence: the layout signed by in-toto-sign verifies with its key', async () => {
    const result = await runCli(['verify-evidence', made.layout, '--digest', `sha256:${made.productSha256}`, '--key', made.pems.rsa, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).reason).toMatch(/layout/);
  });

  it('archive: links and layout recorded as in-toto/0.9 attestations with verdicts, exit 0; verify repeats them', async () => {
    const root = await tempDir('custody-in-toto-root-');
    const keys = Object.values(made.pems).flatMap((p) => ['--key', p]);
    const evidence = [...Object.values(made.links), made.layout].flatMap((f) => ['--evidence', f]);
    const result = await runCli([
      'archive',
      '--no-discover',
      `registry.example/acme/app@sha256:${made.productSha256}`,
      ...evidence,
      ...keys,
      '--root',
      root,
      '--date',
      DATE,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const entries = (
      JSON.parse(result.stdout) as { images: { evidence: { kind: string; format: string; valid: boolean; verification?: { verified: boolean } }[] }[] }
    ).images[0]!.evidence;
    expect(entries).toHaveLength(4);
    for (const entry of entries) expect(entry).toMatchObject({ kind: 'attestation', format: 'in-toto', valid: true, verification: { verified: true } });
    expect((await runCli(['verify', root])).code).toBe(0);
  });
});
