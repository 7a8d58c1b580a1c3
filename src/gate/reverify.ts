import type { Verification } from '../types.js';
import type { SignerRole } from './evidence.js';

/** One signed object to check against the policy's signers for `role`, as being about `digest`. */
export interface ReverifyRequest {
  role: SignerRole;
  bytes: Uint8Array;
  mediaType: string;
  /** The layer annotations a cosign signature or `.att` layer carries its signature and certificate in. */
  annotations?: Record<string, string>;
  /** The image digest the signature must be about. */
  digest: string;
  /** The bytes with that digest (the image manifest), for signatures over bytes rather than a statement. */
  artifact?: Uint8Array;
  /** registry/repository of the image, to pick the Notation trust policy statement. */
  scope?: string;
}

/**
 * Re-verifies signed bytes against the policy's own trust material. Never
 * throws for bad signatures: it returns `verified: false` with a code. The
 * gate never trusts a verdict stored in a manifest; it asks this.
 */
export type Reverify = (request: ReverifyRequest) => Promise<Verification>;
