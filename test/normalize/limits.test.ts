import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, withLimits } from '../../src/lib/limits.js';
import { normalize } from '../../src/normalize/normalize.js';

/** Size and shape limits: beyond them a clear problem, never a crash or a hang. */

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

describe('limits', () => {
  it('documents its defaults and lets a run override them', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxBytes: 512 * 1024 * 1024, maxDepth: 256, maxArrayLength: 5_000_000 });
    expect(withLimits({ maxDepth: 10 })).toEqual({ ...DEFAULT_LIMITS, maxDepth: 10 });
  });

  it('refuses input over maxBytes before reading it', () => {
    const { value, ms } = timed(() => normalize({ bytes: Buffer.alloc(2048, 0x20) }, { limits: { maxBytes: 1024 } }));
    expect(value.valid).toBe(false);
    expect(value.problems).toEqual([expect.objectContaining({ code: 'too-large', path: '' })]);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses deeply nested JSON (100 000 levels) quickly', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const { value, ms } = timed(() => normalize({ bytes: Buffer.from(deep) }));
    expect(value.problems.map((p) => p.code)).toEqual(['json-too-deep']);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses deeply nested objects inside an evidence document', () => {
    const nested = '{"a":'.repeat(300) + '1' + '}'.repeat(300);
    const doc = `{"spdxVersion":"SPDX-2.3","x":${nested}}`;
    const result = normalize({ bytes: Buffer.from(doc) });
    expect(result.problems.map((p) => p.code)).toEqual(['json-too-deep']);
  });

  it('refuses arrays longer than maxArrayLength', () => {
    const array = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${Array.from({ length: 2001 }, () => '{}').join(',')}]}`;
    const result = normalize({ bytes: Buffer.from(array) }, { limits: { maxArrayLength: 2000 } });
    expect(result.problems.map((p) => p.code)).toEqual(['json-array-too-long']);
  });

  it('applies the limits to a DSSE payload as well', () => {
    const statement = '{"_type":"https://in-toto.io/Statement/v1","x":' + '['.repeat(50) + ']'.repeat(50) + '}';
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(statement).toString('base64'), signatures: [{ sig: 'c2ln' }] };
    const result = normalize({ bytes: Buffer.from(JSON.stringify(envelope)) }, { limits: { maxDepth: 20 } });
    expect(result.format).toBe('dsse');
    expect(result.problems).toContainEqual(expect.objectContaining({ code: 'dsse-payload-not-json', path: '/payload' }));
  });

  it('handles a huge array of components within the limits without hanging', () => {
    const components = Array.from({ length: 200_000 }, (_, i) => ({
      type: 'library',
      name: `c${i}`,
      version: '1.0.0',
      licenses: [{ license: { id: 'MIT' } }],
    }));
    const doc = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components });
    const { value, ms } = timed(() => normalize({ bytes: Buffer.from(doc) }));
    expect(value.valid).toBe(true);
    expect(value.summary).toMatchObject({ componentCount: 200_000, licenseCount: 1 });
    expect(ms).toBeLessThan(30_000);
  });

  it('reports empty input and malformed JSON as problems, not exceptions', () => {
    expect(normalize({ bytes: new Uint8Array() }).problems).toEqual([expect.objectContaining({ code: 'empty' })]);
    expect(normalize({ bytes: Buffer.from('{"spdxVersion": "SPDX-2.3",') }).problems).toEqual([expect.objectContaining({ code: 'json-invalid' })]);
    expect(normalize({ bytes: Buffer.from('"\\'), mediaType: 'application/json' }).problems[0]?.code).toBe('json-invalid');
  });

  it('survives a very long string and a long unterminated string', () => {
    const long = JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'x'.repeat(5_000_000) });
    expect(() => normalize({ bytes: Buffer.from(long) })).not.toThrow();
    expect(normalize({ bytes: Buffer.from('{"a":"' + 'x'.repeat(1_000_000)) }).problems[0]?.code).toBe('json-invalid');
  });
});
