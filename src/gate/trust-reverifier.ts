import { CustodyError } from '../errors.js';
import { readRegularFile } from '../lib/read-file.js';

/** The largest trust file (key, certificate, trusted root) read for a policy. */
const MAX_TRUST_FILE = 16 * 1024 * 1024;
import {
  buildTrustMaterial,
  readTrustInputs,
  verifyEvidence,
  type TrustFileRole,
  type TrustInput,
  type TrustMaterial,
  type TrustOptions,
} from '../trust/index.js';
import type { Verification } from '../types.js';
import type { SignerRole } from './evidence.js';
import type { Policy, Signers } from './policy/types.js';
import type { Reverify, ReverifyRequest } from './reverify.js';

/** A way to be trusted: the policy's keys, or one keyless identity with the roots it chains to. */
interface Candidate {
  trust: TrustMaterial;
}

/** Failure codes that say "this trust material does not apply" rather than "this signature is wrong". */
const WEAK_CODES = new Set(['no-trust-material', 'unsupported']);

/**
 * The Reverify the CLI uses: src/trust's verifiers with trust material built
 * from the policy. The keys form one candidate; each keyless identity forms
 * another with the trusted roots / CA roots (cosign checks one identity at a
 * time). A signature passes when any candidate verifies it; otherwise the
 * most telling failure is reported (a wrong identity over "no key given").
 */
export async function trustReverifier(policy: Policy, now: Date): Promise<Reverify> {
  const files = new Map<string, Buffer>();
  const candidatesByRole = new Map<SignerRole, Candidate[]>();
  const roles: [SignerRole, Signers | undefined][] = [
    ['signature', policy.rules.signature?.signers],
    ['provenance', policy.rules.provenance?.signers],
    ['vex', policy.rules.scan?.vexSigners],
  ];
  for (const [role, signers] of roles) {
    if (signers) candidatesByRole.set(role, await candidatesFor(signers, files));
  }
  return async (request: ReverifyRequest): Promise<Verification> => {
    const candidates = candidatesByRole.get(request.role) ?? [];
    if (candidates.length === 0) {
      return { verified: false, code: 'no-trust-material', reason: `the policy names no signers for ${request.role}` };
    }
    const input = { bytes: request.bytes, mediaType: request.mediaType, ...(request.annotations ? { annotations: request.annotations } : {}) };
    const target = { digest: request.digest, ...(request.artifact ? { artifact: request.artifact } : {}) };
    let best: Verification | undefined;
    for (const candidate of candidates) {
      const verdict = await verifyEvidence(input, target, candidate.trust, { now, ...(request.scope !== undefined ? { scope: request.scope } : {}) });
      if (verdict.verified) return verdict;
      if (!best || (WEAK_CODES.has(best.code ?? '') && !WEAK_CODES.has(verdict.code ?? ''))) best = verdict;
    }
    return best!;
  };
}

async function candidatesFor(signers: Signers, files: Map<string, Buffer>): Promise<Candidate[]> {
  const inputs = async (paths: string[], role: TrustFileRole): Promise<TrustInput[]> => {
    const out: TrustInput[] = [];
    for (const path of paths) out.push({ path, role, bytes: await readTrustFile(path, files) });
    return out;
  };
  const roots = [
    ...(await inputs(signers.trustedRoots, 'trusted-root')),
    ...(await inputs(signers.caRoots, 'ca-roots')),
    ...(await inputs(signers.caIntermediates, 'ca-intermediates')),
    ...(await inputs(signers.rekorKeys, 'rekor-key')),
  ];
  const candidates: Candidate[] = [];
  if (signers.notation) {
    // The folder is read into one document, as verify-evidence and archive read it.
    candidates.push({ trust: build(await notationInputs(signers.notation), {}) });
  }
  if (signers.keys.length > 0) {
    // No identity constraint here: a certificate never verifies through this candidate.
    candidates.push({ trust: build([...(await inputs(signers.keys, 'key')), ...roots], {}) });
  }
  for (const identity of signers.keyless) {
    const options: TrustOptions = {};
    if (identity.identity !== undefined) options.certificateIdentity = identity.identity;
    if (identity.identityRegexp !== undefined) options.certificateIdentityRegexp = identity.identityRegexp;
    if (identity.issuer !== undefined) options.certificateOidcIssuer = identity.issuer;
    if (identity.issuerRegexp !== undefined) options.certificateOidcIssuerRegexp = identity.issuerRegexp;
    candidates.push({ trust: build(roots, options) });
  }
  return candidates;
}

async function notationInputs(notation: NonNullable<Signers['notation']>): Promise<TrustInput[]> {
  try {
    return await readTrustInputs({
      notationTrustStore: notation.trustStore,
      ...(notation.trustPolicy !== undefined ? { notationTrustPolicy: notation.trustPolicy } : {}),
    });
  } catch (err) {
    throw new CustodyError('INVALID_POLICY', `policy Notation trust: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function build(inputs: TrustInput[], options: TrustOptions): TrustMaterial {
  try {
    return buildTrustMaterial(inputs, options);
  } catch (err) {
    throw new CustodyError('INVALID_POLICY', `policy trust material: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function readTrustFile(path: string, files: Map<string, Buffer>): Promise<Buffer> {
  const cached = files.get(path);
  if (cached) return cached;
  try {
    const bytes = await readRegularFile(path, { what: 'policy trust file', maxBytes: MAX_TRUST_FILE, code: 'INVALID_POLICY' });
    files.set(path, bytes);
    return bytes;
  } catch (err) {
    if (err instanceof CustodyError && err.code === 'INPUT_TOO_LARGE') throw new CustodyError('INVALID_POLICY', err.message, { cause: err });
    throw err;
  }
}
