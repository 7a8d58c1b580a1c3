import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/formats/index.js';
import { baseMediaType, detectFormat, normalize } from '../../src/normalize/normalize.js';
import { FIXTURES_DIR } from '../../scripts/make-format-fixtures.mjs';

const fixture = (dir: string, file: string): Buffer => readFileSync(join(FIXTURES_DIR, dir, file));
const IMAGE = `sha256:${'a'.repeat(64)}`;

describe('normalize', () => {
  it('strips media type parameters and case', () => {
    expect(baseMediaType('Application/Vnd.Dev.Sigstore.Bundle+JSON; version=0.2')).toBe('application/vnd.dev.sigstore.bundle+json');
  });

  it('lets the media type beat content markers', () => {
    // An SPDX document served as a CycloneDX BOM is a (broken) CycloneDX BOM: the media type decides.
    const result = normalize({ bytes: fixture('spdx', 'valid-minimal-2.3.json'), mediaType: 'application/vnd.cyclonedx+json' });
    expect(result.format).toBe('cyclonedx');
    expect(result.detectedBy).toBe('media type application/vnd.cyclonedx+json');
    expect(result.valid).toBe(false);
  });

  it('records why a format was chosen and its version', () => {
    const result = normalize({ bytes: fixture('spdx', 'valid-minimal-2.3.json') });
    expect(result).toMatchObject({ format: 'spdx', formatVersion: '2.3', detectedBy: 'marker spdxVersion=SPDX-2.3' });
  });

  it('keeps an unknown media type with unknown content as other/unknown, valid', () => {
    const result = normalize({ bytes: Buffer.from('hello'), mediaType: 'application/x-custom' });
    expect(result).toEqual({ kind: 'other', format: 'unknown', valid: true, problems: [], deviations: [], subjects: [], summary: {} });
  });

  it('flags subject-mismatch when every claimed digest is another image', () => {
    const bytes = fixture('in-toto', 'valid-slsa-v1.json');
    expect(normalize({ bytes }, { imageDigests: [IMAGE] }).valid).toBe(true);
    const other = normalize({ bytes }, { imageDigests: [`sha256:${'b'.repeat(64)}`, `sha256:${'c'.repeat(64)}`] });
    expect(other.valid).toBe(false);
    expect(other.problems).toEqual([expect.objectContaining({ code: 'subject-mismatch', path: '' })]);
    expect(other.subjects).toEqual([IMAGE]);
  });

  it('accepts evidence bound to a platform manifest of the image', () => {
    const bytes = fixture('in-toto', 'valid-slsa-v1.json');
    expect(normalize({ bytes }, { imageDigests: [`sha256:${'b'.repeat(64)}`, IMAGE] }).valid).toBe(true);
  });

  it('does not alter the parsed document while validating (every format, every valid fixture)', () => {
    for (const dir of [
      'spdx',
      'cyclonedx',
      'in-toto',
      'dsse',
      'sigstore-bundle',
      'sarif',
      'trivy',
      'grype',
      'syft',
      'clair',
      'openvex',
      'oci-manifest',
      'oci-index',
      'oci-config',
      'npm-attestations',
      'gcb-provenance',
      'notation',
      'spdx3',
    ]) {
      const expected = JSON.parse(fixture(dir, 'expected.json').toString()) as Record<string, { mediaType?: string; valid: boolean }>;
      for (const [file, want] of Object.entries(expected)) {
        if (!file.endsWith('.json')) continue;
        const json: unknown = JSON.parse(fixture(dir, file).toString());
        const copy = structuredClone(json);
        const input = { mediaType: want.mediaType ?? '', json };
        const match = detectFormat(input, FORMATS);
        expect(match, `${dir}/${file}`).toBeDefined();
        match!.format.validate(input, match!.detection);
        match!.format.subjects(input, match!.detection);
        match!.format.summarize(input, match!.detection);
        expect(json, `${dir}/${file}`).toEqual(copy);
      }
    }
  });

  it('turns a format module that throws into a problem, not a crash', () => {
    const boom = {
      ...FORMATS[0]!,
      detect: () => ({ by: 'content' as const, reason: 'test' }),
      validate: () => {
        throw new Error('boom');
      },
    };
    const result = normalize({ bytes: Buffer.from('{}') }, { formats: [boom] });
    expect(result.problems).toContainEqual(expect.objectContaining({ code: 'format-error' }));
  });

  it('attributes unreadable JSON to the format its media type names', () => {
    const result = normalize({ bytes: Buffer.from('{not json'), mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' });
    expect(result).toMatchObject({ kind: 'signature', format: 'sigstore-bundle', valid: false });
    expect(result.problems[0]?.code).toBe('json-invalid');
  });
});

describe('media types that name the payload rather than its container', () => {
  it('reads a DSSE envelope or a Sigstore bundle labelled application/vnd.in-toto+json as what it is', () => {
    const envelope = normalize({ bytes: fixture('dsse', 'valid-in-toto-slsa-v1.json'), mediaType: 'application/vnd.in-toto+json' });
    expect(envelope).toMatchObject({ format: 'dsse', valid: true });
    const bundle = normalize({ bytes: fixture('sigstore-bundle', 'valid-v0.3-dsse.json'), mediaType: 'application/vnd.in-toto+json' });
    expect(bundle).toMatchObject({ format: 'sigstore-bundle', kind: 'attestation', valid: true });
  });
});

describe('a known format in an unknown version', () => {
  const cases: [string, string, string, string][] = [
    ['SPDX JSON', JSON.stringify({ spdxVersion: 'SPDX-9.9', SPDXID: 'SPDXRef-DOCUMENT', name: 'x' }), 'spdx', '/spdxVersion'],
    ['SPDX tag-value', 'SPDXVersion: SPDX-9.9\nDataLicense: CC0-1.0\n', 'spdx', '/spdxVersion'],
    ['CycloneDX JSON', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '9.9' }), 'cyclonedx', '/specVersion'],
    ['in-toto Statement', JSON.stringify({ _type: 'https://in-toto.io/Statement/v9', subject: [], predicateType: 'x' }), 'in-toto', '/_type'],
    ['SARIF', JSON.stringify({ version: '2.2', runs: [] }), 'sarif', '/version'],
  ];
  for (const [name, text, format, path] of cases) {
    it(`${name}: that format, invalid with one unsupported-version problem (never other/unknown, never valid)`, () => {
      const result = normalize({ bytes: Buffer.from(text) });
      expect(result.format).toBe(format);
      expect(result.valid).toBe(false);
      expect(result.problems).toEqual([expect.objectContaining({ code: 'unsupported-version', path })]);
    });
  }
});
