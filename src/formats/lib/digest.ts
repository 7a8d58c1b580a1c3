/**
 * Digests as custody records them: `<algorithm>:<lower-case hex>`, the OCI
 * descriptor form (image-spec descriptor.md "Digests"). Only the algorithms
 * the image-spec registers can name an image, so only they become subjects.
 */

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

/** `sha256:ABC…` / `sha256:abc…` → `sha256:abc…`; anything else → undefined. */
export function toOciDigest(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(sha256|sha512):([0-9a-fA-F]+)$/.exec(value.trim());
  if (!match) return undefined;
  return fromAlgorithmHex(match[1]!, match[2]!);
}

/** (`sha256`, `ABC…`) → `sha256:abc…` when the hex has the algorithm's length. */
export function fromAlgorithmHex(algorithm: string, hex: unknown): string | undefined {
  if (typeof hex !== 'string') return undefined;
  const alg = normalizeAlgorithm(algorithm);
  if (!alg) return undefined;
  const want = HEX_LENGTH[alg]!;
  if (hex.length !== want || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  return `${alg}:${hex.toLowerCase()}`;
}

/** `SHA-256`, `SHA256`, `sha256` → `sha256` (CycloneDX, SPDX and in-toto spell it differently). */
export function normalizeAlgorithm(algorithm: string): 'sha256' | 'sha512' | undefined {
  const a = algorithm.toLowerCase().replace(/[-_]/g, '');
  if (a === 'sha256') return 'sha256';
  if (a === 'sha512') return 'sha512';
  return undefined;
}

/** Every `sha256:<64 hex>` found in a string (purls URL-encode the colon as %3A). */
export function digestsIn(text: string): string[] {
  const found: string[] = [];
  const re = /sha256(?::|%3[aA])([0-9a-fA-F]{64})(?![0-9a-fA-F])/g;
  for (const match of text.matchAll(re)) found.push(`sha256:${match[1]!.toLowerCase()}`);
  return found;
}

/**
 * The digest a package URL pins an OCI/Docker image to (`pkg:oci/name@sha256%3A…`,
 * `pkg:docker/name@sha256:…`). Other purl types describe packages, not images.
 */
export function imageDigestFromPurl(purl: unknown): string | undefined {
  if (typeof purl !== 'string') return undefined;
  const match = /^pkg:(oci|docker)\/[^@?#]*@([^?#]+)/i.exec(purl.trim());
  if (!match) return undefined;
  let version = match[2]!;
  try {
    version = decodeURIComponent(version);
  } catch {
    return undefined;
  }
  return toOciDigest(version);
}

/** `repo@sha256:…` (Docker RepoDigests) → `sha256:…`. */
export function digestFromReference(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const at = reference.lastIndexOf('@');
  return at < 0 ? undefined : toOciDigest(reference.slice(at + 1));
}
