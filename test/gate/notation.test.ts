import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { LayoutBuilder } from '../helpers/layout-builder.js';
import { signNotation, writePolicy as writeTrustPolicy, writeTrustStore } from '../trust/helpers/notation.js';
import { ecKeyPair, issue, type TestCert } from '../trust/helpers/x509.js';

/**
 * `signature.notation` in a gate policy: a Notation trust store and trust
 * policy. An image signed by a trusted certificate passes; one signed by
 * another certificate fails, with the reason.
 */
const acmeRoot = issue(ecKeyPair(), { subject: 'C=US,ST=WA,O=acme,CN=acme root', ca: true });
const acmeLeaf = issue(ecKeyPair(), { subject: 'C=US,ST=WA,O=acme,CN=release' }, acmeRoot);
const otherRoot = issue(ecKeyPair(), { subject: 'C=US,ST=WA,O=other,CN=other root', ca: true });
const otherLeaf = issue(ecKeyPair(), { subject: 'C=US,ST=WA,O=other,CN=someone' }, otherRoot);

async function signedLayout(dir: string): Promise<string> {
  const builder = new LayoutBuilder(join(dir, 'layout'));
  const sign = async (tag: string, leaf: TestCert, root: TestCert, format: 'jws' | 'cose') => {
    const digest = await builder.image(tag, { sbom: false });
    const manifest = builder.manifests.get(digest)!;
    const bytes = signNotation({
      format,
      alg: 'ES256',
      key: leaf.keys.privateKey,
      chain: [leaf, root],
      target: { mediaType: manifest.mediaType, digest, size: manifest.size },
    });
    await builder.attach(digest, 'application/vnd.cncf.notary.signature', {
      bytes,
      mediaType: format === 'jws' ? 'application/jose+json' : 'application/cose',
    });
  };
  await sign('trusted', acmeLeaf, acmeRoot, 'jws');
  await sign('trusted-cose', acmeLeaf, acmeRoot, 'cose');
  await sign('stranger', otherLeaf, otherRoot, 'jws');
  return builder.dir;
}

describe('gate: signature.notation', () => {
  it('passes an image signed by a trusted certificate and fails one signed by another', async () => {
    const dir = await tempDir();
    const layout = await signedLayout(dir);
    // Both roots are in the store; the trust policy trusts only acme's store and identity.
    writeTrustStore(join(dir, 'truststore'), { 'ca:acme': [acmeRoot], 'ca:other': [otherRoot] });
    writeTrustPolicy(join(dir, 'trustpolicy.json'), [{ trustStores: ['ca:acme'], trustedIdentities: ['x509.subject:C=US,ST=WA,O=acme'] }]);
    const policy = join(dir, 'policy.yaml');
    await writeFile(
      policy,
      'apiVersion: custody/v1\nkind: Policy\nrules:\n  signature:\n    notation:\n      trustStore: truststore\n      trustPolicy: trustpolicy.json\n',
    );

    const pass = await runCli(['gate', `oci:${layout}:trusted`, '--policy', policy]);
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/PASS\s+signature\s+.*signed by "CN=release,O=acme,ST=WA,C=US" \(notation\)/);
    const cose = await runCli(['gate', `oci:${layout}:trusted-cose`, '--policy', policy]);
    expect(cose.code, cose.stdout + cose.stderr).toBe(0);

    const fail = await runCli(['gate', `oci:${layout}:stranger`, '--policy', policy]);
    expect(fail.code).toBe(1);
    expect(fail.stderr).toMatch(
      /signature: 1 signature\(s\) found, none verified by the policy's signers; untrusted-key: Notation JWS signature: the certificate chain contains no certificate of the trust stores ca:acme/,
    );

    // Trusting the other store instead flips both verdicts.
    writeTrustPolicy(join(dir, 'trustpolicy.json'), [{ trustStores: ['ca:other'] }]);
    expect((await runCli(['gate', `oci:${layout}:stranger`, '--policy', policy])).code).toBe(0);
    expect((await runCli(['gate', `oci:${layout}:trusted`, '--policy', policy])).code).toBe(1);
  });

  it('a policy naming a trust store that is not one is refused before anything is collected (exit 2)', async () => {
    const dir = await tempDir();
    const policy = join(dir, 'policy.yaml');
    await writeFile(policy, 'apiVersion: custody/v1\nkind: Policy\nrules:\n  signature:\n    notation:\n      trustStore: no-such-folder\n');
    const result = await runCli(['gate', 'oci:/nonexistent:latest', '--policy', policy]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\/rules\/signature\/notation/);
  });
});
