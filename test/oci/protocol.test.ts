import { describe, expect, it } from 'vitest';
import { apiHost, isLoopback, plainHttpAllowed } from '../../src/oci/registry/endpoint.js';
import { nextLink } from '../../src/oci/registry/link.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../src/oci/registry/retry.js';
import { parseWwwAuthenticate } from '../../src/oci/registry/www-authenticate.js';
import { cosignTags, referrersTag } from '../../src/oci/tag-schemas.js';

describe('WWW-Authenticate', () => {
  it('reads a Docker Hub style Bearer challenge, with commas inside a quoted scope', () => {
    expect(
      parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"'),
    ).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull,push' } },
    ]);
  });

  it('reads several challenges, token values, escapes and odd spacing', () => {
    expect(parseWwwAuthenticate('Basic realm="a \\"quoted\\" realm" , Bearer realm=https://t.example/token, service = reg')).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      { scheme: 'bearer', params: { realm: 'https://t.example/token', service: 'reg' } },
    ]);
    expect(parseWwwAuthenticate(['Basic realm="x"', 'Bearer realm="y"']).map((c) => c.scheme)).toEqual(['basic', 'bearer']);
  });

  it('survives garbage, unterminated quotes and huge headers without throwing', () => {
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('=,,=="')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="never ends')).toEqual([{ scheme: 'bearer', params: { realm: 'never ends' } }]);
    const huge = parseWwwAuthenticate(`Bearer ${Array.from({ length: 5000 }, (_, i) => `p${i}="v"`).join(',')}`);
    expect(Object.keys(huge[0]!.params).length).toBeLessThanOrEqual(32);
  });
});

describe('Retry-After and backoff', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates, never negative, undefined for garbage', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(800);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(1000, policy, () => 0.5)).toBe(750);
  });

  it('retries 5xx (not 501), 408 and 429 only', () => {
    expect([500, 502, 503, 504, 408, 429].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 501].some(isRetryableStatus)).toBe(false);
  });
});

describe('Link pagination', () => {
  const base = new URL('https://r.example/v2/app/referrers/sha256:abc');
  it('follows relative and same-origin next links only', () => {
    expect(String(nextLink('</v2/app/referrers/sha256:abc?last=x>; rel="next"', base))).toBe('https://r.example/v2/app/referrers/sha256:abc?last=x');
    expect(String(nextLink('<https://r.example/v2/app/tags/list?n=2&last=b>; rel=next', base))).toBe('https://r.example/v2/app/tags/list?n=2&last=b');
    expect(String(nextLink('</a>; rel="prev", </b>; rel="next"', base))).toBe('https://r.example/b');
    expect(nextLink('<https://evil.example/steal>; rel="next"', base)).toBe('cross-origin');
    expect(nextLink('</a>; rel="prev"', base)).toBeUndefined();
    expect(nextLink(undefined, base)).toBeUndefined();
  });
});

describe('registry hosts', () => {
  it('maps docker.io to its API host and allows plain HTTP only for loopback or insecure', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    expect(apiHost('ghcr.io')).toBe('ghcr.io');
    for (const host of ['localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]:5000', '::1', 'foo.localhost']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['128.0.0.1', 'localhost.example.com:5000', '10.0.0.1', '[::2]:5000', 'ghcr.io']) expect(isLoopback(host), host).toBe(false);
    expect(plainHttpAllowed('registry.internal:5000', false)).toBe(false);
    expect(plainHttpAllowed('registry.internal:5000', true)).toBe(true);
  });
});

describe('tag schemas', () => {
  it('referrers tag: <alg>-<encoded>, truncated to 32 and 64 characters, other characters replaced', () => {
    const hex = 'a'.repeat(64);
    expect(referrersTag(`sha256:${hex}`)).toBe(`sha256-${hex}`);
    expect(referrersTag(`sha512:${'b'.repeat(128)}`)).toBe(`sha512-${'b'.repeat(64)}`);
    expect(referrersTag(`${'x'.repeat(40)}+y:${'c'.repeat(70)}=`)).toBe(`${'x'.repeat(32)}-${'c'.repeat(64)}`);
    expect(referrersTag('sha256+b64u:abc=')).toBe('sha256-b64u-abc-');
  });

  it('cosign tags: sha256-<hex>.sig/.att/.sbom; none for sha512 (longer than a tag may be)', () => {
    const hex = 'd'.repeat(64);
    expect(cosignTags(`sha256:${hex}`).map((t) => t.tag)).toEqual([`sha256-${hex}.sig`, `sha256-${hex}.att`, `sha256-${hex}.sbom`]);
    expect(cosignTags(`sha512:${'e'.repeat(128)}`)).toEqual([]);
  });
});
