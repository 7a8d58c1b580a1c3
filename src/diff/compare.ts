/** Two day snapshots in, their differences out. Pure. */
import { severityRank } from '../gate/policy/types.js';
import type { DaySnapshot, ImageSnapshot } from './snapshot.js';
import { DIFF_FORMAT, type DayDiff, type EvidenceRef, type ImageChanges, type ImageRef, type VulnRef } from './model.js';

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function imageRef(image: ImageSnapshot): ImageRef {
  return { ref: image.ref, digest: image.digest, status: image.status };
}

export function compareDays(a: DaySnapshot, b: DaySnapshot): DayDiff {
  const diff: DayDiff = {
    format: DIFF_FORMAT,
    a: a.side,
    b: b.side,
    same: true,
    images: { added: [], removed: [], repointed: [], status: [] },
    changed: [],
  };
  for (const ref of [...b.images.keys()].sort(byText)) if (!a.images.has(ref)) diff.images.added.push(imageRef(b.images.get(ref)!));
  for (const ref of [...a.images.keys()].sort(byText)) if (!b.images.has(ref)) diff.images.removed.push(imageRef(a.images.get(ref)!));
  for (const ref of [...a.images.keys()].sort(byText)) {
    const before = a.images.get(ref)!;
    const after = b.images.get(ref);
    if (!after) continue;
    if (before.digest && after.digest && before.digest !== after.digest) diff.images.repointed.push({ ref, from: before.digest, to: after.digest });
    if (before.status !== after.status) diff.images.status.push({ ref, from: before.status, to: after.status });
    const changes = compareImage(before, after);
    if (changes) diff.changed.push(changes);
  }
  diff.same =
    diff.images.added.length === 0 &&
    diff.images.removed.length === 0 &&
    diff.images.repointed.length === 0 &&
    diff.images.status.length === 0 &&
    diff.changed.length === 0;
  return diff;
}

function compareImage(a: ImageSnapshot, b: ImageSnapshot): ImageChanges | undefined {
  const evidenceKey = (e: EvidenceRef) => e.sha256;
  const inA = new Set(a.evidence.map(evidenceKey));
  const inB = new Set(b.evidence.map(evidenceKey));
  const evidence = {
    added: b.evidence.filter((e) => !inA.has(evidenceKey(e))).sort((x, y) => byText(x.path, y.path)),
    removed: a.evidence.filter((e) => !inB.has(evidenceKey(e))).sort((x, y) => byText(x.path, y.path)),
  };

  const signersA = new Map(a.signers.map((s) => [s.identity, s]));
  const signersB = new Map(b.signers.map((s) => [s.identity, s]));
  const signers: ImageChanges['signers'] = {
    added: b.signers.filter((s) => !signersA.has(s.identity)),
    removed: a.signers.filter((s) => !signersB.has(s.identity)),
    changed: a.signers
      .filter((s) => signersB.has(s.identity) && signersB.get(s.identity)!.verified !== s.verified)
      .map((s) => ({ identity: s.identity, from: s.verified, to: signersB.get(s.identity)!.verified })),
  };

  const vulnerabilities: ImageChanges['vulnerabilities'] = {
    compared: a.vulnerabilities !== undefined && b.vulnerabilities !== undefined,
    scanned: { a: a.vulnerabilities !== undefined, b: b.vulnerabilities !== undefined },
    new: [],
    fixed: [],
  };
  if (a.vulnerabilities && b.vulnerabilities) {
    vulnerabilities.new = only(b.vulnerabilities, a.vulnerabilities);
    vulnerabilities.fixed = only(a.vulnerabilities, b.vulnerabilities);
  }

  const components: ImageChanges['components'] = {
    compared: a.components !== undefined && b.components !== undefined,
    listed: { a: a.components !== undefined, b: b.components !== undefined },
    added: [],
    removed: [],
    changed: [],
  };
  if (a.components && b.components) {
    for (const [name, versions] of [...b.components].sort(([x], [y]) => byText(x, y))) {
      const before = a.components.get(name);
      if (!before) components.added.push({ component: name, from: [], to: sorted(versions) });
      else if (!sameSet(before, versions)) components.changed.push({ component: name, from: sorted(before), to: sorted(versions) });
    }
    for (const [name, versions] of [...a.components].sort(([x], [y]) => byText(x, y))) {
      if (!b.components.has(name)) components.removed.push({ component: name, from: sorted(versions), to: [] });
    }
  }

  const changed =
    evidence.added.length + evidence.removed.length + signers.added.length + signers.removed.length + signers.changed.length > 0 ||
    vulnerabilities.new.length + vulnerabilities.fixed.length > 0 ||
    vulnerabilities.scanned.a !== vulnerabilities.scanned.b ||
    components.added.length + components.removed.length + components.changed.length > 0 ||
    components.listed.a !== components.listed.b ||
    a.digest !== b.digest ||
    a.status !== b.status;
  if (!changed) return undefined;
  return {
    ref: a.ref,
    from: { digest: a.digest, status: a.status },
    to: { digest: b.digest, status: b.status },
    evidence,
    signers,
    vulnerabilities,
    components,
  };
}

/** Findings of `x` that `y` does not have, the most severe first. */
function only(x: Map<string, VulnRef>, y: Map<string, VulnRef>): VulnRef[] {
  return [...x.entries()]
    .filter(([key]) => !y.has(key))
    .map(([, v]) => v)
    .sort((p, q) => severityRank(q.severity) - severityRank(p.severity) || byText(p.id, q.id) || byText(p.package, q.package));
}

function sorted(set: Set<string>): string[] {
  return [...set].sort(byText);
}

function sameSet(x: Set<string>, y: Set<string>): boolean {
  return x.size === y.size && [...x].every((v) => y.has(v));
}
