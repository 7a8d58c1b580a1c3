import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/formats/index.js';
import { normalize } from '../../src/normalize/normalize.js';
import type { Normalized } from '../../src/types.js';

/**
 * Property tests: whatever arrives, normalize returns (never throws, never
 * hangs), names a known format with a reason or says `unknown`, and reports
 * problems in the documented shape.
 */

const KNOWN_IDS = new Set([...FORMATS.map((f) => f.id), 'unknown']);
const KINDS = new Set(['sbom', 'signature', 'attestation', 'scan', 'vex', 'image', 'other']);

const MEDIA_TYPES = [
  '',
  'application/json',
  'text/plain',
  'application/octet-stream',
  ...new Set(FORMATS.map((f) => f.defaultMediaType)),
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.cncf.notary.signature',
  'text/spdx',
];

function checkShape(result: Normalized): void {
  expect(KNOWN_IDS.has(result.format)).toBe(true);
  expect(KINDS.has(result.kind)).toBe(true);
  if (result.format === 'unknown') expect(result.kind).toBe('other');
  else expect(result.detectedBy && result.detectedBy.length > 0).toBe(true);
  expect(result.valid).toBe(result.problems.length === 0);
  for (const p of result.problems) {
    expect(typeof p.code).toBe('string');
    expect(p.code.length).toBeGreaterThan(0);
    expect(p.path === '' || p.path.startsWith('/')).toBe(true);
    expect(typeof p.message).toBe('string');
  }
  for (const s of result.subjects) expect(s).toMatch(/^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/);
  expect(() => JSON.stringify(result)).not.toThrow();
}

/** JSON with the keys formats look for, so that random documents reach the validators. */
const markerKeys = fc.constantFrom(
  'spdxVersion',
  'bomFormat',
  'specVersion',
  '_type',
  'subject',
  'predicateType',
  'predicate',
  'payloadType',
  'payload',
  'signatures',
  'mediaType',
  'verificationMaterial',
  'dsseEnvelope',
  'messageSignature',
  'critical',
  'SchemaVersion',
  'Results',
  'matches',
  'descriptor',
  'artifacts',
  'schema',
  'source',
  'runs',
  'version',
  '@context',
  '@graph',
  'statements',
  'schemaVersion',
  'config',
  'layers',
  'manifests',
  'rootfs',
  'os',
  'architecture',
  'manifest_hash',
  'package_vulnerabilities',
  'attestations',
  'provenance_summary',
  'protected',
  'header',
  'packages',
  'components',
  '__proto__',
  'constructor',
);
const markerValues = fc.oneof(
  fc.constantFrom(
    'SPDX-2.3',
    'CycloneDX',
    '1.6',
    'https://in-toto.io/Statement/v1',
    'application/vnd.in-toto+json',
    2,
    'application/vnd.dev.sigstore.bundle.v0.3+json',
    'cosign container image signature',
    'https://openvex.dev/ns/v0.2.0',
    'layers',
    'grype',
    'syft',
    '2.1.0',
    `sha256:${'a'.repeat(64)}`,
    'eyJfdHlwZSI6MX0=',
    null,
    [],
    {},
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const markedJson = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, markerValues, fc.dictionary(markerKeys, tie('node'), { maxKeys: 6 }), fc.array(tie('node'), { maxLength: 4 })),
})).node;

describe('normalize on hostile input (fast-check)', () => {
  it('random JSON: never throws, a known format with a reason or unknown', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...MEDIA_TYPES), (value, mediaType) => {
        checkShape(normalize({ bytes: Buffer.from(JSON.stringify(value) ?? 'null'), mediaType }));
      }),
      { numRuns: 400 },
    );
  });

  it('random documents built from format markers: never throws', () => {
    fc.assert(
      fc.property(markedJson, fc.constantFrom(...MEDIA_TYPES), (value, mediaType) => {
        checkShape(normalize({ bytes: Buffer.from(JSON.stringify(value) ?? 'null'), mediaType }, { imageDigests: [`sha256:${'b'.repeat(64)}`] }));
      }),
      { numRuns: 600 },
    );
  });

  it('random bytes and text: never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.string({ unit: 'binary', maxLength: 1024 }).map((s) => Buffer.from(s)),
        ),
        fc.constantFrom(...MEDIA_TYPES),
        fc.option(fc.dictionary(fc.string(), fc.string()), { nil: undefined }),
        (bytes, mediaType, annotations) => {
          const input = annotations ? { bytes, mediaType, annotations } : { bytes, mediaType };
          checkShape(normalize(input));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('prefixed forms (containers/image signature, tag-value) with random bodies: never throws', () => {
    fc.assert(
      fc.property(fc.constantFrom('\u0000sigstore-json\n', 'SPDXVersion: SPDX-2.3\n'), fc.string({ maxLength: 512 }), (prefix, body) => {
        checkShape(normalize({ bytes: Buffer.from(prefix + body) }));
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same bytes give the same result', () => {
    fc.assert(
      fc.property(markedJson, (value) => {
        const bytes = Buffer.from(JSON.stringify(value) ?? 'null');
        expect(normalize({ bytes })).toEqual(normalize({ bytes }));
      }),
      { numRuns: 200 },
    );
  });
});
