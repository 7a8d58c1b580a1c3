import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../src/normalize/normalize.js';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { toolAvailable } from '../helpers/tools.js';

/**
 * SBOMs made at test time by real producers from a fixture project (a
 * package.json and its lockfile, read offline): @cyclonedx/cyclonedx-npm in
 * JSON and XML for CycloneDX 1.2–1.6, and `npm sbom` in SPDX and CycloneDX.
 * CycloneDX XML is validated against the official XSDs and summarised as its
 * JSON twin is. SPDX YAML is npm's SPDX document written as YAML (no SPDX
 * YAML producer runs here).
 */
const CYCLONEDX_NPM = join(REPO_ROOT, 'node_modules', '@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js');
const available = toolAvailable(process.execPath, [CYCLONEDX_NPM, '--version']) && toolAvailable('npm', ['--version']);
const VERSIONS = ['1.2', '1.3', '1.4', '1.5', '1.6'] as const;
const DATE = '2026-11-29';

describe.skipIf(!available)('SBOMs from cyclonedx-npm and npm sbom', () => {
  let dir: string;
  const out = (name: string) => readFileSync(join(dir, name));

  beforeAll(async () => {
    dir = await tempDir('custody-npm-project-');
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'npm-project', f), join(dir, f));
    const cdx = (args: string[]) =>
      execFileSync(process.execPath, [CYCLONEDX_NPM, '--package-lock-only', '--output-reproducible', ...args], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 120_000,
      });
    for (const v of VERSIONS) {
      cdx(['--output-format', 'XML', '--spec-version', v, '--output-file', `bom-${v}.xml`]);
      cdx(['--output-format', 'JSON', '--spec-version', v, '--output-file', `bom-${v}.json`]);
    }
    for (const format of ['spdx', 'cyclonedx']) {
      const sbom = execFileSync('npm', ['sbom', '--sbom-format', format, '--package-lock-only', '--offline'], { cwd: dir, timeout: 120_000 });
      writeFileSync(join(dir, `npm-${format}.json`), sbom);
    }
  }, 300_000);

  for (const v of VERSIONS) {
    it(`CycloneDX ${v} XML: sbom/cyclonedx, valid against the official XSD, the same summary and subjects as the JSON form`, () => {
      const xml = normalize({ bytes: out(`bom-${v}.xml`) });
      const json = normalize({ bytes: out(`bom-${v}.json`) });
      expect(xml).toMatchObject({ kind: 'sbom', format: 'cyclonedx', formatVersion: v, valid: true, problems: [] });
      expect(xml.detectedBy).toMatch(/XML/);
      expect(json).toMatchObject({ kind: 'sbom', format: 'cyclonedx', formatVersion: v, valid: true });
      expect(xml.summary).toEqual(json.summary);
      expect(xml.summary).toMatchObject({ documentName: 'custody-fixture-app', componentCount: 2 });
      expect(xml.subjects).toEqual(json.subjects);
    });
  }

  it('CycloneDX XML by its media type, and its problems at JSON-model paths', () => {
    const text = out('bom-1.6.xml').toString('utf8');
    expect(normalize({ bytes: Buffer.from(text), mediaType: 'application/vnd.cyclonedx+xml' })).toMatchObject({
      format: 'cyclonedx',
      detectedBy: 'media type application/vnd.cyclonedx+xml',
      valid: true,
    });
    // The first component of the BOM (after the metadata) loses its name, which the XSD requires.
    const second = text.indexOf('<component', text.indexOf('<components>', text.indexOf('</metadata>')));
    const nameless = text.slice(0, second) + text.slice(second).replace(/<name>[^<]*<\/name>/, '');
    const broken = normalize({ bytes: Buffer.from(nameless) });
    expect(broken.valid).toBe(false);
    expect(broken.problems).toContainEqual(expect.objectContaining({ code: 'schema-xsd', path: expect.stringMatching(/^\/components\/0/) }));
    expect(normalize({ bytes: Buffer.from(text.replace('</bom>', '')) }).problems).toEqual([expect.objectContaining({ code: 'xml-invalid', path: '' })]);
    const future = normalize({ bytes: Buffer.from(text.replace('http://cyclonedx.org/schema/bom/1.6', 'http://cyclonedx.org/schema/bom/9.9')) });
    expect(future).toMatchObject({ format: 'cyclonedx', valid: false, problems: [expect.objectContaining({ code: 'unsupported-version' })] });
  });

  it('npm sbom: SPDX 2.3 and CycloneDX JSON, valid', () => {
    expect(normalize({ bytes: out('npm-spdx.json') })).toMatchObject({ kind: 'sbom', format: 'spdx', formatVersion: '2.3', valid: true, problems: [] });
    expect(normalize({ bytes: out('npm-cyclonedx.json') })).toMatchObject({ kind: 'sbom', format: 'cyclonedx', valid: true, problems: [] });
  });

  it("SPDX YAML (npm's SPDX document as YAML): spdx, the JSON form's summary with serialization yaml; a broken field is reported", () => {
    const json = normalize({ bytes: out('npm-spdx.json') });
    const doc = JSON.parse(out('npm-spdx.json').toString('utf8')) as Record<string, unknown>;
    const yaml = normalize({ bytes: Buffer.from(stringify(doc)) });
    expect(yaml).toMatchObject({ kind: 'sbom', format: 'spdx', formatVersion: '2.3', valid: true, problems: [] });
    expect(yaml.summary).toEqual({ ...json.summary, serialization: 'yaml' });
    const bad = normalize({ bytes: Buffer.from(stringify({ ...doc, dataLicense: 'MIT' })) });
    expect(bad.problems).toContainEqual(expect.objectContaining({ code: 'schema-const', path: '/dataLicense' }));
    expect(normalize({ bytes: Buffer.from(stringify({ ...doc, spdxVersion: 'SPDX-9.9' })) }).problems).toEqual([
      expect.objectContaining({ code: 'unsupported-version' }),
    ]);
  });

  it('archive: the XML BOM is an sbom (.xml), which the gate counts', async () => {
    const root = await tempDir('custody-npm-root-');
    const image = `sha256:${'7'.repeat(64)}`;
    const archived = await runCli([
      'archive',
      '--no-discover',
      `registry.example/acme/app@${image}`,
      '--evidence',
      join(dir, 'bom-1.6.xml'),
      '--root',
      root,
      '--date',
      DATE,
      '--json',
    ]);
    expect(archived.code, archived.stderr).toBe(0);
    const entry = (JSON.parse(archived.stdout) as { images: { path: string; evidence: { kind: string; format: string; path: string }[] }[] }).images[0]!;
    expect(entry.evidence[0]).toMatchObject({ kind: 'sbom', format: 'cyclonedx', path: expect.stringMatching(/^evidence\/sbom-cyclonedx-[0-9a-f]{12}\.xml$/) });
    const policy = join(await tempDir('custody-npm-policy-'), 'policy.yaml');
    writeFileSync(
      policy,
      'apiVersion: custody/v1\nkind: Policy\nmetadata: {name: sbom}\nrules:\n  sbom: {mode: enforce, formats: [cyclonedx], minComponents: 1}\n',
    );
    const gate = await runCli(['gate', '--bundle', join(root, DATE, entry.path), '--policy', policy]);
    expect(gate.code, gate.stdout + gate.stderr).toBe(0);
  });
});
