import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archive } from '../../../src/archive/archive.js';
import { tempDir } from '../../helpers/cli.js';
import { dsseEnvelope, makeKey, SLSA_V1, slsaV1, statement, type TestKey } from '../../gate/helpers/signing.js';
import { writePolicy } from '../../gate/helpers/policy-files.js';
import { dsseBody, dsseEnvelope as keylessEnvelope, makeLog, statement as keylessStatement, trustedRootJson, writeTemp } from '../../trust/helpers/sigstore.js';
import { makeCA } from '../../trust/helpers/x509.js';

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * An archived image folder holding one SLSA v1 provenance attestation,
 * signed with `key`, naming `builderId` and `repository`; for the gate's
 * `--bundle`. One per distinct pair.
 */
export function provenanceBundles(key: TestKey): (builderId: string, repository: string) => Promise<string> {
  const made = new Map<string, Promise<string>>();
  return (builderId, repository) => {
    const id = `${builderId}\u0000${repository}`;
    if (!made.has(id)) made.set(id, makeBundle(key, builderId, repository));
    return made.get(id)!;
  };
}

async function makeBundle(key: TestKey, builderId: string, repository: string): Promise<string> {
  const digest = `sha256:${hex(`${builderId}\u0000${repository}`)}`;
  const dir = await tempDir('custody-regex-evidence-');
  const file = join(dir, 'provenance.intoto.json');
  await writeFile(file, dsseEnvelope(statement(SLSA_V1, slsaV1(builderId, repository), [digest]), key.privateKey));
  const report = await archive({ refs: [`ghcr.io/acme/app@${digest}`], evidenceFiles: [file], root: await tempDir('custody-regex-root-'), date: '2026-06-15' });
  const image = report.images[0]!;
  if (image.status === 'failed' || !image.path) throw new Error(`archive failed: ${image.error}`);
  return join(report.day, image.path);
}

/** A gate policy with only a provenance rule signed by keys/release.pub, plus `fields` (YAML flow values). */
export function provenancePolicy(key: TestKey, fields: Record<string, string>): Promise<string> {
  const extra = Object.entries(fields)
    .map(([name, value]) => `, ${name}: ${JSON.stringify(value)}`)
    .join('');
  return writePolicy(`apiVersion: custody/v1\nkind: Policy\nrules:\n  provenance: {mode: enforce, keys: [keys/release.pub]${extra}}\n`, {
    'release.pub': key.publicPem,
  });
}

/** A keyless policy on the real cosign-saved slsa-verifier layout (corpus): one identity entry. */
export function keylessPolicy(trustedRoot: string, identity: Record<string, string>): Promise<string> {
  const entry = Object.entries(identity)
    .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
    .join(', ');
  return writePolicy(
    `apiVersion: custody/v1\nkind: Policy\nrules:\n  provenance:\n    mode: enforce\n    predicateTypes: [https://slsa.dev/provenance/v0.2]\n    trustedRoots: [${JSON.stringify(trustedRoot)}]\n    keyless: [{${entry}}]\n`,
  );
}

export interface KeylessFiles {
  envelope: string;
  annotations: string;
  trustedRoot: string;
  digest: string;
}

/** A cosign `.att` layer (DSSE, keyless) from a local Fulcio-like CA and log, as files for `custody verify-evidence`. */
export function keylessAttestation(san: string, issuer: string): KeylessFiles {
  const digest = `sha256:${'c3'.repeat(32)}`;
  const fulcio = makeCA('regex');
  const log = makeLog();
  const leaf = fulcio.leaf({ sans: [`uri:${san}`], oidcIssuer: issuer });
  const payload = keylessStatement(digest);
  const { bytes, signature } = keylessEnvelope(payload, leaf.keys.privateKey);
  const annotations = {
    'dev.cosignproject.cosign/signature': '',
    'dev.sigstore.cosign/certificate': leaf.pem,
    'dev.sigstore.cosign/chain': fulcio.intermediate.pem + fulcio.root.pem,
    'dev.sigstore.cosign/bundle': log.cosignBundle(dsseBody(bytes, payload, signature, leaf.pem), Math.floor(Date.now() / 1000)),
    predicateType: 'https://slsa.dev/provenance/v1',
  };
  const files = writeTemp({ 'att.json': bytes, 'annotations.json': JSON.stringify(annotations), 'trusted_root.json': trustedRootJson({ ca: fulcio, log }) });
  return { envelope: files['att.json']!, annotations: files['annotations.json']!, trustedRoot: files['trusted_root.json']!, digest };
}

/**
 * A copy of an archive root whose image manifests record `pattern` as the
 * identity constraint of every verified signature, with every checksum
 * forged to match: a hostile bundle as an auditor could receive it.
 */
export async function withRecordedPattern(root: string, date: string, pattern: string): Promise<string> {
  const copy = await tempDir('custody-regex-forged-');
  await cp(root, copy, { recursive: true });
  const dayFile = join(copy, date, 'manifest.json');
  const day = JSON.parse(await readFile(dayFile, 'utf8')) as { images: { path: string; manifestSha256: string }[] };
  for (const image of day.images) {
    const file = join(copy, date, image.path, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as { evidence: { verification?: { constraints?: Record<string, string> } }[] };
    for (const entry of manifest.evidence) {
      const constraints = entry.verification?.constraints;
      if (constraints?.certificateIdentityRegexp !== undefined) constraints.certificateIdentityRegexp = pattern;
    }
    image.manifestSha256 = await rewrite(file, manifest);
  }
  await rewrite(dayFile, day);
  return copy;
}

async function rewrite(file: string, value: unknown): Promise<string> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(file, text);
  await writeFile(`${file}.sha256`, `${hex(text)}  manifest.json\n`);
  return hex(text);
}

export { makeKey };
