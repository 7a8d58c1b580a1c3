import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/gate/evaluate.js';
import { evidence, input, INDEX, KEY_SIGNERS, NOW, policyWith, rejected, singleImage, SINGLE, twoPlatformIndex, verified, AMD64 } from '../helpers/evidence.js';

const signed = (claims: string[]) => ({ signed: { format: 'cosign-simplesigning' as const, purpose: 'signature' as const, claims } });
const policy = policyWith({ signature: { mode: 'enforce', signers: KEY_SIGNERS } });

describe('signature rule', () => {
  it('passes with one signature over the image digest that re-verified', () => {
    const sig = evidence([SINGLE], signed([SINGLE]), { verdicts: { signature: [verified(SINGLE)] } });
    const decision = evaluate(input(singleImage(), [sig]), policy, NOW);
    expect(decision.pass).toBe(true);
    expect(decision.results).toEqual([
      expect.objectContaining({ rule: 'signature', status: 'pass', digest: SINGLE, reason: expect.stringMatching(/^signed by key a{16}…/) }),
    ]);
  });

  it('fails when the image carries no signature at all', () => {
    const decision = evaluate(input(singleImage(), []), policy, NOW);
    expect(decision.pass).toBe(false);
    expect(decision.results[0]).toMatchObject({ rule: 'signature', status: 'fail', reason: expect.stringMatching(/^no signature found for sha256:/) });
  });

  it('fails with the identity named when the only signature is by the wrong signer identity', () => {
    const wrong = rejected(
      SINGLE,
      'identity-mismatch',
      'certificate identity https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main does not match /^https://github.com/acme//',
      {
        san: 'https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main',
        issuer: 'https://token.actions.githubusercontent.com',
      },
    );
    const sig = evidence([SINGLE], signed([SINGLE]), { verdicts: { signature: [wrong] } });
    const decision = evaluate(input(singleImage(), [sig]), policy, NOW);
    expect(decision.pass).toBe(false);
    expect(decision.results[0]!.status).toBe('fail');
    expect(decision.results[0]!.reason).toMatch(/none verified by the policy's signers; identity-mismatch: certificate identity https:\/\/github.com\/evil/);
  });

  it('prefers a telling failure over "no trust material" from a candidate that does not apply', () => {
    const sig = evidence([SINGLE], signed([SINGLE]), {
      verdicts: {
        signature: [rejected(SINGLE, 'no-trust-material', 'no key'), rejected(SINGLE, 'signature-invalid', 'does not verify with any of the 1 trusted key(s)')],
      },
    });
    const result = evaluate(input(singleImage(), [sig]), policy, NOW).results[0]!;
    expect(result.reason).toMatch(/signature-invalid/);
  });

  it('does not accept a signature over a platform manifest for the index', () => {
    const sig = evidence([AMD64], signed([AMD64]), { verdicts: { signature: [verified(AMD64)] } });
    const result = evaluate(input(twoPlatformIndex(), [sig]), policy, NOW).results[0]!;
    expect(result).toMatchObject({ status: 'fail', digest: INDEX });
    expect(result.reason).toMatch(/they are over sha256:.*not the image/);
  });

  it('counts attestations for nothing: a verified provenance is not a signature', () => {
    const att = evidence([SINGLE], { signed: { format: 'dsse', purpose: 'attestation', claims: [SINGLE] } }, { verdicts: { provenance: [verified(SINGLE)] } });
    expect(evaluate(input(singleImage(), [att]), policy, NOW).results[0]!.status).toBe('fail');
  });

  it('in warn mode reports warn and lets the gate pass', () => {
    const decision = evaluate(input(singleImage(), []), policyWith({ signature: { mode: 'warn', signers: KEY_SIGNERS } }), NOW);
    expect(decision.pass).toBe(true);
    expect(decision.results[0]!.status).toBe('warn');
  });
});
