import { appendFile, cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DayDiff } from '../../src/diff/index.js';
import { compareDays } from '../../src/diff/index.js';
import type { DaySnapshot, ImageSnapshot } from '../../src/diff/snapshot.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { D1, D2, EXAMPLE_KEY, HOSTILE, LAYOUT_REF, MOVING_REF, SHOP_REF, demoRoot, hostileRoot, movingRoot, sha256 } from '../report/fixture.js';

let demo: string;
let moving: string;

beforeAll(async () => {
  demo = await demoRoot();
  moving = (await movingRoot()).root;
}, 60_000);

async function diffJson(args: string[]): Promise<{ code: number; diff: DayDiff; stderr: string }> {
  const result = await runCli(['diff', ...args, '--format', 'json']);
  return { code: result.code, diff: JSON.parse(result.stdout) as DayDiff, stderr: result.stderr };
}

describe('custody diff', () => {
  it('a day against itself: no difference, exit 0', async () => {
    const result = await runCli(['diff', join(demo, D2), join(demo, D2)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/: no difference\n$/);
  });

  it('the same images archived on two days: no difference (manifest times aside), exit 0', async () => {
    const root = await tempDir('custody-diff-same-');
    for (const date of [D1, D2]) expect((await runCli(['archive', LAYOUT_REF, '--key', EXAMPLE_KEY, '--root', root, '--date', date])).code).toBe(0);
    expect(await readFile(join(root, D1, 'manifest.json'), 'utf8')).not.toBe(await readFile(join(root, D2, 'manifest.json'), 'utf8'));
    const { code, diff } = await diffJson([D1, D2, '--root', root]);
    expect(code).toBe(0);
    expect(diff.same).toBe(true);
    expect(diff.changed).toEqual([]);
  });

  it('an image added (dates under --root), exit 1 with one line saying so', async () => {
    const { code, diff, stderr } = await diffJson([D1, D2, '--root', demo]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `custody: ${D1} (${D1}) and ${D2} (${D2}) differ: images +1 -0 ~0 re-pointed; evidence +0 -0; signers +0 -0; vulnerabilities 0 new, 0 fixed; components +0 -0 ~0\n`,
    );
    expect(diff.images.added.map((i) => i.ref)).toEqual([SHOP_REF]);
    expect(diff.images.removed).toEqual([]);
    expect(diff.images.repointed).toEqual([]);
    expect(diff.changed.map((c) => c.ref)).not.toContain(LAYOUT_REF);
    expect(diff.a).toMatchObject({ date: D1, manifestSha256: sha256(await readFile(join(demo, D1, 'manifest.json'))) });
  });

  it('the other way round: removed', async () => {
    const { code, diff } = await diffJson([join(demo, D2), join(demo, D1)]);
    expect(code).toBe(1);
    expect(diff.images.removed.map((i) => i.ref)).toEqual([SHOP_REF]);
  });

  it('a re-pointed tag: new digest, evidence, signer, vulnerabilities new and fixed, SBOM changes', async () => {
    const { code, diff } = await diffJson([D1, D2, '--root', moving]);
    expect(code).toBe(1);
    expect(diff.images.repointed).toEqual([{ ref: MOVING_REF, from: expect.stringMatching(/^sha256:/), to: expect.stringMatching(/^sha256:/) }]);
    const app = diff.changed.find((c) => c.ref === MOVING_REF)!;
    expect(app.evidence.added.map((e) => `${e.kind}/${e.format}`).sort()).toEqual(['sbom/cyclonedx', 'scan/trivy', 'signature/cosign-simplesigning']);
    expect(app.evidence.removed).toHaveLength(3);
    expect(app.signers.added).toEqual([{ identity: expect.stringMatching(/^key [0-9a-f]{16}…$/), verified: true }]);
    expect(app.signers.removed).toEqual([{ identity: expect.stringMatching(/^key [0-9a-f]{16}…$/), verified: true }]);
    expect(app.signers.added[0]!.identity).not.toBe(app.signers.removed[0]!.identity);
    expect(app.vulnerabilities).toMatchObject({
      compared: true,
      new: [{ id: 'CVE-2026-0001', package: 'pkg:apk/alpine/chalk', version: '3.0.1-r0', severity: 'CRITICAL' }],
      fixed: [{ id: 'CVE-2021-23337', package: 'pkg:apk/alpine/lodash', severity: 'HIGH' }],
    });
    expect(app.components).toMatchObject({
      compared: true,
      added: [{ component: 'pkg:npm/chalk', from: [], to: ['5.3.0'] }],
      removed: [{ component: 'pkg:npm/left-pad', from: ['1.3.0'], to: [] }],
      changed: [{ component: 'pkg:npm/lodash', from: ['4.17.20'], to: ['4.17.21'] }],
    });
  });

  it('prints text and markdown with one line per change', async () => {
    const text = await runCli(['diff', D1, D2, '--root', moving]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`~ image      ${MOVING_REF} sha256:`);
    expect(text.stdout).toMatch(/^ {2}\+ vuln {7}CVE-2026-0001 pkg:apk\/alpine\/chalk 3\.0\.1-r0 \(CRITICAL\) new$/m);
    expect(text.stdout).toMatch(/^ {2}- vuln {7}CVE-2021-23337 pkg:apk\/alpine\/lodash 3\.0\.1-r0 \(HIGH\) fixed$/m);
    expect(text.stdout).toMatch(/^ {2}~ component {2}pkg:npm\/lodash 4\.17\.20 → 4\.17\.21$/m);
    const markdown = await runCli(['diff', D1, D2, '--root', moving, '--format', 'markdown']);
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain(`| re-pointed | \` ${MOVING_REF} \` |`);
    expect(markdown.stdout).toContain('- added vuln: ` CVE-2026-0001 pkg:apk/alpine/chalk 3.0.1-r0 (CRITICAL) new `');
  });

  it('an export against a day folder', async () => {
    const tarball = join(await tempDir('custody-diff-export-'), 'day.tar.gz');
    expect((await runCli(['export', join(moving, D1), '--out', tarball])).code).toBe(0);
    const { code, diff } = await diffJson([tarball, join(moving, D2)]);
    expect(code).toBe(1);
    const app = diff.changed.find((c) => c.ref === MOVING_REF)!;
    expect(app.components.changed.map((c) => c.component)).toEqual(['pkg:npm/lodash']);
    expect(app.vulnerabilities.fixed.map((v) => v.id)).toEqual(['CVE-2021-23337']);
  });

  it('keeps hostile strings out of the terminal and out of Markdown markup', async () => {
    const root = await hostileRoot();
    const text = await runCli(['diff', D1, D2, '--root', root]);
    expect(text.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const markdown = await runCli(['diff', D1, D2, '--root', root, '--format', 'markdown']);
    // Every archive string sits in a code span (an odd number of backticks before it on its line).
    const lines = markdown.stdout.split('\n').filter((l) => l.includes('<img'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect((line.slice(0, line.indexOf('<img')).match(/`/g) ?? []).length % 2, line).toBe(1);
    expect(markdown.stdout).toContain(HOSTILE.img.slice(0, 10));
  });
});

describe('compareDays', () => {
  const side = (date: string) => ({ input: date, path: date, date, manifestSha256: null });
  const image = (over: Partial<ImageSnapshot>): ImageSnapshot => ({ ref: 'r', digest: 'sha256:a', status: 'ok', evidence: [], signers: [], ...over });
  const snap = (date: string, images: ImageSnapshot[]): DaySnapshot => ({ side: side(date), images: new Map(images.map((i) => [i.ref, i])) });

  it('compares findings only when both days scanned, and says so', () => {
    const vulns = new Map([['CVE-1\u0000pkg', { id: 'CVE-1', package: 'pkg', version: '1', severity: 'HIGH' as const }]]);
    const diff = compareDays(snap(D1, [image({})]), snap(D2, [image({ vulnerabilities: vulns })]));
    expect(diff.same).toBe(false);
    expect(diff.changed[0]!.vulnerabilities).toEqual({ compared: false, scanned: { a: false, b: true }, new: [], fixed: [] });
  });

  it('a status change is a difference', () => {
    const diff = compareDays(snap(D1, [image({})]), snap(D2, [image({ status: 'failed', digest: null })]));
    expect(diff.images.status).toEqual([{ ref: 'r', from: 'ok', to: 'failed' }]);
    expect(diff.images.repointed).toEqual([]);
  });
});

describe('custody diff: bad input (exit 2)', () => {
  const cases: [name: string, args: () => Promise<string[]>, message: RegExp][] = [
    ['no such day under --root', async () => ['diff', '2020-01-01', D2, '--root', demo], /A: no day 2020-01-01 in /],
    ['no such path', async () => ['diff', join(demo, D1), '/nonexistent/day'], /B: cannot read \/nonexistent\/day/],
    ['a root, not a day', async () => ['diff', demo, join(demo, D1)], /A: .* is an archive root; name one day/],
    [
      'a day that does not verify',
      async () => {
        const copy = await tempDir('custody-diff-bad-');
        await cp(demo, copy, { recursive: true });
        const day = JSON.parse(await readFile(join(copy, D2, 'manifest.json'), 'utf8')) as { images: { path: string }[] };
        await appendFile(join(copy, D2, day.images[0]!.path, 'manifest.json'), ' ');
        return ['diff', join(copy, D1), join(copy, D2)];
      },
      /B: .* does not verify \(\d+ problem\(s\); first: altered .*\); run custody verify /,
    ],
    [
      'not an archive',
      async () => {
        const file = join(await tempDir(), 'x.tar.gz');
        await writeFile(file, 'nope');
        return ['diff', file, join(demo, D1)];
      },
      /not a readable \.tar\.gz export/,
    ],
    [
      'an unknown format',
      async () => ['diff', join(demo, D1), join(demo, D2), '--format', 'html'],
      /^custody: --format takes one of text, json, markdown, got "html"/,
    ],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const result = await runCli(await args());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
