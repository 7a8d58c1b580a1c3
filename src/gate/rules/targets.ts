import type { Platform, Subject } from '../../types.js';
import type { GateEvidence } from '../evidence.js';
import { shortDigest } from './result.js';

/** What one result of a per-image rule is about. */
export interface Target {
  digest: string;
  /** Set for platform manifests of an index; undefined for the image itself. */
  platform?: string;
}

export function platformText(platform: Platform | undefined): string | undefined {
  if (!platform?.os || !platform.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * Scope `every-platform` on an index: one target per platform manifest.
 * Otherwise (scope `index`, or an image that is not an index): the image
 * itself, so that for a single-platform image both scopes mean the image.
 */
export function scopeTargets(subject: Subject, scope: 'every-platform' | 'index' | 'image'): Target[] {
  if (scope === 'every-platform' && subject.platforms.length > 0) {
    return subject.platforms.map((p) => ({ digest: p.digest, platform: platformText(p.platform) ?? shortDigest(p.digest) }));
  }
  return [{ digest: subject.digest }];
}

/** `linux/arm64 (sha256:…)` or `the image (sha256:…)`, for reasons. */
export function describeTarget(target: Target): string {
  return target.platform ? `${target.platform} (${shortDigest(target.digest)})` : `the image (${shortDigest(target.digest)})`;
}

/** When nothing is attached to the target, say where such evidence is instead (the scope may be the mistake). */
export function elsewhere(items: GateEvidence[], target: Target, index: string): string {
  const other = items.filter((e) => !e.about.includes(target.digest));
  if (other.length === 0) return '';
  if (target.platform) return other.some((e) => e.about.includes(index)) ? '; one is attached to the index, which scope every-platform does not count' : '';
  return '; there are some for platform manifests, which scope index does not count';
}
