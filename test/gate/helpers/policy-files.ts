import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPolicy } from '../../../src/gate/policy/load.js';
import type { Policy } from '../../../src/gate/policy/types.js';
import { tempDir } from '../../helpers/cli.js';

/** Write a policy (and its key) into a fresh folder; returns the policy path. */
export async function writePolicy(yaml: string, keys: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir('custody-gate-policy-');
  await mkdir(join(dir, 'keys'), { recursive: true });
  for (const [name, pem] of Object.entries(keys)) await writeFile(join(dir, 'keys', name), pem);
  const path = join(dir, 'policy.yaml');
  await writeFile(path, yaml);
  return path;
}

export async function policyFrom(yaml: string, keys: Record<string, string> = {}): Promise<Policy> {
  return loadPolicy(await writePolicy(yaml, keys));
}

/** A policy with every rule enforced, signed with keys/release.pub. */
export const FULL_POLICY = `apiVersion: custody/v1
kind: Policy
metadata: {name: release}
rules:
  signature:
    mode: enforce
    keys: [keys/release.pub]
  sbom: {mode: enforce, formats: [spdx, cyclonedx], minComponents: 1, scope: every-platform}
  provenance:
    mode: enforce
    predicateTypes: [https://slsa.dev/provenance/v1]
    builderIdRegexp: ^https://github.com/slsa-framework/
    sourceRepositoryRegexp: ^https://github.com/acme/
  scan:
    mode: enforce
    maxAgeDays: 7
    failOn: CRITICAL
    allow: [{id: CVE-2024-0001, expires: 2099-01-01, reason: no fix upstream}]
  image: {mode: enforce, nonRoot: true, requiredLabels: [org.opencontainers.image.source]}
`;

export const BUILDER = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0';
export const SOURCE_LABEL = { 'org.opencontainers.image.source': 'https://github.com/acme/app' };
