import { appendFile, cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/report/index.js';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { D1, D2, EXAMPLE_KEY, LAYOUT_REF, SHOP_REF, demoRoot, imagePathOf, sha256 } from './fixture.js';

let root: string;
let out: string;

beforeAll(async () => {
  root = await demoRoot();
  out = join(await tempDir('custody-report-out-'), 'report.html');
}, 60_000);

/** The text of the verdict section, and where it sits in the page. */
function verdictOf(page: string): { text: string; at: number } {
  const at = page.indexOf('<section id="verdict"');
  return { text: page.slice(at, page.indexOf('</section>', at)), at };
}

async function copyRoot(): Promise<string> {
  const copy = join(await tempDir('custody-report-copy-'), 'root');
  await cp(root, copy, { recursive: true });
  return copy;
}

describe('custody report', () => {
  it('verifies, writes one page and prints its sha256 (exit 0)', async () => {
    const result = await runCli(['report', root, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const page = await readFile(out);
    expect(result.stdout).toContain(`report    ${out}  sha256 ${sha256(page)}`);
    expect(result.stdout).toMatch(/^verify {4}OK {2}\d+ files re-hashed, \d+ signature\(s\) re-verified, chain pass, 0 of 2 day\(s\) sealed, 0 problem\(s\)$/m);
    const text = page.toString('utf8');
    const verdict = verdictOf(text);
    expect(verdict.text).toContain('class="verdict pass"');
    expect(verdict.at).toBeLessThan(text.indexOf('id="coverage"'));
    // Every day manifest covered, by its real sha256.
    for (const date of [D1, D2]) expect(text).toContain(sha256(await readFile(join(root, date, 'manifest.json'))));
    expect(text).toContain(LAYOUT_REF);
    expect(text).toContain(SHOP_REF);
  });

  it('says what each image has: signer, SBOM per platform, provenance, scan', async () => {
    const result = await runCli(['report', root, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    expect(report.range).toMatchObject({ firstDay: D1, lastDay: D2, days: 2 });
    expect(report.days.map((d) => [d.date, d.images, d.signed, d.withSbom, d.withProvenance, d.scanned, d.critical])).toEqual([
      [D1, 1, 1, 1, 1, 0, 0],
      [D2, 2, 1, 2, 2, 1, 1],
    ]);
    const layout = report.images.find((i) => i.ref === LAYOUT_REF)!;
    expect(layout.days).toBe(2);
    expect(layout.timeline).toBe('PP');
    expect(layout.latest.signed.signers).toEqual([{ identity: expect.stringMatching(/^key 98a2d3560b254454/), verified: true }]);
    expect(layout.latest.sbom.platforms).toEqual(
      expect.arrayContaining([
        { platform: 'index', formats: ['spdx 2.3'], components: 2 },
        { platform: 'linux/amd64', formats: ['cyclonedx 1.5'], components: 1 },
      ]),
    );
    expect(layout.latest.sbom.missing).toEqual(['linux/arm64']);
    expect(layout.latest.provenance.builders).toEqual(['https://example.com/custody/builder']);
    expect(layout.versions).toHaveLength(1);
    expect(layout.versions[0]!.inventory.every((row) => row.days === 2 && row.firstDay === D1 && row.lastDay === D2)).toBe(true);
    // Each SBOM file of the inventory carries its own component count; other evidence none.
    const inventory = layout.versions[0]!.inventory;
    expect(inventory.filter((row) => row.kind === 'sbom').map((row) => [row.format, row.components])).toEqual(
      expect.arrayContaining([
        ['spdx 2.3', 2],
        ['cyclonedx 1.5', 1],
      ]),
    );
    expect(inventory.filter((row) => row.kind !== 'sbom').every((row) => row.components === null)).toBe(true);
    const shop = report.images.find((i) => i.ref === SHOP_REF)!;
    expect(shop.latest.provenance).toMatchObject({ attestations: 1, sources: ['https://git.example/acme/shop'] });
    expect(shop.latest.scan).toMatchObject({ reports: 1, scanners: ['trivy'], counts: { CRITICAL: 1, LOW: 1 }, vexSuppressed: 0 });
    expect(shop.latest.scan.ageDays).toBeGreaterThan(0);
    expect(shop.latest.signed.signatures).toBe(0);
    expect(shop.timeline).toBe('-P');
  });

  it('reports a range only, but verifies the whole root', async () => {
    const result = await runCli(['report', root, '--json', '--from', D2, '--to', D2]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    expect(report.days.map((d) => d.date)).toEqual([D2]);
    expect(report.verdict.days).toBe(2);
    expect(report.images.find((i) => i.ref === LAYOUT_REF)!.days).toBe(1);
  });

  it('reports an export and a day folder alone; the chain is then not checkable', async () => {
    const tarball = join(await tempDir('custody-report-export-'), 'day.tar.gz');
    expect((await runCli(['export', join(root, D2), '--out', tarball])).code).toBe(0);
    for (const path of [tarball, join(root, D2)]) {
      const result = await runCli(['report', path, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as AuditReport;
      expect(report.source.target).toBe(path === tarball ? 'export' : 'day');
      expect(report.verdict.chain.status).toBe('not-checked');
      expect(report.days.map((d) => d.date)).toEqual([D2]);
      const shop = report.images.find((i) => i.ref === SHOP_REF)!;
      // Facts read from the export's bytes (a second streaming pass): provenance source, scan.
      expect(shop.latest.provenance.sources).toEqual(['https://git.example/acme/shop']);
      expect(shop.latest.scan.counts?.CRITICAL).toBe(1);
    }
  });

  it('names the seal of a sealed day, its sha256 and its signer', async () => {
    const copy = await copyRoot();
    const keyDir = await tempDir('custody-report-seal-');
    const { generateKeyPairSync } = await import('node:crypto');
    await writeFile(join(keyDir, 'seal.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await runCli(['seal', join(copy, D2), '--key', join(keyDir, 'seal.pem')])).code).toBe(0);
    const result = await runCli(['report', copy, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    const seal = report.days.find((d) => d.date === D2)!.seal!;
    expect(seal.sha256).toBe(sha256(await readFile(join(copy, D2, 'manifest.json.sigstore.json'))));
    expect(seal.status).toBe('pass');
    expect(seal.signer).toMatch(/^key [0-9a-f]{16}…$/);
    expect(report.days.find((d) => d.date === D1)!.seal).toBeNull();
    expect(report.verdict.sealedDays).toBe(1);
  });

  it('with --policy, gives the gate decision per image, rule by rule (exit 1 when one fails)', async () => {
    const page = join(await tempDir('custody-report-policy-'), 'r.html');
    const result = await runCli(['report', root, '--out', page, '--policy', join(REPO_ROOT, 'docs', 'gate-policy.example.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^custody: 2 of 2 image\(s\) fail the policy .*gate-policy\.example\.yaml; first: /),
    ]);
    const text = await readFile(page, 'utf8');
    expect(text).toContain('<section id="policy">');
    expect(text).toMatch(/<td><span class="status-fail">fail<\/span><\/td><td>sbom<\/td><td>linux\/arm64<\/td>/);
    expect(text).toMatch(/<td><span class="status-pass">pass<\/span><\/td><td>signature<\/td>/);
  });

  it('passes a policy the images meet (exit 0)', async () => {
    const dir = await tempDir('custody-report-policy-');
    await writeFile(join(dir, 'p.yaml'), `apiVersion: custody/v1\nkind: Policy\nrules:\n  signature: {mode: enforce, keys: [${EXAMPLE_KEY}]}\n`);
    const result = await runCli(['report', root, '--json', '--to', D1, '--policy', join(dir, 'p.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    expect(report.policy).toMatchObject({ pass: 1, fail: 0 });
    expect(report.images[0]!.gate!.results.map((r) => [r.rule, r.status])).toEqual([
      ['bundle', 'pass'],
      ['signature', 'pass'],
    ]);
  });
});

describe('custody report on a tampered archive: the failure on top, exit 1', () => {
  type Tamper = (copy: string) => Promise<string>;
  const layoutFolder = async (copy: string) => join(copy, D1, await imagePathOf(join(copy, D1), LAYOUT_REF));
  const attacks: [name: string, code: string, tamper: Tamper][] = [
    [
      'an evidence file changed',
      'altered',
      async (copy) => {
        const file = join(await layoutFolder(copy), 'evidence', 'sbom-spdx-5ec5ffaf75d5.json');
        await appendFile(file, ' ');
        return file;
      },
    ],
    [
      'an image manifest changed',
      'altered',
      async (copy) => {
        const file = join(await layoutFolder(copy), 'manifest.json');
        await writeFile(file, (await readFile(file, 'utf8')).replace('"valid": false', '"valid": true').replace('"size": 1211', '"size": 1212'));
        return file;
      },
    ],
    [
      'a past day manifest changed (chain)',
      'chain-broken',
      async (copy) => {
        const file = join(copy, D1, 'manifest.json');
        const text = (await readFile(file, 'utf8')).replace(/"updatedAt": "[^"]+"/, '"updatedAt": "2026-11-28T23:59:59.000Z"');
        await writeFile(file, text);
        await writeFile(`${file}.sha256`, `${sha256(text)}  manifest.json\n`);
        return file;
      },
    ],
    [
      'a checksum file changed',
      'altered',
      async (copy) => {
        const file = join(await layoutFolder(copy), 'evidence', 'sbom-spdx-5ec5ffaf75d5.json.sha256');
        await writeFile(file, `${'0'.repeat(64)}  sbom-spdx-5ec5ffaf75d5.json\n`);
        return file;
      },
    ],
    [
      'an evidence file removed',
      'missing',
      async (copy) => {
        const file = join(await layoutFolder(copy), 'evidence', 'sbom-spdx-5ec5ffaf75d5.json');
        await rm(file);
        return file;
      },
    ],
    [
      'a file slipped in',
      'unlisted',
      async (copy) => {
        const file = join(await layoutFolder(copy), 'evidence', 'extra.json');
        await writeFile(file, '{}');
        return file;
      },
    ],
    [
      'a trust copy changed',
      'altered',
      async (copy) => {
        const day = JSON.parse(await readFile(join(copy, D1, 'manifest.json'), 'utf8')) as { trust: { path: string }[] };
        const file = join(copy, D1, day.trust[0]!.path);
        await appendFile(file, '\n');
        return file;
      },
    ],
  ];

  it.each(attacks)('%s', async (_name, code, tamper) => {
    const copy = await copyRoot();
    await tamper(copy);
    const page = join(await tempDir('custody-report-tampered-'), 'r.html');
    const result = await runCli(['report', copy, '--out', page]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^custody: .* does not verify: \\d+ problem\\(s\\); first: .*; ${page.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} shows it at the top$`),
      ),
    ]);
    expect(result.stdout).toMatch(/^verify {4}FAILED /m);
    const text = await readFile(page, 'utf8');
    const verdict = verdictOf(text);
    expect(verdict.text).toContain('class="verdict fail"');
    expect(verdict.text).toContain('VERIFICATION FAILED');
    expect(verdict.text).toContain(`<code>${code}</code>`);
    // The verdict is the first section of the page.
    expect(verdict.at).toBeLessThan(text.indexOf('<section id="summary"'));
    expect(text.indexOf('<section')).toBe(verdict.at);
  });
});

describe('custody report: bad input (exit 2)', () => {
  const cases: [name: string, args: () => Promise<string[]>, message: RegExp][] = [
    ['no such path', async () => ['report', '/nonexistent/custody-root', '--out', '/tmp/x.html'], /cannot read \/nonexistent\/custody-root/],
    [
      'a file that is not an archive',
      async () => {
        const file = join(await tempDir(), 'notes.txt');
        await writeFile(file, 'hello');
        return ['report', file, '--out', join(await tempDir(), 'r.html')];
      },
      /is not a custody archive folder or export/,
    ],
    [
      'a .tar.gz that is not one',
      async () => {
        const file = join(await tempDir(), 'day.tar.gz');
        await writeFile(file, 'not gzip');
        return ['report', file, '--out', join(await tempDir(), 'r.html')];
      },
      /not a readable \.tar\.gz export/,
    ],
    [
      'an image folder',
      async () => ['report', join(root, D1, await imagePathOf(join(root, D1), LAYOUT_REF)), '--out', join(await tempDir(), 'r.html')],
      /is an image folder/,
    ],
    [
      'a bad --from',
      async () => ['report', root, '--json', '--from', '2026-02-30'],
      /^custody: --from takes a date YYYY-MM-DD, got "2026-02-30", which is not a calendar date/,
    ],
    ['--from after --to', async () => ['report', root, '--json', '--from', D2, '--to', D1], /--from 2026-11-29 is after --to 2026-11-28/],
    ['no --out and no --json', async () => ['report', root], /give --out FILE\.html, or --json/],
    ['an unreadable policy', async () => ['report', root, '--json', '--policy', '/nonexistent/p.yaml'], /p\.yaml/],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const result = await runCli(await args());
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
