import { splitDigest } from './digest.js';

/** Tags that carry attachments where a registry has no referrers API. */

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * distribution-spec 1.1 "Referrers Tag Schema": `<alg>-<ref>`, the algorithm
 * truncated to 32 characters, the encoded part to 64, and any character a
 * tag cannot hold replaced by `-`. Because of the truncation several digests
 * can share a tag: every referrer listed under it is checked against its
 * `subject` before use.
 */
export function referrersTag(digest: string): string {
  const colon = digest.indexOf(':');
  if (colon <= 0) throw new Error(`not a digest: ${digest.slice(0, 80)}`);
  const algorithm = digest.slice(0, colon).slice(0, 32);
  const encoded = digest.slice(colon + 1).slice(0, 64);
  return `${algorithm}-${encoded}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}

export type CosignSuffix = 'sig' | 'att' | 'sbom';
export const COSIGN_SUFFIXES: readonly CosignSuffix[] = ['sig', 'att', 'sbom'];

/**
 * cosign's tag convention `<alg>-<hex>.<sig|att|sbom>`. A sha512 digest gives
 * a tag longer than 128 characters, which no registry accepts: none then.
 */
export function cosignTags(digest: string): { suffix: CosignSuffix; tag: string }[] {
  const parts = splitDigest(digest);
  if (!parts) return [];
  return COSIGN_SUFFIXES.map((suffix) => ({ suffix, tag: `${parts.algorithm}-${parts.hex}.${suffix}` })).filter(({ tag }) => TAG.test(tag));
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}
