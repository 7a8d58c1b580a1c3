import { digestHex } from './bytes.js';
import { finding, type Finding } from './verdict.js';

/** What the signature must be about: the image digest, or the artifact bytes themselves. */
export interface Target {
  /** `sha256:<hex>` (also sha384/sha512). */
  digest?: string;
  /** The signed artifact (for a message signature) or the attestation subject's bytes. */
  artifact?: Uint8Array;
  /** The artifact's media type, when known (a Notation payload names it). */
  mediaType?: string;
  /** The artifact's size in bytes, when known without its bytes. */
  size?: number;
}

const ALGORITHMS = new Set(['sha256', 'sha384', 'sha512']);
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ParsedDigest {
  algorithm: string;
  hex: string;
}

/**
 * `algorithm:value`. sha256/sha384/sha512 need hex of their length; any other
 * in-toto DigestSet name (gitCommit, gce_image_id, ...) is taken as given and
 * can only match an in-toto subject with that very name.
 */
export function parseDigest(digest: string): ParsedDigest | undefined {
  const m = /^([A-Za-z0-9_.-]+):([A-Za-z0-9._-]+)$/.exec(digest.trim());
  if (!m) return undefined;
  const algorithm = m[1]!;
  const value = m[2]!;
  if (ALGORITHMS.has(algorithm)) {
    return /^[0-9a-fA-F]+$/.test(value) && value.length === HEX_LENGTH[algorithm] ? { algorithm, hex: value.toLowerCase() } : undefined;
  }
  if (/^sha/i.test(algorithm) || value.length > 512) return undefined;
  return { algorithm, hex: value };
}

/** A target checked once: does it have digest `algorithm:hex`? */
export interface TargetMatcher {
  matches(algorithm: string, hex: string): boolean;
  describe: string;
}

/**
 * Check the target itself: a digest must be well formed, an artifact and a
 * digest given together must agree, and one of them must be there: a
 * signature not tied to a subject proves nothing about the image.
 */
export function toMatcher(target: Target): TargetMatcher | Finding {
  const digest = target.digest !== undefined ? parseDigest(target.digest) : undefined;
  if (target.digest !== undefined && !digest) {
    return finding('malformed', `target digest ${JSON.stringify(target.digest)} is not algorithm:value (sha256, sha384 or sha512 with hex)`);
  }
  const artifact = target.artifact;
  if (digest && artifact && (!ALGORITHMS.has(digest.algorithm) || digestHex(digest.algorithm, artifact) !== digest.hex)) {
    return finding('subject-mismatch', `the artifact's ${digest.algorithm} is not ${target.digest}`);
  }
  if (digest) {
    return {
      describe: `${digest.algorithm}:${digest.hex}`,
      matches: (algorithm, value) => algorithm === digest.algorithm && (ALGORITHMS.has(algorithm) ? value.toLowerCase() === digest.hex : value === digest.hex),
    };
  }
  if (artifact) {
    const cache = new Map<string, string>();
    const of = (alg: string) => cache.get(alg) ?? cache.set(alg, digestHex(alg, artifact)).get(alg)!;
    return {
      describe: `sha256:${of('sha256')}`,
      matches: (algorithm, hex) => ALGORITHMS.has(algorithm) && of(algorithm) === hex.toLowerCase(),
    };
  }
  return finding('subject-mismatch', 'no image digest or artifact was given to check the signature against');
}

export function isMatcher(value: TargetMatcher | Finding): value is TargetMatcher {
  return value !== undefined && 'matches' in value;
}
