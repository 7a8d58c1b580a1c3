import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { archive, type CollectedImage } from '../../../src/archive/archive.js';
import { tempDir } from '../../helpers/cli.js';
import { containersImageSignature, dsseEnvelope, openvex, OPENVEX, SLSA_V1, slsaV1, spdxSbom, statement, trivyReport } from './signing.js';
import { BUILDER } from './policy-files.js';

/** The image folder of the one image an archive run wrote. */
async function imageFolder(report: Awaited<ReturnType<typeof archive>>): Promise<string> {
  const image = report.images[0]!;
  if (image.status === 'failed' || !image.path) throw new Error(`archive failed: ${image.error}`);
  return join(report.day, image.path);
}

/** Archive an in-memory image (collector test double) into a fresh root; returns the image folder. */
export async function archiveCollected(collected: CollectedImage): Promise<string> {
  const root = await tempDir('custody-gate-root-');
  return imageFolder(await archive({ refs: [collected.subject.ref], root, date: '2026-06-15', collect: async () => collected }));
}

export interface LocalEvidence {
  signer: KeyObject;
  findings: { id: string; severity: string }[];
  vex?: string[];
  scannedAt?: string;
}

/**
 * Archive local evidence files for `ghcr.io/acme/app@digest` without
 * discovery (`custody archive REF@digest --no-discover --evidence …`): a
 * containers/image signature, a DSSE SLSA v1 attestation and an OpenVEX
 * attestation signed with `signer`, an SPDX SBOM, a Trivy report.
 */
export async function archiveLocal(digest: string, evidence: LocalEvidence): Promise<string> {
  const dir = await tempDir('custody-gate-evidence-');
  const ref = `ghcr.io/acme/app@${digest}`;
  const files: Record<string, Buffer> = {
    'signature-1': containersImageSignature(digest, 'ghcr.io/acme/app', evidence.signer),
    'provenance.intoto.json': dsseEnvelope(statement(SLSA_V1, slsaV1(BUILDER, 'https://github.com/acme/app'), [digest]), evidence.signer),
    'sbom.spdx.json': spdxSbom(digest, 12),
    'trivy.json': trivyReport(evidence.scannedAt ?? new Date().toISOString(), evidence.findings),
  };
  for (const id of evidence.vex ?? [])
    files[`vex-${id}.intoto.json`] = dsseEnvelope(statement(OPENVEX, openvex(id, digest, 'not_affected'), [digest]), evidence.signer);
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  const root = await tempDir('custody-gate-root-');
  return imageFolder(await archive({ refs: [ref], evidenceFiles: Object.keys(files).map((f) => join(dir, f)), root, date: '2026-06-15' }));
}

/** The policy the local-evidence bundles are judged by (no image rule: --no-discover keeps no config). */
export const LOCAL_POLICY = `apiVersion: custody/v1
kind: Policy
rules:
  signature: {mode: enforce, keys: [keys/release.pub]}
  sbom: {mode: enforce, formats: [spdx], minComponents: 1}
  provenance: {mode: enforce, builderIdRegexp: ^https://github.com/slsa-framework/, sourceRepositoryRegexp: ^https://github.com/acme/}
  scan: {mode: enforce, maxAgeDays: 7, failOn: CRITICAL}
`;
