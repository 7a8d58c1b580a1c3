import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../src/gate/facts/extract.js';
import { listSbomComponents } from '../../src/gate/facts/sbom-listing.js';
import { normalize } from '../../src/normalize/normalize.js';
import { REPO_ROOT } from '../helpers/cli.js';

/** listSbomComponents: every serialisation, bytes that are not what the manifest says, and documents that list nothing by nature. */
const TAG_VALUE = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'formats', 'spdx-tag-value', 'valid-minimal.spdx'));
const SBOM = { mediaType: 'text/spdx', kind: 'sbom', format: 'spdx' };

const spdxJson = {
  spdxVersion: 'SPDX-2.3',
  SPDXID: 'SPDXRef-DOCUMENT',
  packages: [
    {
      name: 'zlib',
      SPDXID: 'SPDXRef-zlib',
      versionInfo: '1.3',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/zlib@1.3' }],
    },
  ],
};

function envelope(statement: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  return Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload, signatures: [{ sig: 'AA==' }] }));
}

describe('listSbomComponents', () => {
  it('SPDX tag-value: its package, version and purl from the ExternalRef line', () => {
    expect(listSbomComponents(SBOM, TAG_VALUE)).toEqual({
      components: [{ name: 'example-image', purl: 'pkg:oci/example-image@sha256%3Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }],
    });
  });

  it('an SBOM attestation: the same components from its bytes as from the facts already read', () => {
    const bytes = envelope({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'https://spdx.dev/Document/v2.3', predicate: spdxJson });
    const entry = { mediaType: 'application/vnd.dsse.envelope.v1+json', kind: 'attestation', format: 'dsse' };
    const fromBytes = listSbomComponents(entry, bytes);
    expect(fromBytes).toEqual({ components: [{ name: 'zlib', version: '1.3', purl: 'pkg:deb/debian/zlib@1.3' }] });
    const facts = extractFacts({ bytes, mediaType: entry.mediaType, normalized: normalize({ bytes, mediaType: entry.mediaType }) });
    expect(listSbomComponents(entry, Buffer.from('not read again'), { facts })).toEqual(fromBytes);
  });

  it('documents that are no SBOM list nothing and need no reason: provenance, VEX, an image manifest', () => {
    const provenance = envelope({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'https://slsa.dev/provenance/v1', predicate: {} });
    expect(listSbomComponents({ mediaType: '', kind: 'attestation', format: 'dsse' }, provenance)).toEqual({ components: [] });
    const vex = Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'x' }], vulnerabilities: [{ id: 'CVE-1' }] }));
    expect(listSbomComponents({ mediaType: '', kind: 'vex', format: 'cyclonedx' }, vex)).toEqual({ components: [] });
    expect(listSbomComponents({ mediaType: '', kind: 'image', format: 'oci-manifest' }, Buffer.from('{}'))).toEqual({ components: [] });
  });

  it.each([
    ['not UTF-8', SBOM, Buffer.from([0xff, 0xfe, 0x00, 0x41]), /^not UTF-8 text$/],
    ['truncated JSON', { ...SBOM, mediaType: 'application/spdx+json' }, Buffer.from('{"spdxVersion": "SPDX-2.3", "packages": ['), /^not valid JSON: /],
    ['JSON of no SBOM', { ...SBOM, mediaType: 'application/spdx+json' }, Buffer.from('{"hello": "world"}'), /^no spdx SBOM custody can list/],
    ['tag-value without its SPDXVersion', SBOM, Buffer.from('PackageName: x\nPackageVersion: 1\n'), /^no spdx SBOM custody can list/],
    ['YAML that does not parse', { ...SBOM, mediaType: 'application/spdx+yaml' }, Buffer.from('spdxVersion: SPDX-2.3\npackages: [\n'), /^not valid YAML: /],
    ['text of neither SPDX text form', { ...SBOM, mediaType: 'text/plain' }, Buffer.from('hello\n'), /^neither SPDX JSON, tag-value nor YAML/],
    ['XML that is not a bom', { ...SBOM, format: 'cyclonedx' }, Buffer.from('<html xmlns="http://www.w3.org/1999/xhtml"/>'), /not a CycloneDX bom$/],
    [
      'XML with an entity bomb (libxml2 stops it)',
      { ...SBOM, format: 'cyclonedx' },
      Buffer.from(
        `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i === 0 ? 'a' : 'b'.repeat(i)};`.repeat(10)}">`).join('')}]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&bbbbbbbbb;</name></component></components></bom>`,
      ),
      /^not well-formed XML \(line 1\): Maximum entity amplification factor exceeded/,
    ],
  ] as const)('%s: lists nothing, says why, never throws', (_name, entry, bytes, reason) => {
    const listing = listSbomComponents(entry, bytes);
    expect(listing.components).toEqual([]);
    expect(listing.reason).toMatch(reason);
  });
});
