import type { EvidenceProblem, Subject, Verification } from '../types.js';
import type { EvidenceFacts } from './facts/extract.js';

/** Whose signers a signed piece of evidence is re-verified against. */
export type SignerRole = 'signature' | 'provenance' | 'vex';

/** A verdict for one image digest (the index or a platform manifest). */
export interface TargetVerdict extends Verification {
  digest: string;
}

/** One piece of evidence as the rules see it: what it is, what it is about, what it says, who signed it. */
export interface GateEvidence {
  /** Where it is: the path in the bundle, or how it was found in the registry. */
  id: string;
  kind: string;
  format: string;
  mediaType: string;
  /** The normaliser's verdict on the bytes (schema, subject). */
  valid: boolean;
  problems: EvidenceProblem[];
  /** Image digests (the index and/or platform manifests) this evidence is about. */
  about: string[];
  facts: EvidenceFacts;
  /** Re-verification against the policy's signers, per role and per image digest. Absent: not signed material for that role. */
  verdicts: Partial<Record<SignerRole, TargetVerdict[]>>;
}

/** Everything `evaluate` judges: the image and its evidence, read and re-verified. No I/O happens after this. */
export interface GateInput {
  subject: Subject;
  evidence: GateEvidence[];
}

/** Every digest that names the image: the index (or manifest) and its platform manifests. */
export function imageDigests(subject: Subject): string[] {
  return [subject.digest, ...subject.platforms.map((p) => p.digest)];
}
