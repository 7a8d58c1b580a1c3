import { generateKeyPairSync, sign } from 'node:crypto';
import { join } from 'node:path';
import { writeEvidenceImage } from '../../scripts/lib/evidence-image.mjs';

/** Layouts with every kind of attachment, written by the same code as examples/layout. */

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const signPayload = (payload: Buffer): string => sign('sha256', payload, privateKey).toString('base64');

export type Shape = 'manifest' | 'single' | 'multi';

export interface WrittenDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  platform?: { os: string; architecture: string };
}

export interface Written {
  root: WrittenDescriptor;
  platforms: WrittenDescriptor[];
  attestations: (WrittenDescriptor & { annotations: Record<string, string> })[];
  referrers: { descriptor: WrittenDescriptor; subject: string }[];
  tagged: { tag: string; descriptor: WrittenDescriptor; attachedTo: string }[];
}

export interface Scenario {
  name: string;
  dir: string;
  tag: string;
  repository: string;
  written: Written;
}

const PLATFORMS = {
  manifest: [{ os: 'linux', architecture: 'amd64' }],
  single: [{ os: 'linux', architecture: 'amd64' }],
  multi: [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ],
};

export function writeScenario(root: string, name: string, shape: Shape, extra: { extraReferrers?: number } = {}): Scenario {
  const dir = join(root, name);
  const repository = `custody/${name}`;
  const tag = '1.0';
  const written = writeEvidenceImage(dir, {
    name,
    repository: `registry.test/${repository}`,
    tag,
    platforms: PLATFORMS[shape],
    index: shape !== 'manifest',
    sign: signPayload,
    referrersTags: true,
    nested: true,
    ...extra,
  }) as Written;
  return { name, dir, tag, repository, written };
}

/**
 * What discovery must report for a scenario, as `method attachedTo digest [via]`
 * lines. `referrers` is the method the referrers show up with.
 */
export function expectedAttachments(s: Scenario, referrers: 'referrers-api' | 'referrers-tag'): string[] {
  const { written } = s;
  const lines: string[] = [];
  for (const r of written.referrers) lines.push(`${referrers} ${r.subject} ${r.descriptor.digest}`);
  for (const t of written.tagged) {
    if (!t.tag.endsWith('.sig')) continue;
    const parent = written.referrers.find((r) => r.descriptor.digest === t.attachedTo);
    if (parent) lines.push(`cosign-tag ${parent.subject} ${t.descriptor.digest} via ${parent.descriptor.digest}`);
    else lines.push(`cosign-tag ${t.attachedTo} ${t.descriptor.digest}`);
  }
  for (const a of written.attestations) lines.push(`buildkit ${a.annotations['vnd.docker.reference.digest']} ${a.digest}`);
  return lines.sort();
}

export function attachmentLines(nodes: { method: string; attachedTo: string; descriptor: { digest: string }; via?: string; children: unknown[] }[]): string[] {
  const lines: string[] = [];
  const visit = (list: typeof nodes): void => {
    for (const n of list) {
      lines.push(`${n.method} ${n.attachedTo} ${n.descriptor.digest}${n.via ? ` via ${n.via}` : ''}`);
      visit(n.children as typeof nodes);
    }
  };
  visit(nodes);
  return lines.sort();
}
