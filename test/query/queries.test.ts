import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_DIGEST, runCli, tempDir } from '../helpers/cli.js';
import { LAYOUT, LAYOUT_DIGEST, SLSA, SLSA_DIGEST, SHOP, archiveDay, queryJson } from './fixture.js';

/**
 * Every question against one real archive of three days:
 * 2026-04-01 layout + shop (SBOM, Trivy scan, provenance; no signature);
 * 2026-04-02 layout + shop with an OpenVEX statement + the corpus's cosign-saved layout;
 * 2026-04-03 layout.
 */
let root: string;
const SHOP_IMAGE = `images/registry.example/acme/shop/sha256-${EXAMPLE_DIGEST.slice(7)}`;

beforeAll(async () => {
  root = await tempDir('custody-query-');
  await archiveDay(root, '2026-04-01', ['layout', 'shop']);
  await archiveDay(root, '2026-04-02', ['layout', 'shop-vex', 'slsa']);
  await archiveDay(root, '2026-04-03', ['layout']);
}, 180_000);

describe('custody query', () => {
  it('builds the index first when there is none, and says so on stderr', async () => {
    const result = await runCli(['query', 'missing', 'signature', '--root', root]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^custody: index: built from 3 day\(s\) because there was no index yet: 6 image manifest\(s\) checked/);
    // The second time the index is up to date: nothing on stderr.
    const again = await runCli(['query', 'missing', 'signature', '--root', root]);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(result.stdout);
  });

  describe('package', () => {
    it('by name: which images, which days, which SBOM', async () => {
      const { code, answer } = await queryJson(root, 'package', 'openssl');
      expect(code).toBe(0);
      expect(answer!.rows).toEqual([
        {
          date: '2026-04-01',
          ref: SHOP,
          digest: EXAMPLE_DIGEST,
          name: 'openssl',
          version: '3.0.15-1~deb12u1',
          purl: 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?distro=debian-12',
          sbom: expect.stringMatching(new RegExp(`^2026-04-01/${SHOP_IMAGE}/evidence/sbom-spdx-[0-9a-f]{12}\\.json$`)),
          format: 'spdx',
          valid: true,
        },
        expect.objectContaining({ date: '2026-04-02', name: 'openssl', format: 'spdx' }),
      ]);
    });

    it('by purl, with or without a version, case-insensitively', async () => {
      for (const purl of [
        'pkg:deb/debian/openssl',
        'pkg:deb/debian/openssl@3.0.15-1~deb12u1',
        'pkg:deb/Debian/OpenSSL',
        'pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64',
      ]) {
        const { code, answer } = await queryJson(root, 'package', purl);
        expect(code, purl).toBe(0);
        expect(answer!.rows.map((r) => r.date)).toEqual(['2026-04-01', '2026-04-02']);
      }
      const other = await queryJson(root, 'package', 'pkg:deb/debian/openssl@3.0.14');
      expect(other.code).toBe(1);
      expect(other.answer!.rows).toEqual([]);
    });

    it('--version: comparators, exact, alternatives', async () => {
      const cases: [string, number][] = [
        ['>=3.0.0 <3.1', 2],
        ['=3.0.15-1~deb12u1', 2],
        ['3.0.15-1~deb12u1', 2],
        ['<3.0.15', 0],
        ['>=4 || <3', 0],
        ['>=4 || >=3.0.15', 2],
      ];
      for (const [range, rows] of cases) {
        const { code, answer } = await queryJson(root, 'package', 'openssl', '--version', range);
        expect(answer!.rows.length, range).toBe(rows);
        expect(code, range).toBe(rows > 0 ? 0 : 1);
      }
    });

    it('finds a package in every SBOM that lists it, SPDX and CycloneDX alike', async () => {
      const purl = 'pkg:apk/alpine/busybox@1.36.1-r15';
      const byName = await queryJson(root, 'package', 'busybox', '--since', '2026-04-03');
      expect(byName.answer!.rows.map((r) => [r.date, r.ref, r.format, r.version, r.purl])).toEqual([
        ['2026-04-03', LAYOUT, 'cyclonedx', '1.36.1-r15', purl],
        ['2026-04-03', LAYOUT, 'spdx', '1.36.1-r15', purl],
      ]);
      const byPurl = await queryJson(root, 'package', 'pkg:apk/alpine/busybox', '--since', '2026-04-03');
      expect(byPurl.answer!.rows.map((r) => r.format)).toEqual(['cyclonedx', 'spdx']);
    });
  });

  describe('vuln', () => {
    it('which images had it, on which days, its severity and its VEX status', async () => {
      const { code, answer } = await queryJson(root, 'vuln', 'CVE-2023-45853');
      expect(code).toBe(0);
      expect(answer!.rows).toEqual([
        expect.objectContaining({
          date: '2026-04-01',
          ref: SHOP,
          vulnerability: 'CVE-2023-45853',
          severity: 'CRITICAL',
          package: 'zlib1g',
          version: '1:1.2.13.dfsg-1',
          vex: null,
          scanner: 'trivy',
          valid: true,
        }),
        expect.objectContaining({
          date: '2026-04-02',
          ref: SHOP,
          severity: 'CRITICAL',
          vex: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          vex_document: expect.stringMatching(new RegExp(`^2026-04-02/${SHOP_IMAGE}/evidence/vex-openvex-[0-9a-f]{12}\\.json$`)),
          scan: expect.stringMatching(/\/evidence\/scan-trivy-[0-9a-f]{12}\.json$/),
        }),
      ]);
    });

    it('matches ids in any case; an unknown id exits 1 with a line on stderr', async () => {
      const lower = await queryJson(root, 'vuln', 'cve-2024-9143');
      expect(lower.answer!.rows.map((r) => [r.date, r.severity, r.vex])).toEqual([
        ['2026-04-01', 'LOW', null],
        ['2026-04-02', 'LOW', null],
      ]);
      const none = await runCli(['query', 'vuln', 'CVE-1999-0001', '--root', root]);
      expect(none.code).toBe(1);
      expect(none.stdout).toBe('');
      expect(none.stderr).toBe('custody: nothing found: no scan reports CVE-1999-0001 (3 day(s), 2026-04-01 to 2026-04-03)\n');
    });
  });

  describe('missing', () => {
    it('signature: the shop (evidence files only) and the corpus layout (an attestation, no signature)', async () => {
      const { code, answer } = await queryJson(root, 'missing', 'signature');
      expect(code).toBe(0);
      expect(answer!.rows.map((r) => [r.date, r.ref, r.found])).toEqual([
        ['2026-04-01', SHOP, 'none'],
        ...[SLSA, SHOP].sort().map((ref) => ['2026-04-02', ref, 'none']),
      ]);
    });

    it('sbom, provenance, scan', async () => {
      const sbom = await queryJson(root, 'missing', 'sbom');
      expect(sbom.answer!.rows.map((r) => r.ref)).toEqual([SLSA]);
      const scan = await queryJson(root, 'missing', 'scan');
      // Rows are in order of day, then reference.
      const expected = [`2026-04-01 ${LAYOUT}`, ...[LAYOUT, SLSA].sort().map((ref) => `2026-04-02 ${ref}`), `2026-04-03 ${LAYOUT}`];
      expect(scan.answer!.rows.map((r) => `${r.date} ${r.ref}`)).toEqual(expected);
      // Every image has valid provenance (the corpus layout's in a signed DSSE envelope): nothing found, exit 1.
      const provenance = await queryJson(root, 'missing', 'provenance');
      expect(provenance.code).toBe(1);
      expect(provenance.answer!.rows).toEqual([]);
    });

    it('--since and --until keep to the days asked for', async () => {
      const { answer } = await queryJson(root, 'missing', 'signature', '--since', '2026-04-02', '--until', '2026-04-02');
      expect(answer!.rows.map((r) => r.date)).toEqual(['2026-04-02', '2026-04-02']);
      expect(answer!.days).toEqual({ count: 1, first: '2026-04-02', last: '2026-04-02' });
    });
  });

  describe('image', () => {
    it("an image's history across days: digest, signature verdict and signer, SBOMs, provenance", async () => {
      const { code, answer } = await queryJson(root, 'image', LAYOUT);
      expect(code).toBe(0);
      expect(answer!.rows).toHaveLength(3);
      expect(answer!.rows[0]).toEqual({
        date: '2026-04-01',
        ref: LAYOUT,
        digest: LAYOUT_DIGEST,
        digest_changed: false,
        status: 'ok',
        signature: expect.stringMatching(/^verified: key [0-9a-f]{64}$/),
        sbom: 'cyclonedx (1 components); spdx (2 components)',
        provenance: 'https://example.com/custody/builder',
        scan: 'none',
        vex: 0,
        evidence: 10,
        invalid: 0,
      });
    });

    it('by repository (every tag), by digest, by a platform digest; scan severities; VEX statements', async () => {
      const shop = await queryJson(root, 'image', 'registry.example/acme/shop');
      expect(shop.answer!.rows.map((r) => [r.date, r.signature, r.scan, r.vex])).toEqual([
        ['2026-04-01', 'none', 'trivy: 1 CRITICAL, 1 LOW', 0],
        ['2026-04-02', 'none', 'trivy: 1 CRITICAL, 1 LOW', 1],
      ]);
      const byDigest = await queryJson(root, 'image', SLSA_DIGEST);
      // Its BuildKit provenance is valid, with a recorded deviation.
      expect(byDigest.answer!.rows.map((r) => [r.ref, r.invalid, r.signature])).toEqual([[SLSA, 0, 'none']]);
      const platform = await queryJson(root, 'image', 'sha256:d1fc0de9c6a33e502c488221644de1736c53d8ddb59b0e41b4946fb26af50e69');
      expect(platform.answer!.rows.map((r) => r.digest)).toEqual([SLSA_DIGEST]);
      const tag = await queryJson(root, 'image', `${LAYOUT.slice(0, -4)}:2.0`);
      expect(tag.code).toBe(1);
    });
  });

  describe('formats', () => {
    it('csv: a header, CRLF lines, quoted fields, the same rows as json', async () => {
      const csv = await runCli(['query', 'image', 'registry.example/acme/shop', '--root', root, '--format', 'csv']);
      expect(csv.code).toBe(0);
      const lines = csv.stdout.split('\r\n');
      expect(lines[0]).toBe('date,ref,digest,digest_changed,status,signature,sbom,provenance,scan,vex,evidence,invalid');
      expect(lines[1]).toBe(
        `2026-04-01,${SHOP},${EXAMPLE_DIGEST},false,ok,none,spdx (4 components),https://ci.example/builders/container@v2,"trivy: 1 CRITICAL, 1 LOW",0,3,0`,
      );
      expect(lines.at(-1)).toBe('');
      expect(lines).toHaveLength(4);
    });

    it('text: a padded table with short digests; --json is --format json', async () => {
      const text = await runCli(['query', 'vuln', 'CVE-2023-45853', '--root', root]);
      const lines = text.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^DATE {8}REF +DIGEST +VULNERABILITY +SEVERITY/);
      expect(lines[1]).toContain(`sha256:${EXAMPLE_DIGEST.slice(7, 19)}…`);
      expect(lines[1]).not.toContain(EXAMPLE_DIGEST);
      expect(lines[2]).toMatch(/ not_affected +vulnerable_code_not_in_execute_path /);
      const json = await runCli(['query', 'vuln', 'CVE-2023-45853', '--root', root, '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ query: { kind: 'vuln', id: 'CVE-2023-45853' }, columns: expect.any(Array), days: { count: 3 } });
    });
  });

  describe('bad input exits 2 with one line naming it, before any index is made', () => {
    const cases: [string[], RegExp][] = [
      [['query', 'package', 'openssl', '--since', '2026-02-30'], /^custody: --since takes a date YYYY-MM-DD, got "2026-02-30", which is not a calendar date/],
      [['query', 'package', 'openssl', '--until', 'yesterday'], /^custody: --until takes a date YYYY-MM-DD, got "yesterday"/],
      [['query', 'package', 'openssl', '--since', '2026-05-01', '--until', '2026-04-01'], /--since 2026-05-01 is after --until 2026-04-01/],
      [['query', 'package', 'openssl', '--version', '>>2'], /--version ">>2": ">>2" is not a comparator/],
      [['query', 'package', 'openssl', '--version', '>=1 ||'], /an empty alternative/],
      [['query', 'package', 'pkg:npm'], /is not a purl/],
      [['query', 'package', 'pkg:npm/a@1', '--version', '>=1'], /in the purl or with --version, not both/],
      [['query', 'vuln', 'not an id'], /is not a vulnerability id/],
      [
        ['query', 'missing', 'everything'],
        /^custody: WHAT takes one of signature, sbom, provenance, scan, got "everything" \(custody query missing --help\)$/m,
      ],
      [['query', 'image', 'Registry.Example/UPPER'], /invalid image reference/],
      [['query', 'image'], /^custody: missing REF for custody query image: .* \(custody query image --help\)$/m],
      [['query'], /name a question: custody query package\|vuln\|missing\|image/],
      [['query', 'package', 'openssl', '--format', 'xml'], /^custody: --format takes one of text, json, csv, got "xml"/],
      [['query', 'package', 'openssl', '--bogus'], /^custody: unknown flag --bogus for custody query/],
    ];
    for (const [args, message] of cases) {
      it(args.join(' '), async () => {
        const empty = await tempDir('custody-query-bad-');
        const result = await runCli([...args, '--root', empty]);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(message);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(existsSync(join(empty, '.custody-index'))).toBe(false);
      });
    }

    it('a root that is not an archive (a day folder given instead), or is missing', async () => {
      const day = await runCli(['query', 'missing', 'sbom', '--root', join(root, '2026-04-01')]);
      expect(day.code).toBe(2);
      expect(day.stderr).toMatch(/is not a custody archive root: no YYYY-MM-DD day folders \(it looks like a day folder; give the archive root\)/);
      const missing = await runCli(['query', 'missing', 'sbom', '--root', join(root, 'nowhere')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/cannot read the archive root .*nowhere: ENOENT/);
      const other = await tempDir('custody-query-other-');
      await mkdir(join(other, 'src'));
      const notArchive = await runCli(['index', other]);
      expect(notArchive.code).toBe(2);
      expect(notArchive.stderr).toMatch(/is not a custody archive root/);
    });
  });

  it('--help for index, query and each question', async () => {
    for (const args of [['index'], ['query'], ['query', 'package'], ['query', 'vuln'], ['query', 'missing'], ['query', 'image']]) {
      const result = await runCli([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toMatch(new RegExp(`custody ${args.join(' ')}`));
    }
    const pkg = await runCli(['query', 'package', '--help']);
    expect(pkg.stdout).toMatch(/--version RANGE +query package: version range/);
    expect(pkg.stdout).toMatch(/--format .*\[choices: "text", "json", "csv"\]/);
  });
});
