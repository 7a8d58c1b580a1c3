import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeGateImage, type GateImageSpec } from '../gate/helpers/layout.js';
import { makeKey } from '../gate/helpers/signing.js';

/**
 * Co-signing follows cosign: an image's signature check passes when at least
 * one signature verifies with the trust given; another signer's signature is
 * recorded `untrusted-key` and does not fail the run; a signature that does
 * not verify fails the image when nothing else verified. `archive` and `gate`
 * decide alike.
 */
const DATE = '2026-11-29';
const release = makeKey();
const partner = makeKey();
const attester = makeKey();

async function layout(extra: Partial<GateImageSpec>): Promise<string> {
  const dir = await tempDir('custody-cosign-');
  writeGateImage(dir, {
    name: 'cosigned',
    repository: 'registry.example/acme/app',
    tag: 'v1',
    platforms: [{ architecture: 'amd64', user: '1000', sbom: false }],
    labels: {},
    attester: attester.privateKey,
    ...extra,
  });
  return `oci:${dir}:v1`;
}

async function files() {
  const dir = await tempDir('custody-cosign-keys-');
  await writeFile(join(dir, 'release.pub'), release.publicPem);
  await writeFile(
    join(dir, 'policy.yaml'),
    `apiVersion: custody/v1\nkind: Policy\nmetadata: {name: cosign}\nrules:\n  signature: {mode: enforce, keys: [release.pub]}\n`,
  );
  return { key: join(dir, 'release.pub'), policy: join(dir, 'policy.yaml') };
}

async function archive(ref: string, key: string) {
  const root = await tempDir('custody-cosign-root-');
  const run = await runCli(['archive', ref, '--key', key, '--root', root, '--date', DATE, '--json']);
  const report = JSON.parse(run.stdout) as {
    failedSignatures: number;
    images: { path: string; evidence: { kind: string; verification?: { verified: boolean; code?: string } }[] }[];
  };
  const signatures = report.images[0]!.evidence.filter((e) => e.kind === 'signature').map((e) => e.verification);
  return { ...run, root, report, signatures };
}

describe('co-signed images (two signers, one key given)', () => {
  it('archive: exit 0, one verified, one untrusted-key; gate passes; verify repeats it', async () => {
    const ref = await layout({ signer: { key: release.privateKey }, cosigners: [{ key: partner.privateKey }] });
    const { key, policy } = await files();
    const run = await archive(ref, key);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.report.failedSignatures).toBe(0);
    expect(run.signatures).toEqual(
      expect.arrayContaining([expect.objectContaining({ verified: true }), expect.objectContaining({ verified: false, code: 'untrusted-key' })]),
    );
    expect(run.signatures).toHaveLength(2);
    expect((await runCli(['verify', run.root])).code).toBe(0);
    const gate = await runCli(['gate', ref, '--policy', policy]);
    expect(gate.code).toBe(0);
  });

  it('the order of the signatures does not matter', async () => {
    const ref = await layout({ signer: { key: partner.privateKey }, cosigners: [{ key: release.privateKey }] });
    const { key } = await files();
    expect((await archive(ref, key)).code).toBe(0);
  });

  it('the trusted signature altered: exit 1 for archive and gate alike', async () => {
    const ref = await layout({ signer: { key: release.privateKey }, cosigners: [{ key: partner.privateKey }], tamperFirstSignature: true });
    const { key, policy } = await files();
    const run = await archive(ref, key);
    expect(run.code).toBe(1);
    expect(run.report.failedSignatures).toBe(2);
    expect(run.signatures.every((v) => v?.verified === false)).toBe(true);
    const gate = await runCli(['gate', ref, '--policy', policy]);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toMatch(/signature/);
  });

  it('only another signer: exit 1 (untrusted-key), archive and gate alike', async () => {
    const ref = await layout({ signer: { key: partner.privateKey } });
    const { key, policy } = await files();
    const run = await archive(ref, key);
    expect(run.code).toBe(1);
    expect(run.signatures).toEqual([expect.objectContaining({ verified: false, code: 'untrusted-key' })]);
    expect((await runCli(['gate', ref, '--policy', policy])).code).toBe(1);
  });

  it('an altered signature that names the trusted key (its Rekor entry logs that key) fails even beside a verified one', async () => {
    // A signature layer whose (unauthenticated) Rekor body names the release key but whose signature is another's:
    // signature-invalid, never excused as "another signer".
    const ref = await layout({ signer: { key: release.privateKey }, cosigners: [{ key: partner.privateKey }] });
    const dir = ref.slice('oci:'.length, -':v1'.length);
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const sig = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name']?.endsWith('.sig'))!;
    const blob = (d: string) => join(dir, 'blobs', 'sha256', d.slice('sha256:'.length));
    const manifest = JSON.parse(await readFile(blob(sig.digest), 'utf8')) as { layers: { annotations: Record<string, string> }[] };
    const body = Buffer.from(
      JSON.stringify({
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          signature: { content: '', publicKey: { content: Buffer.from(release.publicPem).toString('base64') } },
          data: { hash: { algorithm: 'sha256', value: '' } },
        },
      }),
    ).toString('base64');
    manifest.layers[1]!.annotations['dev.sigstore.cosign/bundle'] = JSON.stringify({
      SignedEntryTimestamp: Buffer.from('x').toString('base64'),
      Payload: { body, integratedTime: 1, logIndex: 1, logID: 'a'.repeat(64) },
    });
    const { createHash } = await import('node:crypto');
    const text = JSON.stringify(manifest);
    const digest = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    await writeFile(blob(digest), text);
    sig.digest = digest;
    (sig as { size?: number }).size = Buffer.byteLength(text);
    await writeFile(join(dir, 'index.json'), JSON.stringify(index));
    const { key } = await files();
    const run = await archive(ref, key);
    expect(run.code).toBe(1);
    expect(run.signatures).toEqual(
      expect.arrayContaining([expect.objectContaining({ verified: true }), expect.objectContaining({ verified: false, code: 'signature-invalid' })]),
    );
  });
});
