import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/gate/evaluate.js';
import { runsAsRoot } from '../../../src/gate/facts/image-config.js';
import type { ImageRule } from '../../../src/gate/policy/types.js';
import { AMD64, ARM64, evidence, input, NOW, policyWith, singleImage, SINGLE, twoPlatformIndex } from '../helpers/evidence.js';

const rule = (extra: Partial<ImageRule> = {}): ImageRule => ({ mode: 'enforce', nonRoot: true, requiredLabels: ['org.opencontainers.image.source'], ...extra });
const config = (about: string[], user: string, labels: Record<string, string> = { 'org.opencontainers.image.source': 'https://github.com/acme/app' }) =>
  evidence(about, { config: { user, labels, platform: 'linux/amd64' } }, { kind: 'image', format: 'oci-config' });

describe('image rule', () => {
  it('passes for a non-root user with the required label', () => {
    const result = evaluate(input(singleImage(), [config([SINGLE], '65532:65532')]), policyWith({ image: rule() }), NOW).results[0]!;
    expect(result).toMatchObject({ rule: 'image', status: 'pass', reason: 'runs as user "65532:65532"; has label org.opencontainers.image.source' });
  });

  it('fails for root, however it is written', () => {
    for (const user of ['', 'root', '0', '0:0', 'root:root', '0:1000', ' 00 ']) {
      const result = evaluate(input(singleImage(), [config([SINGLE], user)]), policyWith({ image: rule() }), NOW).results[0]!;
      expect(result.status, user).toBe('fail');
      expect(result.reason).toMatch(/runs as root/);
    }
  });

  it('knows non-root users', () => {
    for (const user of ['1000', 'nobody', 'app:app', '65532']) expect(runsAsRoot(user), user).toBe(false);
  });

  it('fails for a missing or empty required label, naming it', () => {
    const result = evaluate(
      input(singleImage(), [config([SINGLE], '1000', { 'org.opencontainers.image.source': ' ' })]),
      policyWith({ image: rule({ requiredLabels: ['org.opencontainers.image.source', 'org.opencontainers.image.revision'] }) }),
      NOW,
    ).results[0]!;
    expect(result).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/missing labels org.opencontainers.image.source, org.opencontainers.image.revision/),
    });
  });

  it('judges every platform of an index and fails closed where the config is not available', () => {
    const decision = evaluate(input(twoPlatformIndex(), [config([AMD64], '1000')]), policyWith({ image: rule() }), NOW);
    expect(decision.results.map((r) => [r.platform, r.digest, r.status])).toEqual([
      ['linux/amd64', AMD64, 'pass'],
      ['linux/arm64', ARM64, 'fail'],
    ]);
    expect(decision.results[1]!.reason).toMatch(/image config of linux\/arm64 .* is not available/);
  });

  it('in warn mode a root image warns and the gate passes', () => {
    const decision = evaluate(input(singleImage(), [config([SINGLE], 'root')]), policyWith({ image: rule({ mode: 'warn' }) }), NOW);
    expect(decision.pass).toBe(true);
    expect(decision.results[0]!.status).toBe('warn');
  });
});
