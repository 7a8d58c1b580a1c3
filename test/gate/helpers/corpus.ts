import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFacts, type EvidenceFacts } from '../../../src/gate/facts/extract.js';
import { normalize } from '../../../src/normalize/normalize.js';
import { CORPUS } from '../../helpers/cli.js';

export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

export function corpusBytes(...parts: string[]): Buffer {
  return readFileSync(corpusPath(...parts));
}

/** Facts of a corpus file read the way the gate reads evidence: normalised first, then the gate's own readers. */
export function factsOf(bytes: Uint8Array, mediaType = '', annotations?: Record<string, string>): EvidenceFacts {
  const normalized = normalize({ bytes, mediaType, ...(annotations ? { annotations } : {}) });
  return extractFacts({ bytes, mediaType, ...(annotations ? { annotations } : {}), normalized });
}

export const PUBLIC_GOOD_ROOT = corpusPath('sigstore-bundles/trust/trusted_root.public-good.json');
export const SLSA_LAYOUT = corpusPath('cosign/slsa-verifier-oci-layout-v2.1.0');
/** The image of the slsa-verifier layout (an index) and its attestation layer (DSSE, SLSA v0.2, keyless). */
export const SLSA_IMAGE = 'sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122';
export const SLSA_IDENTITY = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0';
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
