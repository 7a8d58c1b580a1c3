import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

const LAYOUT = 'oci:examples/layout:1.0';
const KEY = join(REPO_ROOT, 'examples', 'cosign.pub');
const OTHER_KEY = join(CORPUS, 'cosign', 'keys', 'cosign-release.pub');
const SLSA_LAYOUT = join(CORPUS, 'cosign', 'slsa-verifier-oci-layout-v2.1.0');
const PUBLIC_GOOD = join(CORPUS, 'sigstore-bundles', 'trust', 'trusted_root.public-good.json');
const SLSA_IDENTITY = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0';
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const DATE = '2026-11-29';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function archiveJson(args: string[]) {
  const result = await runCli([...args, '--json']);
  return { ...result, report: result.stdout ? JSON.parse(result.stdout) : undefined };
}

async function signatureEntries(root: string) {
  const day = JSON.parse(await readFile(join(root, DATE, 'manifest.json'), 'utf8'));
  const image = JSON.parse(await readFile(join(root, DATE, day.images[0].path, 'manifest.json'), 'utf8'));
  return { day, image, signed: image.evidence.filter((e: { verification?: unknown }) => e.verification) };
}

describe('archive verifies signatures and keeps the trust material', () => {
  it('records no-trust-material without trust flags, never a pass, and does not fail the run for it', async () => {
    const root = await tempDir();
    const { code, report } = await archiveJson(['archive', LAYOUT, '--root', root, '--date', DATE]);
    expect(code).toBe(0);
    const signature = report.images[0].evidence.find((e: { kind: string }) => e.kind === 'signature');
    expect(signature.verification).toMatchObject({ verified: false, code: 'no-trust-material' });
  });

  it('verifies a cosign signature with --key, keeps the key under trust/, and verify repeats the check offline', async () => {
    const root = await tempDir();
    const { code } = await archiveJson(['archive', LAYOUT, '--key', KEY, '--root', root, '--date', DATE]);
    expect(code).toBe(0);
    const { day, signed } = await signatureEntries(root);
    const keySha = sha(await readFile(KEY));
    expect(signed).toHaveLength(1);
    expect(signed[0].verification).toMatchObject({ verified: true, trustMaterial: [keySha], identity: { keyHint: expect.stringMatching(/^[a-f0-9]{64}$/) } });
    expect(day.trust).toEqual([{ path: `trust/${keySha}.pem`, sha256: keySha, size: (await readFile(KEY)).length, role: 'key' }]);
    expect(execFileSync('sha256sum', ['-c', `${keySha}.pem.sha256`], { cwd: join(root, DATE, 'trust'), encoding: 'utf8' })).toContain(': OK');

    const verify = await runCli(['verify', root, '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, signatures: 1 });
  });

  it('verify makes no network request (no socket is opened)', async () => {
    const root = await tempDir();
    await archiveJson(['archive', LAYOUT, '--key', KEY, '--root', root, '--date', DATE]);
    const original = net.Socket.prototype.connect;
    let attempts = 0;
    net.Socket.prototype.connect = function blocked(this: net.Socket) {
      attempts++;
      throw new Error('network access during verify');
    } as typeof original;
    const originalFetch = globalThis.fetch;
    globalThis.fetch = (() => {
      attempts++;
      throw new Error('fetch during verify');
    }) as typeof fetch;
    try {
      const verify = await runCli(['verify', root, '--json']);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, signatures: 1 });
    } finally {
      net.Socket.prototype.connect = original;
      globalThis.fetch = originalFetch;
    }
    expect(attempts).toBe(0);
  });

  it('a kept trust copy swapped for another key, checksums forged, is caught (trust-missing)', async () => {
    const root = await tempDir();
    await archiveJson(['archive', LAYOUT, '--key', KEY, '--root', root, '--date', DATE]);
    const keySha = sha(await readFile(KEY));
    const copy = join(root, DATE, 'trust', `${keySha}.pem`);
    // A forger replaces the kept key by another one and rewrites every hash that would give it away.
    const other = await readFile(OTHER_KEY);
    await writeFile(copy, other);
    await writeFile(`${copy}.sha256`, `${sha(other)}  ${keySha}.pem\n`);
    const dayFile = join(root, DATE, 'manifest.json');
    const day = JSON.parse(await readFile(dayFile, 'utf8'));
    day.trust[0].sha256 = sha(other);
    day.trust[0].size = other.length;
    const text = `${JSON.stringify(day, null, 2)}\n`;
    await writeFile(dayFile, text);
    await writeFile(`${dayFile}.sha256`, `${sha(text)}  manifest.json\n`);
    const verify = await runCli(['verify', root, '--json']);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).problems).toContainEqual(expect.objectContaining({ code: 'trust-missing' }));
  });

  it('a signature that verified at archive time and fails now is a problem (annotation forged, all hashes fixed)', async () => {
    const root = await tempDir();
    await archiveJson(['archive', LAYOUT, '--key', KEY, '--root', root, '--date', DATE]);
    const { day, image } = await signatureEntries(root);
    const entry = image.evidence.find((e: { kind: string }) => e.kind === 'signature');
    const annotations = entry.origin.descriptor.annotations;
    const name = Object.keys(annotations).find((k) => k.endsWith('/signature'))!;
    const signature = Buffer.from(annotations[name], 'base64');
    signature[signature.length - 1]! ^= 1;
    annotations[name] = signature.toString('base64');
    const imageFile = join(root, DATE, day.images[0].path, 'manifest.json');
    const imageText = `${JSON.stringify(image, null, 2)}\n`;
    await writeFile(imageFile, imageText);
    await writeFile(`${imageFile}.sha256`, `${sha(imageText)}  manifest.json\n`);
    day.images[0].manifestSha256 = sha(imageText);
    const dayFile = join(root, DATE, 'manifest.json');
    const dayText = `${JSON.stringify(day, null, 2)}\n`;
    await writeFile(dayFile, dayText);
    await writeFile(`${dayFile}.sha256`, `${sha(dayText)}  manifest.json\n`);
    const verify = await runCli(['verify', root, '--json']);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).problems).toEqual([expect.objectContaining({ code: 'signature-failed', path: expect.stringContaining(entry.path) })]);
  });

  it('verify with the auditor own key checks every signature against it instead', async () => {
    const root = await tempDir();
    await archiveJson(['archive', LAYOUT, '--key', KEY, '--root', root, '--date', DATE]);
    expect((await runCli(['verify', root, '--key', KEY])).code).toBe(0);
    const wrong = await runCli(['verify', root, '--key', OTHER_KEY, '--json']);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).problems).toEqual([
      expect.objectContaining({ code: 'signature-unverified', path: expect.stringContaining('/evidence/signature-cosign-simplesigning-') }),
    ]);
  });

  it('a Notation signature without a Notation trust store is no-trust-material: archived, never a pass, and not a failure of the run', async () => {
    const root = await tempDir();
    const notation = join(REPO_ROOT, 'test', 'fixtures', 'formats', 'notation', 'valid-jws.json');
    const ref = `registry.example/acme/notary@sha256:${'a'.repeat(64)}`;
    const { code, report } = await archiveJson(['archive', '--no-discover', ref, '--evidence', notation, '--key', KEY, '--root', root, '--date', DATE]);
    expect(code).toBe(0);
    expect(report.images[0].evidence[0]).toMatchObject({
      kind: 'signature',
      format: 'notation',
      valid: true,
      verification: { verified: false, code: 'no-trust-material' },
    });
    expect(report.failedSignatures).toBe(0);
  });

  it('a signature by another key than the one given fails the run (exit 1, untrusted or invalid)', async () => {
    const root = await tempDir();
    const { code, report, stderr } = await archiveJson(['archive', LAYOUT, '--key', OTHER_KEY, '--root', root, '--date', DATE]);
    expect(code).toBe(1);
    expect(report.failedSignatures).toBe(1);
    expect(stderr).toContain('1 signature(s) failed');
  });

  it('archives the real keyless cosign attestation from a cosign save layout and verifies it offline', async () => {
    const digest = (await readFile(join(CORPUS, 'cosign', 'slsa-verifier-oci-layout-v2.1.0.digest.txt'), 'utf8')).trim();
    const ref = `oci:${SLSA_LAYOUT}@${digest}`;
    const trustFlags = ['--trusted-root', PUBLIC_GOOD, '--certificate-oidc-issuer', GITHUB_ISSUER];
    const root = await tempDir();
    const good = await archiveJson(['archive', ref, ...trustFlags, '--certificate-identity', SLSA_IDENTITY, '--root', root, '--date', DATE]);
    // BuildKit's provenance (empty builder id) is recorded with its deviation and does not fail the run.
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    const provenance = good.report.images[0].evidence.find((e: { format: string }) => e.format === 'in-toto');
    expect(provenance).toMatchObject({ valid: true, deviations: [{ code: 'buildkit-empty-builder-id', producer: expect.stringContaining('BuildKit') }] });
    const attestation = good.report.images[0].evidence.find((e: { format: string }) => e.format === 'dsse');
    expect(attestation.verification).toMatchObject({ verified: true, identity: { san: SLSA_IDENTITY, issuer: GITHUB_ISSUER } });
    const verify = await runCli(['verify', root, '--json']);
    expect(JSON.parse(verify.stdout)).toMatchObject({ signatures: 1 });
    expect(JSON.parse(verify.stdout).problems.filter((p: { code: string }) => p.code.startsWith('signature'))).toEqual([]);

    const other = await tempDir();
    const bad = await archiveJson([
      'archive',
      ref,
      ...trustFlags,
      '--certificate-identity',
      SLSA_IDENTITY.replace('v2.1.0', 'v9'),
      '--root',
      other,
      '--date',
      DATE,
    ]);
    expect(bad.code).toBe(1);
    const rejected = bad.report.images[0].evidence.find((e: { format: string }) => e.format === 'dsse');
    expect(rejected.verification).toMatchObject({ verified: false, code: 'identity-mismatch' });
  });
});

describe('known producer deviations in the archive', () => {
  it('are recorded in the image manifest and shown, exit 0; --strict makes them problems, exit 1', async () => {
    const ref = `oci:${SLSA_LAYOUT}`;
    const root = await tempDir();
    const plain = await runCli(['archive', ref, '--root', root, '--date', DATE]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/valid\*.*deviation: buildkit-empty-builder-id \(BuildKit/);
    const { image } = await signatureEntries(root);
    const entry = image.evidence.find((e: { format: string }) => e.format === 'in-toto');
    expect(entry).toMatchObject({
      valid: true,
      problems: [],
      deviations: [{ code: 'buildkit-empty-builder-id', path: '/predicate/builder/id', producer: expect.stringContaining('BuildKit') }],
    });
    // Evidence without deviations carries no deviations field: manifests of earlier versions stay as they were.
    expect(image.evidence.filter((e: { deviations?: unknown }) => e.deviations !== undefined)).toHaveLength(1);
    expect((await runCli(['verify', root])).code).toBe(0);

    const strictRoot = await tempDir();
    const strict = await archiveJson(['archive', ref, '--strict', '--root', strictRoot, '--date', DATE]);
    expect(strict.code).toBe(1);
    const rejected = strict.report.images[0].evidence.find((e: { format: string }) => e.format === 'in-toto');
    expect(rejected).toMatchObject({ valid: false, problems: [expect.objectContaining({ code: 'buildkit-empty-builder-id' })] });
    expect(rejected.deviations).toBeUndefined();
  });

  it('gate --strict: the BuildKit provenance is invalid for the provenance rule; without it, the rule looks further', async () => {
    const root = await tempDir();
    expect((await runCli(['archive', `oci:${SLSA_LAYOUT}`, '--root', root, '--date', DATE])).code).toBe(0);
    const day = JSON.parse(await readFile(join(root, DATE, 'manifest.json'), 'utf8')) as { images: { path: string }[] };
    const bundle = join(root, DATE, day.images[0]!.path);
    const policyDir = await tempDir();
    const policy = join(policyDir, 'policy.yaml');
    await writeFile(join(policyDir, 'signer.pub'), await readFile(KEY));
    await writeFile(
      policy,
      'apiVersion: custody/v1\nkind: Policy\nmetadata: {name: strict}\nrules:\n  provenance:\n    mode: warn\n    scope: every-platform\n    keys: [signer.pub]\n    predicateTypes: [https://slsa.dev/provenance/v0.2]\n    builderIdRegexp: ^.*$\n    sourceRepositoryRegexp: ^.*$\n',
    );
    const plain = await runCli(['gate', '--bundle', bundle, '--policy', policy, '--json']);
    const strict = await runCli(['gate', '--bundle', bundle, '--policy', policy, '--json', '--strict']);
    const reason = (out: string) =>
      (JSON.parse(out) as { results: { rule: string; reason: string }[] }).results
        .filter((r) => r.rule === 'provenance')
        .map((r) => r.reason)
        .join(' ');
    expect(reason(plain.stdout)).not.toMatch(/buildkit-empty-builder-id|is invalid/);
    expect(reason(strict.stdout)).toMatch(/is invalid: .*BuildKit/);
  });
});

describe('custody seal', () => {
  async function sealedDay() {
    const root = await tempDir();
    await archiveJson(['archive', LAYOUT, '--key', KEY, '--root', root, '--date', DATE]);
    const key = join(await tempDir(), 'seal.key');
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    const sealed = await runCli(['seal', join(root, DATE), '--key', key]);
    expect(sealed.stderr).toBe('');
    expect(sealed.code).toBe(0);
    return { root, key };
  }

  it('writes a Sigstore bundle over the day manifest that verify checks, with and without --key', async () => {
    const { root, key } = await sealedDay();
    const names = await readdir(join(root, DATE));
    expect(names).toEqual(expect.arrayContaining(['manifest.json.sigstore.json', 'manifest.json.sigstore.json.sha256', 'manifest.json.sigstore.pub.pem']));
    const bundle = JSON.parse(await readFile(join(root, DATE, 'manifest.json.sigstore.json'), 'utf8'));
    expect(bundle.mediaType).toMatch(/^application\/vnd\.dev\.sigstore\.bundle/);
    const plain = await runCli(['verify', root, '--json']);
    expect(JSON.parse(plain.stdout)).toMatchObject({ ok: true, signatures: 2 });
    const publicKey = join(await tempDir(), 'seal.pub');
    execFileSync('openssl', ['ec', '-in', key, '-pubout', '-out', publicKey], { stdio: 'ignore' });
    const pinned = await runCli(['verify', join(root, DATE), '--key', publicKey, '--key', KEY]);
    expect(pinned.code).toBe(0);
  });

  it('a sealed day whose manifest changed afterwards fails (seal-invalid), even with its .sha256 forged', async () => {
    const { root } = await sealedDay();
    const file = join(root, DATE, 'manifest.json');
    const day = JSON.parse(await readFile(file, 'utf8'));
    day.images[0].status = 'incomplete';
    const text = `${JSON.stringify(day, null, 2)}\n`;
    await writeFile(file, text);
    await writeFile(`${file}.sha256`, `${sha(text)}  manifest.json\n`);
    const verify = await runCli(['verify', join(root, DATE), '--json']);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).problems).toContainEqual(expect.objectContaining({ code: 'seal-invalid', path: 'manifest.json.sigstore.json' }));
  });

  it('a sealed day takes no more evidence and is never sealed twice (exit 2)', async () => {
    const { root, key } = await sealedDay();
    const more = await runCli(['archive', LAYOUT, '--root', root, '--date', DATE]);
    expect(more.code).toBe(2);
    expect(more.stderr).toContain('is sealed');
    const again = await runCli(['seal', join(root, DATE), '--key', key]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already sealed');
  });
});

describe('custody verify-evidence', () => {
  const CONFORMANCE = join(CORPUS, 'sigstore-bundles', 'conformance');
  // The conformance folder's README gives these defaults for cases that carry no identity/issuer/artifact files.
  const IDENTITY =
    'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
  const ISSUER = 'https://token.actions.githubusercontent.com';
  const args = (bundle: string, artifact: string) => [
    'verify-evidence',
    bundle,
    '--artifact',
    artifact,
    '--trusted-root',
    PUBLIC_GOOD,
    '--certificate-identity',
    IDENTITY,
    '--certificate-oidc-issuer',
    ISSUER,
  ];

  it('verifies a conformance bundle (exit 0) and fails a _fail case (exit 1)', async () => {
    const ok = await runCli(args(join(CONFORMANCE, 'happy-path-v0.3', 'bundle.sigstore.json'), join(CONFORMANCE, 'a.txt')));
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^VERIFIED/);
    const failing = join(CORPUS, 'invalid', 'sigstore-conformance', 'dsse-invalid-sig_fail', 'bundle.sigstore.json');
    const bad = await runCli(args(failing, join(CONFORMANCE, 'a.txt')));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^NOT VERIFIED/);
  });

  it('refuses unreadable input and malformed JSON (exit 2)', async () => {
    const missing = await runCli(['verify-evidence', '/nonexistent/bundle.json', '--digest', `sha256:${'a'.repeat(64)}`]);
    expect(missing.code).toBe(2);
    const junk = join(await tempDir(), 'junk.json');
    await writeFile(junk, '{"mediaType": ');
    const malformed = await runCli(['verify-evidence', junk, '--digest', `sha256:${'a'.repeat(64)}`]);
    expect(malformed.code).toBe(2);
    const noTarget = await runCli(['verify-evidence', junk]);
    expect(noTarget.code).toBe(2);
  });
});
