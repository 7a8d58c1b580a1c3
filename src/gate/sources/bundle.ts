import { join } from 'node:path';
import { sha256Hex } from '../../lib/hash.js';
import { readImageManifest } from '../../verify/read-manifest.js';
import { CustodyError, isCustodyError } from '../../errors.js';
import { readRegularFile } from '../../lib/read-file.js';
import { normalizeAll } from '../../normalize/items.js';
import type { ImageManifest, Raw } from '../../types.js';
import { isSafeRelativePath, verifyArchive } from '../../verify/verify.js';
import { evaluate } from '../evaluate.js';
import type { Policy } from '../policy/types.js';
import { prepareInput, type GateItem } from '../prepare.js';
import { buildReport, type GateReport } from '../report.js';
import type { RuleResult } from '../rules/result.js';
import { trustReverifier } from '../trust-reverifier.js';
import type { GateOptions } from './options.js';

/**
 * Decide from an archived image folder. The folder is verified first (every
 * file re-hashed, manifests against schemas and files): any problem fails
 * the gate with that reason, before a rule is looked at. Evidence is then
 * re-read from its bytes and re-normalised, and signatures re-verified
 * against the policy: nothing the manifest says about validity or
 * signatures is taken on trust.
 */
export async function gateFromBundle(imageDir: string, policy: Policy, options: GateOptions = {}): Promise<GateReport> {
  const now = options.now ?? new Date();
  const source = { type: 'bundle' as const, location: imageDir };
  const verified = await verifyArchive(imageDir);
  if (verified.target !== 'image') {
    throw new CustodyError(
      'NOT_A_BUNDLE',
      `${imageDir} is an archive ${verified.target} folder; gate --bundle needs one image folder (…/images/<registry>/<repo>/sha256-<hex>)`,
    );
  }
  const bundleFailed = (reason: string, details: Record<string, unknown>): GateReport =>
    buildReport({
      source,
      policy,
      now,
      ref: imageDir,
      results: [{ rule: 'bundle', mode: 'enforce', status: 'fail', reason, details }],
      warnings: verified.warnings,
    });
  if (!verified.ok) {
    const first = verified.problems[0]!;
    return bundleFailed(`bundle does not verify: ${verified.problems.length} problem(s); first: ${first.code} ${first.path}: ${first.message}`, {
      problems: verified.problems,
    });
  }

  let manifest;
  try {
    manifest = await readImageManifest(imageDir);
  } catch (err) {
    if (!isCustodyError(err)) throw err;
    return bundleFailed(`bundle manifest cannot be used: ${err.message}`, {});
  }
  if (!manifest) return bundleFailed(`bundle has no manifest.json`, {});
  return gateArchivedImage(
    manifest,
    (path) => readRegularFile(join(imageDir, path), { what: 'evidence', noFollow: true, maxBytes: options.limits?.maxBytes }),
    policy,
    { ...options, now, location: imageDir, checked: verified.checked, warnings: verified.warnings },
  );
}

export interface ArchivedImageOptions extends GateOptions {
  /** Where the image folder is (the report's source location). */
  location: string;
  /** Files verification re-hashed before this call. */
  checked: number;
  /** Warnings verification gave. */
  warnings?: string[];
}

/**
 * Decide from an image manifest of an archive that has just been verified,
 * reading each evidence file through `read` (a folder on disk, or an export
 * read in memory). The bytes used are hashed again against the manifest, so
 * a swap after verification is caught; they are re-normalised and their
 * signatures re-verified against the policy, as for --bundle.
 */
export async function gateArchivedImage(
  manifest: ImageManifest,
  read: (path: string) => Promise<Uint8Array | undefined>,
  policy: Policy,
  options: ArchivedImageOptions,
): Promise<GateReport> {
  const now = options.now ?? new Date();
  const source = { type: 'bundle' as const, location: options.location };
  const warnings = options.warnings ?? [];
  const bundleFailed = (reason: string, details: Record<string, unknown>): GateReport =>
    buildReport({ source, policy, now, ref: manifest.subject.ref, results: [{ rule: 'bundle', mode: 'enforce', status: 'fail', reason, details }], warnings });
  const { tag: _tag, ...subject } = manifest.subject;

  const raws: Raw[] = [];
  const ids: string[] = [];
  for (const entry of manifest.evidence) {
    // verify re-hashed every file a moment ago; the bytes used are hashed again, so a swap in between is caught.
    if (!isSafeRelativePath(entry.path)) return bundleFailed(`evidence path ${entry.path} leaves the image folder`, {});
    let bytes: Uint8Array | undefined;
    try {
      bytes = await read(entry.path);
    } catch (err) {
      if (!isCustodyError(err)) throw err;
      return bundleFailed(`evidence ${entry.path} cannot be read: ${err.message}`, {});
    }
    if (!bytes) return bundleFailed(`evidence ${entry.path} cannot be read`, {});
    const sha256 = sha256Hex(bytes);
    if (sha256 !== entry.sha256)
      return bundleFailed(`evidence ${entry.path} changed while the gate read it (sha256 ${sha256}, manifest says ${entry.sha256})`, {});
    raws.push({ bytes, mediaType: entry.mediaType, origin: entry.origin });
    ids.push(entry.path);
  }
  const normalized = await normalizeAll(subject, raws, options.limits, undefined, { strict: options.strict === true });
  const items: GateItem[] = normalized.map((item, i) => ({
    id: ids[i]!,
    bytes: item.bytes,
    mediaType: item.mediaType,
    origin: item.origin,
    normalized: item.normalized,
  }));
  const reverify = options.reverify ?? (await trustReverifier(policy, now));
  const input = await prepareInput(subject, items, policy, reverify);
  const decision = evaluate(input, policy, now);
  const bundleOk: RuleResult = {
    rule: 'bundle',
    mode: 'enforce',
    status: 'pass',
    reason: `bundle verified: ${options.checked} file(s) re-hashed, manifests match`,
    details: { checked: options.checked },
  };
  return buildReport({
    source,
    policy,
    now,
    subject,
    ref: subject.ref,
    results: [bundleOk, ...decision.results],
    warnings: [...warnings, ...readWarnings(input.evidence)],
  });
}

/** Evidence a reader choked on is worth a word in the report. */
export function readWarnings(evidence: { id: string; facts: { errors: string[] } }[]): string[] {
  return evidence.filter((e) => e.facts.errors.length > 0).map((e) => `${e.id}: ${e.facts.errors.join('; ')}`);
}
