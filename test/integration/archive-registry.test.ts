import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeEvidenceImage } from '../../scripts/lib/evidence-image.mjs';
import { verifyArchive } from '../../src/verify/verify.js';
import { spawnCli } from '../helpers/cli.js';
import { describeWithRegistry, pushEvidenceLayout, startRegistry, type RunningRegistry } from './registry-harness.js';

/**
 * custody archive end to end against real registries (CNCF Distribution
 * started here, images pushed with skopeo): cosign-signed images verified with
 * a key, a batch with images missing and unauthorised, a registry that is down.
 */

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const DATE = '2026-11-29';

describeWithRegistry('archive from a real registry', () => {
  let open: RunningRegistry;
  let locked: RunningRegistry;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let keyFile: string;
  let otherKeyFile: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'custody-archive-registry-'));
    [open, locked] = await Promise.all([startRegistry(), startRegistry({ auth: 'htpasswd' })]);
    for (const [registry, name] of [
      [open, 'shop'],
      [open, 'payments'],
      [locked, 'secret'],
    ] as const) {
      const dir = join(work, `${registry === open ? 'open' : 'locked'}-${name}`);
      writeEvidenceImage(dir, {
        name,
        repository: `${registry.host}/acme/${name}`,
        tag: '1.0',
        platforms: [
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm64' },
        ],
        index: true,
        sign: (payload: Buffer) => sign('sha256', payload, privateKey).toString('base64'),
        referrersTags: true,
        nested: true,
      });
      await pushEvidenceLayout(dir, '1.0', registry, `acme/${name}`);
    }
    keyFile = join(work, 'release.pub');
    writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    otherKeyFile = join(work, 'other.pub');
    writeFileSync(otherKeyFile, other.publicKey.export({ type: 'spki', format: 'pem' }));
    // No credentials anywhere: the locked registry must refuse us.
    const dockerConfig = join(work, 'docker');
    const authFile = join(work, 'auth.json');
    writeFileSync(authFile, '{"auths":{}}');
    env = { DOCKER_CONFIG: dockerConfig, REGISTRY_AUTH_FILE: authFile };
  }, 180_000);

  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()]);
  });

  const archive = (root: string, ...args: string[]) => spawnCli(['archive', ...args, '--root', root, '--date', DATE, '--retries', '0', '--json'], { env }).done;

  it('archives a signed two-platform image and verifies its cosign signatures with the key, offline afterwards', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-archive-root-'));
    const run = await archive(root, `${open.host}/acme/shop:1.0`, '--key', keyFile);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const image = JSON.parse(run.stdout).images[0];
    expect(image).toMatchObject({ status: 'ok', digest: expect.stringMatching(/^sha256:/) });
    const signatures = image.evidence.filter((e: { kind: string }) => e.kind === 'signature');
    // One signature on the index (cosign tag) and one on the SPDX referrer (a referrer of a referrer).
    expect(signatures).toHaveLength(2);
    for (const s of signatures) expect(s.verification).toMatchObject({ verified: true });
    const kinds = new Set(image.evidence.map((e: { kind: string; format: string }) => `${e.kind}/${e.format}`));
    for (const kind of ['sbom/spdx', 'sbom/cyclonedx', 'attestation/in-toto', 'image/oci-index', 'image/oci-manifest', 'image/oci-config'])
      expect(kinds).toContain(kind);
    const report = await verifyArchive(root);
    expect(report).toMatchObject({ ok: true, problems: [], signatures: 2 });
  });

  it('fails the run when the signatures are by another key than the one given (exit 1)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-archive-root-'));
    const run = await archive(root, `${open.host}/acme/shop:1.0`, '--key', otherKeyFile);
    expect(run.code).toBe(1);
    const signatures = JSON.parse(run.stdout).images[0].evidence.filter((e: { kind: string }) => e.kind === 'signature');
    // Another signer's signatures (none verified with the key given): untrusted-key, and the image's check fails.
    for (const s of signatures) expect(s.verification).toMatchObject({ verified: false, code: 'untrusted-key' });
    expect(run.stderr).toContain('2 signature(s) failed');
  });

  it('goes on past missing and unauthorised images (exit 1, others archived), and a rerun retries only those', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-archive-root-'));
    const images = join(work, 'images.txt');
    writeFileSync(
      images,
      [`${open.host}/acme/shop:1.0`, `${open.host}/acme/payments:1.0`, `${open.host}/acme/nothing:1.0`, `${locked.host}/acme/secret:1.0`].join('\n'),
    );
    const run = await archive(root, '--images', images);
    expect(run.code).toBe(1);
    const day = JSON.parse(readFileSync(join(root, DATE, 'manifest.json'), 'utf8')) as { images: { ref: string; status: string; error: string | null }[] };
    const byRef = new Map(day.images.map((i) => [i.ref, i]));
    expect(byRef.get(`${open.host}/acme/shop:1.0`)?.status).toBe('ok');
    expect(byRef.get(`${open.host}/acme/payments:1.0`)?.status).toBe('ok');
    expect(byRef.get(`${open.host}/acme/nothing:1.0`)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/not found|unknown|NAME_UNKNOWN|MANIFEST_UNKNOWN/i),
    });
    expect(byRef.get(`${locked.host}/acme/secret:1.0`)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/auth|401|unauthori[sz]ed|credentials/i),
    });
    expect(day.images[3]?.error ?? '').not.toContain(locked.users.alice!);

    const rerun = await archive(root, '--images', images);
    expect(rerun.code).toBe(1);
    const report = JSON.parse(rerun.stdout) as { images: { ref: string; skipped?: boolean }[] };
    expect(
      report.images
        .filter((i) => i.skipped)
        .map((i) => i.ref)
        .sort(),
    ).toEqual([`${open.host}/acme/payments:1.0`, `${open.host}/acme/shop:1.0`]);
    expect((await verifyArchive(root)).problems).toEqual([]);
  });

  it('with the default retries, a tag that does not exist is listed failed with its error beside the archived one (exit 1)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-archive-root-'));
    const images = join(work, 'missing-tag.txt');
    writeFileSync(images, `${open.host}/acme/shop:1.0\n${open.host}/acme/shop:no-such-tag\n`);
    const run = await spawnCli(['archive', '--images', images, '--root', root, '--date', DATE, '--quiet'], { env }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1 of 2 images failed');
    const day = JSON.parse(readFileSync(join(root, DATE, 'manifest.json'), 'utf8')) as { images: { ref: string; status: string; error: string | null }[] };
    const byRef = new Map(day.images.map((i) => [i.ref, i]));
    expect(byRef.get(`${open.host}/acme/shop:1.0`)?.status).toBe('ok');
    expect(byRef.get(`${open.host}/acme/shop:no-such-tag`)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/no-such-tag.*(not found|unknown)/i),
    });
    expect((await verifyArchive(root)).problems).toEqual([]);
  });

  it('a registry that is down: nothing could be judged (exit 3), the failure is recorded, nothing half-written', async () => {
    const root = mkdtempSync(join(tmpdir(), 'custody-archive-root-'));
    const run = await spawnCli(['archive', '127.0.0.1:9/acme/app:1.0', '--root', root, '--date', DATE, '--retries', '0', '--timeout', '2'], { env }).done;
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('127.0.0.1:9');
    const report = await verifyArchive(root);
    expect(report.problems).toEqual([]);
    const day = JSON.parse(readFileSync(join(root, DATE, 'manifest.json'), 'utf8'));
    expect(day.images).toEqual([expect.objectContaining({ ref: '127.0.0.1:9/acme/app:1.0', status: 'failed', path: null })]);
  });
});
