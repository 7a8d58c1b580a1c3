import { digestOf } from '../oci/digest.js';
import type { Normalized, Origin, Subject } from '../types.js';
import { imageDigests, type GateEvidence, type GateInput, type SignerRole, type TargetVerdict } from './evidence.js';
import { extractFacts, type EvidenceFacts } from './facts/extract.js';
import type { Policy } from './policy/types.js';
import type { Reverify } from './reverify.js';
import { signedScope } from '../trust/signed-target.js';

/** One piece of evidence as a source hands it over: bytes as archived or fetched, and the normaliser's reading. */
export interface GateItem {
  id: string;
  bytes: Uint8Array;
  mediaType: string;
  origin: Origin;
  normalized: Normalized;
}

/**
 * Read the facts of every item, work out which image digests each is about,
 * and re-verify every signed item the policy has a use for against the
 * policy's signers. The only asynchronous step before the pure evaluation.
 */
export async function prepareInput(subject: Subject, items: readonly GateItem[], policy: Policy, reverify: Reverify): Promise<GateInput> {
  const scope = signedScope(subject.ref);
  const digests = imageDigests(subject);
  const image = new Set(digests);
  const read = items.map((item) => ({
    item,
    digest: digestOf(item.bytes),
    facts: extractFacts({ ...item, annotations: item.origin.descriptor?.annotations ?? {}, normalized: item.normalized }),
  }));

  // An image manifest binds its config to the platform: config digest → the manifests naming it.
  const byBytes = new Map<string, Uint8Array>();
  const configOwners = new Map<string, string[]>();
  for (const { item, facts, digest } of read) {
    byBytes.set(digest, item.bytes);
    if (facts.configDigest && image.has(digest)) configOwners.set(facts.configDigest, [...(configOwners.get(facts.configDigest) ?? []), digest]);
  }

  const evidence: GateEvidence[] = [];
  for (const { item, facts, digest } of read) {
    const about = aboutOf(subject, image, item, facts, configOwners.get(digest) ?? []);
    const entry: GateEvidence = {
      id: item.id,
      kind: item.normalized.kind,
      format: item.normalized.format,
      mediaType: item.mediaType,
      valid: item.normalized.valid,
      problems: item.normalized.problems,
      about,
      facts,
      verdicts: {},
    };
    for (const role of rolesFor(facts, policy)) {
      const targets = targetsOf(subject, image, facts, about);
      const verdicts: TargetVerdict[] = [];
      for (const digest of targets) {
        const artifact = facts.statement ? undefined : byBytes.get(digest);
        const verdict = await reverify({
          role,
          bytes: item.bytes,
          mediaType: item.mediaType,
          ...(item.origin.descriptor?.annotations ? { annotations: item.origin.descriptor.annotations } : {}),
          digest,
          ...(artifact ? { artifact } : {}),
          ...(scope !== undefined ? { scope } : {}),
        });
        verdicts.push({ ...verdict, digest });
      }
      entry.verdicts[role] = verdicts;
    }
    evidence.push(entry);
  }
  return { subject, evidence };
}

/** Which signers a piece of evidence must be checked against, given what it is and what the policy asks. */
function rolesFor(facts: EvidenceFacts, policy: Policy): SignerRole[] {
  const roles: SignerRole[] = [];
  if (!facts.signed) return roles;
  if (policy.rules.signature && facts.signed.purpose === 'signature') roles.push('signature');
  if (policy.rules.provenance && facts.provenance) roles.push('provenance');
  if (policy.rules.scan?.vexSigners && facts.vex) roles.push('vex');
  return roles;
}

/**
 * The image digests a piece of evidence is about: where it was attached
 * (registry discovery, or the manifest that names a config), and the image
 * digests it names itself (statement subjects, signed payload, SBOM/scan
 * subjects). A local file that names no digest at all is about the image
 * as referenced; an image config only ever belongs to the manifest that
 * names it.
 */
function aboutOf(subject: Subject, image: Set<string>, item: GateItem, facts: EvidenceFacts, configOwners: string[]): string[] {
  const about = new Set<string>();
  const add = (digest: string | undefined) => {
    if (digest && image.has(digest)) about.add(digest);
  };
  if (facts.config) {
    // A config is the image's only when fetched as part of it, or named by one of its manifests.
    if (item.origin.method === 'image') add(item.origin.attachedTo);
    for (const owner of configOwners) add(owner);
    return [...about];
  }
  add(item.origin.attachedTo);
  const named = [...(facts.statement?.subjects ?? []), ...(facts.signed?.claims ?? []), ...item.normalized.subjects];
  for (const d of named) add(d);
  // Evidence that names digests, none of them this image's, is about another image.
  if (about.size === 0 && named.length === 0 && item.origin.attachedTo === undefined) about.add(subject.digest);
  return [...about];
}

/** The image digests to verify a signed item as being about: those it claims, else where it was found. */
function targetsOf(subject: Subject, image: Set<string>, facts: EvidenceFacts, about: string[]): string[] {
  const claimed = [...(facts.statement?.subjects ?? []), ...(facts.signed?.claims ?? [])].filter((d) => image.has(d));
  if (claimed.length > 0) return [...new Set(claimed)];
  if (about.length > 0) return about;
  return [subject.digest];
}
