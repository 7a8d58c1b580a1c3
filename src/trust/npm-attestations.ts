import type { Verification } from '../types.js';
import { verifySigstoreBundle } from './bundle.js';
import { isRecord, str } from './bytes.js';
import type { TrustMaterial } from './material.js';
import type { Target } from './target.js';
import { failed, UNJUDGED_CODES, verified } from './verdict.js';

/**
 * An npm registry attestations document (`/-/npm/v1/attestations/<pkg>@<v>`):
 * `{attestations: [{predicateType, bundle}]}`, a publish attestation signed
 * with npm's registry key and a SLSA provenance signed keyless. Every bundle
 * is checked (src/trust/bundle.ts) against the same target, the package
 * tarball's digest. The document verifies when every bundle does; otherwise
 * the verdict is the first bundle that failed, in document order, with a
 * judged failure before a bundle that could not be judged (no trust material
 * for it).
 */
export function looksLikeNpmAttestations(json: unknown): boolean {
  return (
    isRecord(json) && Array.isArray(json.attestations) && json.attestations.length > 0 && json.attestations.every((a) => isRecord(a) && isRecord(a.bundle))
  );
}

export function verifyNpmAttestations(json: unknown, target: Target, trust: TrustMaterial): Verification {
  const attestations = isRecord(json) && Array.isArray(json.attestations) ? json.attestations : [];
  if (attestations.length === 0) return failed('malformed', 'npm attestations: no attestations[]');
  const verdicts = attestations.map((a, i) => {
    const name = `npm attestation ${i} (${(isRecord(a) ? str(a.predicateType) : undefined) ?? 'no predicateType'})`;
    const verdict = verifySigstoreBundle(Buffer.from(JSON.stringify(isRecord(a) ? a.bundle : null)), target, trust);
    return { name, verdict };
  });
  const judgedFailure = verdicts.find(({ verdict }) => !verdict.verified && !UNJUDGED_CODES.includes(verdict.code ?? ''));
  const anyFailure = judgedFailure ?? verdicts.find(({ verdict }) => !verdict.verified);
  const summary = verdicts.map(({ name, verdict }) => `${name}: ${verdict.verified ? 'verified' : (verdict.code ?? 'failed')}`).join('; ');
  if (anyFailure) {
    const { name, verdict } = anyFailure;
    return failed(verdict.code as Parameters<typeof failed>[0], `${name}: ${verdict.reason} [${summary}]`, {
      ...(verdict.identity ? { identity: verdict.identity } : {}),
      ...(verdict.trustMaterial ? { trustMaterial: verdict.trustMaterial } : {}),
    });
  }
  // The signer recorded is the provenance's (a certificate identity) when there is one, else the first key.
  const withSan = verdicts.find(({ verdict }) => verdict.identity?.san);
  const identity = (withSan ?? verdicts[0]!).verdict.identity;
  const trustMaterial = verdicts.flatMap(({ verdict }) => verdict.trustMaterial ?? []);
  return verified(`npm attestations: all ${verdicts.length} verified [${verdicts.map(({ name, verdict }) => `${name}: ${verdict.reason}`).join('; ')}]`, {
    ...(identity ? { identity } : {}),
    trustMaterial,
  });
}
