import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonBytes } from '../../src/gate/facts/json.js';
import { readSbomDocument } from '../../src/gate/facts/sbom.js';
import { readSbomComponents } from '../../src/gate/facts/sbom-components.js';
import { CORPUS } from '../helpers/cli.js';

/** The component lister agrees with the SBOM facts on real documents of every format it reads, and names what diff compares. */
const FILES = [
  'spdx/trivy-conda-spdx.json',
  'spdx/spdx-examples/software__example14__spdx2.3__examplemaven-0.0.1-enriched.spdx.json',
  'spdx/spdx-examples/ai__example02__spdx3.0__sbom.spdx3.json',
  'cyclonedx/bom-examples/SBOM__laravel-7.12.0__bom.1.4.json',
  'cyclonedx/spec-1.6/valid-bom-1.6.json',
  'cyclonedx/trivy-fluentd-multiple-lockfiles.cdx.json',
  'grype/syft-sbom-ubuntu-20.04-pruned.syft.json',
];
const available = existsSync(CORPUS);
if (!available && process.env.CI === 'true') throw new Error(`the corpus is missing at ${CORPUS}`);

describe.skipIf(!available)('readSbomComponents on the corpus', () => {
  it.each(FILES)('%s: as many components as the facts count, each named', async (file) => {
    const json = parseJsonBytes(await readFile(join(CORPUS, file)));
    const facts = readSbomDocument(json)!;
    const listed = readSbomComponents(json);
    expect(facts).toBeDefined();
    // Duplicates are listed once, so at most the count of the facts; never an empty list for a non-empty SBOM.
    expect(listed.length).toBeLessThanOrEqual(facts.componentCount);
    expect(listed.length).toBeGreaterThan(facts.componentCount > 1 ? 0 : -1);
    for (const c of listed) expect(c.name !== '' || c.purl !== undefined).toBe(true);
  });

  it('reads purls and versions where the document gives them', async () => {
    const json = parseJsonBytes(await readFile(join(CORPUS, 'cyclonedx/bom-examples/SBOM__laravel-7.12.0__bom.1.4.json')));
    const components = readSbomComponents(json);
    expect(components.filter((c) => c.purl?.startsWith('pkg:composer/')).length).toBeGreaterThan(10);
    expect(components.every((c) => c.version !== undefined)).toBe(true);
  });
});

describe('readSbomComponents', () => {
  const spdx = {
    spdxVersion: 'SPDX-2.3',
    packages: [
      { name: 'zlib', versionInfo: '1.3', externalRefs: [{ referenceType: 'purl', referenceLocator: 'pkg:deb/debian/zlib@1.3' }] },
      { name: 'noversion' },
    ],
  };

  it('SPDX 2 packages: name, versionInfo, the purl external reference', () => {
    expect(readSbomComponents(spdx)).toEqual([{ name: 'zlib', version: '1.3', purl: 'pkg:deb/debian/zlib@1.3' }, { name: 'noversion' }]);
  });

  it('an in-toto statement with an SPDX predicate, bare or in a DSSE envelope', () => {
    const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'https://spdx.dev/Document', predicate: spdx };
    expect(readSbomComponents(statement)).toHaveLength(2);
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(statement)).toString('base64'), signatures: [] };
    expect(readSbomComponents(envelope)).toHaveLength(2);
    expect(readSbomComponents({ ...statement, predicateType: 'https://slsa.dev/provenance/v1' })).toEqual([]);
  });

  it('SPDX 3 software_Package elements (the corpus example is an AI BOM with none)', () => {
    const doc = {
      '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
      '@graph': [
        { type: 'software_Package', name: 'openssl', software_packageVersion: '3.0.15', software_packageUrl: 'pkg:deb/debian/openssl@3.0.15' },
        { type: 'software_File', name: 'README' },
      ],
    };
    expect(readSbomComponents(doc)).toEqual([{ name: 'openssl', version: '3.0.15', purl: 'pkg:deb/debian/openssl@3.0.15' }]);
  });

  it('CycloneDX nested components (the name as the document states it; the group is in the purl); syft artifacts', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      components: [{ group: 'org.acme', name: 'core', version: '2', components: [{ name: 'inner', purl: 'pkg:npm/inner@1' }] }],
    };
    expect(readSbomComponents(bom)).toEqual([
      { name: 'core', version: '2' },
      { name: 'inner', purl: 'pkg:npm/inner@1' },
    ]);
    const syft = { descriptor: { name: 'syft' }, artifacts: [{ name: 'musl', version: '1.2.5', purl: 'pkg:apk/alpine/musl@1.2.5' }] };
    expect(readSbomComponents(syft)).toEqual([{ name: 'musl', version: '1.2.5', purl: 'pkg:apk/alpine/musl@1.2.5' }]);
  });

  it('anything else: an empty list, never a throw', () => {
    for (const value of [null, 1, 'x', [], {}, { bomFormat: 'CycloneDX' }, { spdxVersion: 'SPDX-2.3', packages: 'no' }])
      expect(() => readSbomComponents(value)).not.toThrow();
    expect(readSbomComponents({ bomFormat: 'CycloneDX' })).toEqual([]);
  });
});
