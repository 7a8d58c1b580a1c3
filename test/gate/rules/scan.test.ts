import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/gate/evaluate.js';
import type { Finding } from '../../../src/gate/facts/findings.js';
import type { VexStatement } from '../../../src/gate/facts/openvex.js';
import type { ScanRule } from '../../../src/gate/policy/types.js';
import {
  AMD64,
  ARM64,
  digest,
  evidence,
  finding,
  input,
  KEY_SIGNERS,
  NOW,
  policyWith,
  rejected,
  singleImage,
  SINGLE,
  twoPlatformIndex,
  verified,
} from '../helpers/evidence.js';

const rule = (extra: Partial<ScanRule> = {}): ScanRule => ({
  mode: 'enforce',
  maxAgeDays: 7,
  failOn: 'CRITICAL',
  failOnUnknown: false,
  scope: 'image',
  allow: [],
  vexSigners: KEY_SIGNERS,
  ...extra,
});
const report = (about: string[], scannedAt: string | undefined, findings: Finding[], extra = {}) =>
  evidence(
    about,
    { scan: { format: 'trivy', scanner: 'trivy 0.58.0', findings, ...(scannedAt ? { scannedAt } : {}) } },
    { kind: 'scan', format: 'trivy', ...extra },
  );
const fresh = '2026-06-14T08:00:00.000Z';
const critical = finding('CVE-2026-0001', 'CRITICAL');
const statement = (vulnerability: string, status: VexStatement['status'], productDigest = SINGLE, extra: Partial<VexStatement> = {}): VexStatement => ({
  vulnerability,
  aliases: [],
  products: [{ id: `pkg:oci/app@${encodeURIComponent(productDigest)}`, digests: [], subcomponents: [] }],
  status,
  ...extra,
});
const vexDoc = (statements: VexStatement[], verdicts: ReturnType<typeof verified>[] | undefined, signed = true) =>
  evidence(
    [SINGLE],
    { vex: { statements }, ...(signed ? { signed: { format: 'dsse' as const, purpose: 'attestation' as const, claims: [SINGLE] } } : {}) },
    { kind: 'attestation', ...(verdicts ? { verdicts: { vex: verdicts } } : {}) },
  );
const scan = (items: ReturnType<typeof evidence>[], r = rule(), subject = singleImage()) =>
  evaluate(input(subject, items), policyWith({ scan: r }), NOW).results;

describe('scan rule', () => {
  it('passes with a fresh report and nothing at or above the threshold', () => {
    const [result] = scan([report([SINGLE], fresh, [finding('CVE-2026-0002', 'HIGH')])]);
    expect(result).toMatchObject({
      rule: 'scan',
      status: 'pass',
      reason: expect.stringMatching(/^no finding at or above CRITICAL in 1 fresh report\(s\) by trivy 0.58.0/),
    });
  });

  it('fails on a CRITICAL finding, naming it and its package', () => {
    const [result] = scan([report([SINGLE], fresh, [critical, finding('CVE-2026-0002', 'HIGH')])]);
    expect(result).toMatchObject({ status: 'fail', reason: '1 finding(s) at or above CRITICAL: CVE-2026-0001 (CRITICAL, openssl 3.0.1-r0)' });
    expect(result!.details.blocking).toEqual([
      { id: 'CVE-2026-0001', severity: 'CRITICAL', package: 'pkg:apk/alpine/openssl@3.0.1-r0?arch=x86_64', version: '3.0.1-r0' },
    ]);
  });

  it('failOn HIGH counts HIGH and CRITICAL', () => {
    const [result] = scan(
      [report([SINGLE], fresh, [critical, finding('CVE-2026-0002', 'HIGH'), finding('CVE-2026-0003', 'MEDIUM')])],
      rule({ failOn: 'HIGH' }),
    );
    expect(result!.reason).toMatch(/^2 finding\(s\) at or above HIGH: CVE-2026-0001 \(CRITICAL/);
  });

  it('fails on a stale report, with its age and the allowed age', () => {
    const [result] = scan([report([SINGLE], '2026-06-01T00:00:00Z', [])]);
    expect(result).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(
        /no fresh scan report for the image .*: .* is 14\.5 days old \(scanned 2026-06-01T00:00:00(\.000)?Z by trivy 0.58.0\); the policy allows 7/,
      ),
    });
  });

  it('fails closed on a report that states no scan time when an age is required', () => {
    const [result] = scan([report([SINGLE], undefined, [])]);
    expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/states no scan time/) });
    // Without maxAgeDays the same report is judged on its findings.
    expect(scan([report([SINGLE], undefined, [])], rule({ maxAgeDays: undefined }))[0]!.status).toBe('pass');
  });

  it('fails closed on a scan time in the future', () => {
    expect(scan([report([SINGLE], '2026-07-01T00:00:00Z', [])])[0]!.reason).toMatch(/claims a scan time in the future/);
  });

  it('judges only fresh reports when stale ones are there too', () => {
    const [result] = scan([report([SINGLE], '2025-01-01T00:00:00Z', [critical]), report([SINGLE], fresh, [])]);
    expect(result!.status).toBe('pass');
  });

  it('fails when there is no report, and when the only report is invalid', () => {
    expect(scan([])[0]).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^no vulnerability scan report for the image/) });
    const invalid = report([SINGLE], fresh, [], { valid: false, problems: [{ code: 'schema-type', path: '/Results', message: '/Results must be array' }] });
    expect(scan([invalid])[0]).toMatchObject({ status: 'fail', reason: expect.stringMatching(/no usable scan report .* invalid: \/Results must be array/) });
  });

  describe('VEX', () => {
    it('a VERIFIED OpenVEX not_affected statement suppresses the finding', () => {
      const [result] = scan([report([SINGLE], fresh, [critical]), vexDoc([statement('CVE-2026-0001', 'not_affected')], [verified(SINGLE)])]);
      expect(result).toMatchObject({ status: 'pass', reason: expect.stringMatching(/1 suppressed by verified VEX/) });
      expect(result!.details.suppressedByVex).toEqual([expect.objectContaining({ id: 'CVE-2026-0001', status: 'not_affected' })]);
    });

    it('a verified fixed statement suppresses too', () => {
      expect(scan([report([SINGLE], fresh, [critical]), vexDoc([statement('CVE-2026-0001', 'fixed')], [verified(SINGLE)])])[0]!.status).toBe('pass');
    });

    it('an UNVERIFIED VEX document suppresses nothing, and the reason says so', () => {
      const [result] = scan([
        report([SINGLE], fresh, [critical]),
        vexDoc([statement('CVE-2026-0001', 'not_affected')], [rejected(SINGLE, 'signature-invalid', 'does not verify')]),
      ]);
      expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/CVE-2026-0001 .*1 VEX document\(s\) not applied: not verified/) });
      expect(result!.details.unverifiedVex).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^signature-invalid/) })]);
    });

    it('an unsigned OpenVEX file suppresses nothing', () => {
      const [result] = scan([report([SINGLE], fresh, [critical]), vexDoc([statement('CVE-2026-0001', 'not_affected')], undefined, false)]);
      expect(result!.status).toBe('fail');
      expect(result!.details.unverifiedVex).toEqual([expect.objectContaining({ reason: 'unsigned OpenVEX document' })]);
    });

    it('a statement about another image suppresses nothing', () => {
      expect(
        scan([report([SINGLE], fresh, [critical]), vexDoc([statement('CVE-2026-0001', 'not_affected', digest('other'))], [verified(SINGLE)])])[0]!.status,
      ).toBe('fail');
    });

    it('the latest statement wins: affected after not_affected counts the finding', () => {
      const statements = [
        statement('CVE-2026-0001', 'not_affected', SINGLE, { timestamp: '2026-01-01T00:00:00.000Z' }),
        statement('CVE-2026-0001', 'affected', SINGLE, { timestamp: '2026-03-01T00:00:00.000Z' }),
      ];
      expect(scan([report([SINGLE], fresh, [critical]), vexDoc(statements, [verified(SINGLE)])])[0]!.status).toBe('fail');
    });

    it('subcomponents must name the vulnerable package', () => {
      const scoped = (purl: string) =>
        statement('CVE-2026-0001', 'not_affected', SINGLE, {
          products: [{ id: `pkg:oci/app@${encodeURIComponent(SINGLE)}`, digests: [], subcomponents: [purl] }],
        });
      expect(scan([report([SINGLE], fresh, [critical]), vexDoc([scoped('pkg:apk/alpine/openssl')], [verified(SINGLE)])])[0]!.status).toBe('pass');
      expect(scan([report([SINGLE], fresh, [critical]), vexDoc([scoped('pkg:apk/alpine/zlib')], [verified(SINGLE)])])[0]!.status).toBe('fail');
      expect(scan([report([SINGLE], fresh, [critical]), vexDoc([scoped('pkg:apk/alpine/openssl@9.9.9')], [verified(SINGLE)])])[0]!.status).toBe('fail');
    });

    it('matches by alias (a GHSA finding, a CVE statement)', () => {
      const ghsa: Finding = { ...critical, id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2026-0001'] };
      expect(scan([report([SINGLE], fresh, [ghsa]), vexDoc([statement('CVE-2026-0001', 'not_affected')], [verified(SINGLE)])])[0]!.status).toBe('pass');
    });
  });

  describe('allow-list', () => {
    it('an unexpired entry allows the finding', () => {
      const [result] = scan(
        [report([SINGLE], fresh, [critical])],
        rule({ allow: [{ id: 'CVE-2026-0001', expires: '2027-01-01', reason: 'no fix upstream' }] }),
      );
      expect(result).toMatchObject({ status: 'pass', reason: expect.stringMatching(/1 allowed/) });
      expect(result!.details.allowed).toEqual([expect.objectContaining({ id: 'CVE-2026-0001', allowedUntil: '2027-01-01', reason: 'no fix upstream' })]);
    });

    it('an expired entry allows nothing and is named in the reason', () => {
      const [result] = scan(
        [report([SINGLE], fresh, [critical])],
        rule({ allow: [{ id: 'CVE-2026-0001', expires: '2026-06-01', reason: 'no fix upstream' }] }),
      );
      expect(result).toMatchObject({ status: 'fail', reason: expect.stringMatching(/CVE-2026-0001 .*allow-list CVE-2026-0001 expired 2026-06-01/) });
      expect(result!.details.expiredAllowEntries).toEqual([{ id: 'CVE-2026-0001', expires: '2026-06-01', reason: 'no fix upstream' }]);
    });

    it('an entry expires at 00:00 UTC of its date', () => {
      const entry = { id: 'CVE-2026-0001', expires: '2026-06-16', reason: 'r' };
      const at = (iso: string) =>
        evaluate(input(singleImage(), [report([SINGLE], fresh, [critical])]), policyWith({ scan: rule({ allow: [entry] }) }), new Date(iso)).results[0]!.status;
      expect(at('2026-06-15T23:59:59Z')).toBe('pass');
      expect(at('2026-06-16T00:00:00Z')).toBe('fail');
    });

    it('an expired entry that matches nothing is still reported', () => {
      const [result] = scan([report([SINGLE], fresh, [])], rule({ allow: [{ id: 'CVE-2020-1', expires: '2021-01-01', reason: 'old' }] }));
      expect(result).toMatchObject({ status: 'pass', reason: expect.stringMatching(/allow-list entry CVE-2020-1 expired 2021-01-01/) });
    });
  });

  it('failOnUnknown counts findings without a severity', () => {
    const unknown = finding('CVE-2026-0009', 'UNKNOWN');
    expect(scan([report([SINGLE], fresh, [unknown])])[0]!.status).toBe('pass');
    expect(scan([report([SINGLE], fresh, [unknown])], rule({ failOnUnknown: true }))[0]!.status).toBe('fail');
  });

  it('scope every-platform needs a fresh report per platform (index reports count for both)', () => {
    const results = scan([report([AMD64], fresh, [])], rule({ scope: 'every-platform' }), twoPlatformIndex());
    expect(results.map((r) => [r.platform, r.digest, r.status])).toEqual([
      ['linux/amd64', AMD64, 'pass'],
      ['linux/arm64', ARM64, 'fail'],
    ]);
  });
});
