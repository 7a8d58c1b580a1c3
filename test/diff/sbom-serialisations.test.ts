import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { archive } from '../../src/archive/archive.js';
import type { DayDiff } from '../../src/diff/index.js';
import { listSbomComponents } from '../../src/gate/facts/sbom-listing.js';
import type { AuditReport } from '../../src/report/index.js';
import { fakeDigest, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { toolAvailable } from '../helpers/tools.js';

/**
 * SBOMs in every serialisation custody archives list their components for
 * query, diff and report: CycloneDX XML made by cyclonedx-npm, and npm's
 * SPDX document (`npm sbom`) written as SPDX tag-value and as SPDX YAML (no
 * producer of those two runs here), from the fixture project before and
 * after a dependency update (yaml 2.8.1 → 2.8.2), archived by custody on
 * two days. Each image holds one serialisation, so every answer names
 * which reader gave it.
 */
const CYCLONEDX_NPM = join(REPO_ROOT, 'node_modules', '@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js');
const available = toolAvailable(process.execPath, [CYCLONEDX_NPM, '--version']) && toolAvailable('npm', ['--version']);
if (!available && process.env.CI === 'true') throw new Error('cyclonedx-npm or npm is missing: the SBOM serialisation tests must run with CI=true');
const D1 = '2026-11-28';
const D2 = '2026-11-29';
const IMAGES = { xml: 'registry.example/acme/xml', tagValue: 'registry.example/acme/tag-value', yaml: 'registry.example/acme/yaml' } as const;
const ref = (repo: string) => `${repo}@${fakeDigest(repo)}`;

type Doc = Record<string, unknown>;
type Strings = Record<string, string | boolean | undefined>;

/** npm's SPDX 2.3 JSON document written out as SPDX tag-value (SPDX 2.3 §5): the fields npm fills. */
function tagValue(doc: Doc): string {
  const creation = doc.creationInfo as { created: string; creators: string[] };
  const lines = [
    `SPDXVersion: ${doc.spdxVersion as string}`,
    `DataLicense: ${doc.dataLicense as string}`,
    `SPDXID: ${doc.SPDXID as string}`,
    `DocumentName: ${doc.name as string}`,
    `DocumentNamespace: ${doc.documentNamespace as string}`,
    ...creation.creators.map((c) => `Creator: ${c}`),
    `Created: ${creation.created}`,
  ];
  for (const p of doc.packages as (Strings & { externalRefs?: Strings[] })[]) {
    lines.push('', `PackageName: ${p.name as string}`, `SPDXID: ${p.SPDXID as string}`);
    if (p.versionInfo) lines.push(`PackageVersion: ${p.versionInfo as string}`);
    lines.push(`PackageDownloadLocation: ${p.downloadLocation as string}`, `FilesAnalyzed: ${String(p.filesAnalyzed)}`);
    if (p.licenseDeclared) lines.push(`PackageLicenseDeclared: ${p.licenseDeclared as string}`);
    for (const r of p.externalRefs ?? [])
      lines.push(`ExternalRef: ${r.referenceCategory as string} ${r.referenceType as string} ${r.referenceLocator as string}`);
  }
  lines.push('');
  for (const r of (doc.relationships ?? []) as Strings[])
    lines.push(`Relationship: ${r.spdxElementId as string} ${r.relationshipType as string} ${r.relatedSpdxElement as string}`);
  return `${lines.join('\n')}\n`;
}

/** The fixture project, with `yaml` at `version`, and its SBOMs in the three text serialisations (and their JSON twins). */
async function sboms(version: string): Promise<Record<'xml' | 'cdxJson' | 'spdxJson' | 'tagValue' | 'yaml', string>> {
  const dir = await tempDir('custody-sbom-project-');
  for (const f of ['package.json', 'package-lock.json']) {
    const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'npm-project', f), 'utf8');
    writeFileSync(join(dir, f), text.replaceAll('2.8.1', version));
  }
  const cdx = (format: string, out: string) =>
    execFileSync(
      process.execPath,
      [CYCLONEDX_NPM, '--package-lock-only', '--output-reproducible', '--output-format', format, '--spec-version', '1.6', '--output-file', out],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 120_000,
      },
    );
  cdx('XML', 'bom.xml');
  cdx('JSON', 'bom.json');
  const spdx = execFileSync('npm', ['sbom', '--sbom-format', 'spdx', '--package-lock-only', '--offline'], { cwd: dir, timeout: 120_000 });
  writeFileSync(join(dir, 'npm.spdx.json'), spdx);
  const doc = JSON.parse(spdx.toString('utf8')) as Doc;
  writeFileSync(join(dir, 'npm.spdx'), tagValue(doc));
  writeFileSync(join(dir, 'npm.spdx.yaml'), stringify(doc));
  const at = (f: string) => join(dir, f);
  return { xml: at('bom.xml'), cdxJson: at('bom.json'), spdxJson: at('npm.spdx.json'), tagValue: at('npm.spdx'), yaml: at('npm.spdx.yaml') };
}

/** Each version's SBOMs are made once, for every test that needs them. */
const made = new Map<string, ReturnType<typeof sboms>>();
function project(version: string): ReturnType<typeof sboms> {
  if (!made.has(version)) made.set(version, sboms(version));
  return made.get(version)!;
}

async function archiveFile(root: string, date: string, repo: string, file: string): Promise<void> {
  const result = await runCli(['archive', '--no-discover', ref(repo), '--evidence', file, '--root', root, '--date', date, '--quiet']);
  if (result.code !== 0) throw new Error(`archive ${file} exited ${result.code}: ${result.stderr}`);
}

describe.skipIf(!available)('components of SBOMs in every serialisation: query, diff, report', () => {
  let before: Awaited<ReturnType<typeof sboms>>;
  let after: Awaited<ReturnType<typeof sboms>>;
  let root: string;

  beforeAll(async () => {
    before = await project('2.8.1');
    after = await project('2.8.2');
    root = await tempDir('custody-sbom-root-');
    for (const [date, files] of [
      [D1, before],
      [D2, after],
    ] as const) {
      await archiveFile(root, date, IMAGES.xml, files.xml);
      await archiveFile(root, date, IMAGES.tagValue, files.tagValue);
      await archiveFile(root, date, IMAGES.yaml, files.yaml);
    }
  }, 300_000);

  it('archived as sbom/cyclonedx (.xml) and sbom/spdx (tag-value, YAML), valid; each lists what its JSON twin lists', async () => {
    const listed = (file: string, mediaType: string, format: string) => listSbomComponents({ mediaType, kind: 'sbom', format }, readFileSync(file));
    const day = JSON.parse(readFileSync(join(root, D1, 'manifest.json'), 'utf8')) as { images: { ref: string; path: string }[] };
    const entries = day.images.map((i): Strings => {
      const manifest = JSON.parse(readFileSync(join(root, D1, i.path, 'manifest.json'), 'utf8')) as { evidence: Strings[] };
      return { ...manifest.evidence[0]!, ref: i.ref };
    });
    expect(entries.map((e) => [e.ref, e.kind, e.format, e.mediaType, e.valid]).sort()).toEqual(
      [
        [ref(IMAGES.xml), 'sbom', 'cyclonedx', 'application/vnd.cyclonedx+xml', true],
        [ref(IMAGES.tagValue), 'sbom', 'spdx', 'text/spdx', true],
        [ref(IMAGES.yaml), 'sbom', 'spdx', 'application/spdx+yaml', true],
      ].sort(),
    );
    const cdx = listed(before.cdxJson, 'application/vnd.cyclonedx+json', 'cyclonedx');
    const spdx = listed(before.spdxJson, 'application/spdx+json', 'spdx');
    expect(cdx.components.map((c) => c.purl).sort()).toEqual(['pkg:npm/semver@7.8.6', 'pkg:npm/yaml@2.8.1']);
    expect(spdx.components.map((c) => c.purl).sort()).toEqual(['pkg:npm/custody-fixture-app@1.0.0', 'pkg:npm/semver@7.8.6', 'pkg:npm/yaml@2.8.1']);
    expect(listed(before.xml, 'application/vnd.cyclonedx+xml', 'cyclonedx')).toEqual(cdx);
    expect(listed(before.tagValue, 'text/spdx', 'spdx')).toEqual(spdx);
    expect(listed(before.yaml, 'application/spdx+yaml', 'spdx')).toEqual(spdx);
  });

  it('query package finds the package in each serialisation, on each day, at its version', async () => {
    const result = await runCli(['query', 'package', 'yaml', '--root', root, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = (JSON.parse(result.stdout) as { rows: Strings[] }).rows;
    expect(rows.map((r) => [r.date, r.ref, r.version, r.purl, r.format, r.valid])).toEqual([
      [D1, ref(IMAGES.tagValue), '2.8.1', 'pkg:npm/yaml@2.8.1', 'spdx', true],
      [D1, ref(IMAGES.xml), '2.8.1', 'pkg:npm/yaml@2.8.1', 'cyclonedx', true],
      [D1, ref(IMAGES.yaml), '2.8.1', 'pkg:npm/yaml@2.8.1', 'spdx', true],
      [D2, ref(IMAGES.tagValue), '2.8.2', 'pkg:npm/yaml@2.8.2', 'spdx', true],
      [D2, ref(IMAGES.xml), '2.8.2', 'pkg:npm/yaml@2.8.2', 'cyclonedx', true],
      [D2, ref(IMAGES.yaml), '2.8.2', 'pkg:npm/yaml@2.8.2', 'spdx', true],
    ]);
    expect(rows.map((r) => r.sbom)).toEqual(expect.arrayContaining([expect.stringMatching(/\/evidence\/sbom-cyclonedx-[0-9a-f]{12}\.xml$/)]));
    const exact = await runCli(['query', 'package', 'pkg:npm/yaml@2.8.2', '--root', root, '--format', 'json']);
    expect((JSON.parse(exact.stdout) as { rows: Strings[] }).rows.map((r) => [r.date, r.ref])).toEqual([
      [D2, ref(IMAGES.tagValue)],
      [D2, ref(IMAGES.xml)],
      [D2, ref(IMAGES.yaml)],
    ]);
  });

  it('diff shows the version change in each serialisation, and nothing else of the components', async () => {
    const result = await runCli(['diff', D1, D2, '--root', root, '--format', 'json']);
    expect(result.code, result.stderr).toBe(1);
    const diff = JSON.parse(result.stdout) as DayDiff;
    expect(diff.changed.map((i) => i.ref).sort()).toEqual(Object.values(IMAGES).map(ref).sort());
    for (const image of diff.changed) {
      expect(image.components).toEqual({
        compared: true,
        listed: { a: true, b: true },
        added: [],
        removed: [],
        changed: [{ component: 'pkg:npm/yaml', from: ['2.8.1'], to: ['2.8.2'] }],
      });
    }
    const text = await runCli(['diff', D1, D2, '--root', root]);
    expect(text.stdout).toContain('components +0 -0 ~3');
  });

  it('report --json: each SBOM counted, as many components as query lists', async () => {
    const result = await runCli(['report', root, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as AuditReport;
    const sbom = (repo: string) => report.images.find((i) => i.ref === ref(repo))!.latest.sbom;
    expect(sbom(IMAGES.xml)).toMatchObject({ documents: 1, formats: ['cyclonedx 1.6'], components: 2 });
    expect(sbom(IMAGES.tagValue)).toMatchObject({ documents: 1, formats: ['spdx 2.3'], components: 3 });
    expect(sbom(IMAGES.yaml)).toMatchObject({ documents: 1, formats: ['spdx 2.3'], components: 3 });
  });
});

describe.skipIf(!available)('an SBOM that lists nothing says why, as a JSON one does; nothing crashes', () => {
  let root: string;
  const broken = {
    tagValue: { repo: 'registry.example/acme/broken-tv', mediaType: 'text/spdx', bytes: Buffer.from('<html><body>502 Bad Gateway</body></html>\n') },
    xml: {
      repo: 'registry.example/acme/broken-xml',
      mediaType: 'application/vnd.cyclonedx+xml',
      bytes: Buffer.from('<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>'),
    },
    json: { repo: 'registry.example/acme/broken-json', mediaType: 'application/spdx+json', bytes: Buffer.from('{"spdxVersion": "SPDX-2.3", "packages": [') },
  };

  beforeAll(async () => {
    root = await tempDir('custody-sbom-broken-');
    for (const { repo, mediaType, bytes } of Object.values(broken)) {
      const digest = fakeDigest(repo);
      await archive({
        refs: [ref(repo)],
        root,
        date: D1,
        collect: async () => ({
          subject: { ref: ref(repo), digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', platforms: [] },
          image: [],
          evidence: [{ bytes, mediaType, origin: { method: 'local-file', file: 'sbom' } }],
          warnings: [],
        }),
      });
    }
  }, 60_000);

  it('archived as invalid SBOMs; query lists nothing of them and the index records why, for text and JSON alike', async () => {
    const result = await runCli(['query', 'package', 'semver', '--root', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nothing found: no SBOM lists semver/);
    const db = new DatabaseSync(join(root, '.custody-index', 'index.sqlite'), { readOnly: true });
    try {
      const rows = db.prepare('SELECT media_type, read_errors FROM documents ORDER BY media_type').all() as {
        media_type: string;
        read_errors: string | null;
      }[];
      expect(rows).toEqual([
        { media_type: 'application/spdx+json', read_errors: 'sbom components: not valid JSON' },
        { media_type: 'application/vnd.cyclonedx+xml', read_errors: expect.stringMatching(/^sbom components: not well-formed XML \(line \d+\)/) },
        { media_type: 'text/spdx', read_errors: expect.stringMatching(/^sbom components: no spdx SBOM custody can list/) },
      ]);
      expect(db.prepare('SELECT count(*) AS n FROM components').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    for (const { bytes, mediaType } of Object.values(broken)) {
      const listing = listSbomComponents({ mediaType, kind: 'sbom', format: mediaType.includes('cyclonedx') ? 'cyclonedx' : 'spdx' }, bytes);
      expect(listing.components).toEqual([]);
      expect(listing.reason).toBeDefined();
    }
  });

  it('diff to a day where each image has a readable SBOM of the same serialisation: components not compared, the same for each', async () => {
    const good = await project('2.8.1');
    await archiveFile(root, D2, broken.tagValue.repo, good.tagValue);
    await archiveFile(root, D2, broken.xml.repo, good.xml);
    await archiveFile(root, D2, broken.json.repo, good.spdxJson);
    const result = await runCli(['diff', D1, D2, '--root', root, '--format', 'json']);
    expect(result.code, result.stderr).toBe(1);
    const diff = JSON.parse(result.stdout) as DayDiff;
    expect(diff.changed.map((i) => [i.ref, i.components])).toEqual(
      Object.values(broken)
        .map(({ repo }) => [ref(repo), { compared: false, listed: { a: false, b: true }, added: [], removed: [], changed: [] }])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    const text = await runCli(['diff', D1, D2, '--root', root]);
    expect(text.stdout.match(/an SBOM now \(none before: components not compared\)/g)).toHaveLength(3);
  });
});
