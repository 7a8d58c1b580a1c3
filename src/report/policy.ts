/**
 * With --policy: the gate's decision for each image as archived on the
 * newest day of the range, rule by rule, evaluated exactly as
 * `custody gate --bundle` does (src/gate/sources/bundle.ts) on the bytes
 * verification hashed.
 */
import type { VerifiedFiles, VerifiedRun } from '../days/open.js';
import { parseJsonText } from '../days/views.js';
import type { Policy } from '../gate/policy/types.js';
import { gateArchivedImage } from '../gate/sources/bundle.js';
import { trustReverifier } from '../gate/trust-reverifier.js';
import type { ImageManifest } from '../types.js';
import type { GateSummary } from './model.js';
import { MANIFEST } from '../lib/archive-format.js';

export interface GateTarget {
  ref: string;
  date: string;
  digest: string | null;
  /** The image folder in the archive; undefined when the image failed that day. */
  folder?: string;
}

/** The files of a day in the report's range, as verification read them. */
export type FilesOf = (date: string) => VerifiedFiles | undefined;

export async function gateImages(
  archive: VerifiedRun,
  filesOf: FilesOf,
  targets: readonly GateTarget[],
  policy: Policy,
  now: Date,
): Promise<Map<string, GateSummary>> {
  const out = new Map<string, GateSummary>();
  const reverify = await trustReverifier(policy, now);
  const manifests = new Map<string, ImageManifest>();
  for (const target of targets) {
    const files = filesOf(target.date);
    if (!target.folder || !files) continue;
    const manifest = parseJsonText(await files.text(`${target.folder}/${MANIFEST}`));
    if (manifest !== undefined) manifests.set(target.ref, manifest as ImageManifest);
  }
  const pathsOf = (target: GateTarget) => (manifests.get(target.ref)?.evidence ?? []).map((e) => `${target.folder}/${e.path}`);
  // An export (one day) is read in one pass for every image; a folder on disk, image by image.
  const all = archive.target === 'export' ? await filesOf(archive.days[0]?.date ?? '')?.load(targets.flatMap(pathsOf)) : undefined;
  for (const target of targets) {
    const manifest = manifests.get(target.ref);
    if (!target.folder || !manifest) {
      out.set(target.ref, {
        date: target.date,
        digest: target.digest,
        outcome: 'unobtainable',
        results: [
          {
            rule: 'bundle',
            mode: 'enforce',
            status: 'fail',
            reason: target.folder ? 'the image manifest cannot be read' : `no evidence: the image failed on ${target.date}`,
          },
        ],
      });
      continue;
    }
    const bytes = all ?? (await filesOf(target.date)!.load(pathsOf(target)));
    const report = await gateArchivedImage(manifest, async (path) => bytes.get(`${target.folder}/${path}`), policy, {
      now,
      reverify,
      location: target.folder,
      checked: archive.verify.checked,
    });
    out.set(target.ref, {
      date: target.date,
      digest: target.digest,
      outcome: report.outcome,
      results: report.results.map((r) => ({ rule: r.rule, ...(r.platform ? { platform: r.platform } : {}), mode: r.mode, status: r.status, reason: r.reason })),
    });
  }
  return out;
}
