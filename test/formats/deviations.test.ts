import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVIATION_RULES } from '../../src/formats/deviations.js';
import { normalize } from '../../src/normalize/normalize.js';
import { CORPUS } from '../helpers/cli.js';

/**
 * Each deviation rule on its producer's real output (../shared/corpus), and
 * the same break from anything else staying a problem: a rule excuses one
 * producer's quirk, not a field.
 */
const BUILDKIT = readFileSync(
  join(CORPUS, 'cosign/slsa-verifier-oci-layout-v2.1.0/blobs/sha256/8d63b5e440cc7cfa68622b4a3cae2dbe215f8f8dcc9f2fa4ffd3078d40d61a84'),
);
const GCB = readFileSync(join(CORPUS, 'intoto/slsa-verifier/gcb/gcloud-container-github.json'));
const CONFORMANCE = readFileSync(join(CORPUS, 'invalid/sigstore-conformance/rekor2-dsse-mismatch-sig_fail/bundle.sigstore.json'));
const IN_TOTO = 'application/vnd.in-toto+json';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const json = (bytes: Buffer): Json => JSON.parse(bytes.toString('utf8')) as Json;
const bytesOf = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const codes = (r: ReturnType<typeof normalize>) => r.problems.map((p) => `${p.code} ${p.path}`);

/** The GCB document with its first statement changed by `edit` (the DSSE payload re-encoded; the signature no longer matters here). */
function gcbWith(edit: (statement: Json) => void): Buffer {
  const doc = json(GCB);
  const envelope = doc.provenance_summary.provenance[0].envelope;
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Json;
  edit(statement);
  envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  return bytesOf(doc);
}

function conformanceWith(edit: (statement: Json) => void): Buffer {
  const bundle = json(CONFORMANCE);
  const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as Json;
  edit(statement);
  bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
  return bytesOf(bundle);
}

describe('deviation rules', () => {
  it('have stable, distinct codes, each with a producer', () => {
    const ruleCodes = DEVIATION_RULES.map((r) => r.code);
    expect(new Set(ruleCodes).size).toBe(ruleCodes.length);
    for (const rule of DEVIATION_RULES) {
      expect(rule.code).toMatch(/^[a-z0-9-]+$/);
      expect(rule.producer.length).toBeGreaterThan(3);
    }
  });
});

describe('BuildKit: empty SLSA v0.2 builder.id (real buildx output from the slsa-verifier OCI layout)', () => {
  it('is valid with one deviation naming BuildKit', () => {
    const result = normalize({ bytes: BUILDKIT, mediaType: IN_TOTO });
    expect(result.valid).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.deviations).toEqual([
      {
        code: 'buildkit-empty-builder-id',
        path: '/predicate/builder/id',
        message: expect.stringContaining('BUILDKIT_BUILDER_ID'),
        producer: 'BuildKit (docker buildx --provenance)',
      },
    ]);
    expect(result.summary).toMatchObject({ predicateKind: 'slsa-provenance', builderId: '', buildType: 'https://mobyproject.org/buildkit@v1' });
  });

  it('strict: the deviation is a problem, code and path kept', () => {
    const result = normalize({ bytes: BUILDKIT, mediaType: IN_TOTO }, { strict: true });
    expect(result.valid).toBe(false);
    expect(result.deviations).toEqual([]);
    expect(codes(result)).toEqual(['buildkit-empty-builder-id /predicate/builder/id']);
    expect(result.problems[0]!.message).toContain('--strict');
  });

  it('without BuildKit markers, the same empty builder id stays a problem', () => {
    const noBuildType = json(BUILDKIT);
    noBuildType.predicate.buildType = 'https://example.com/build@v1';
    expect(codes(normalize({ bytes: bytesOf(noBuildType), mediaType: IN_TOTO }))).toContain('schema-min-length /predicate/builder/id');
    const noMetadata = json(BUILDKIT);
    delete noMetadata.predicate.metadata['https://mobyproject.org/buildkit@v1#metadata'];
    expect(normalize({ bytes: bytesOf(noMetadata), mediaType: IN_TOTO }).valid).toBe(false);
  });

  it('a BuildKit statement whose builder id is not empty but not a URI either stays a problem', () => {
    const notUri = json(BUILDKIT);
    notUri.predicate.builder.id = 'not a uri';
    const result = normalize({ bytes: bytesOf(notUri), mediaType: IN_TOTO });
    expect(codes(result)).toContain('schema-format /predicate/builder/id');
    expect(result.deviations).toEqual([]);
  });

  it('other problems of a BuildKit statement are not excused', () => {
    const broken = json(BUILDKIT);
    broken.predicate.buildType = 'https://mobyproject.org/buildkit@v1';
    broken.subject[0].digest.sha256 = 'not-hex';
    const result = normalize({ bytes: bytesOf(broken), mediaType: IN_TOTO });
    expect(result.valid).toBe(false);
    expect(result.deviations.map((d) => d.code)).toEqual(['buildkit-empty-builder-id']);
  });
});

describe('Google Cloud Build: recipe.definedInMaterial as a string (GCB provenance from gcloud --show-provenance)', () => {
  const path = '/provenance_summary/provenance/0/envelope/payload/predicate/recipe/definedInMaterial';

  it('the real document (which has no definedInMaterial) is valid with no deviation', () => {
    const result = normalize({ bytes: GCB });
    expect(result).toMatchObject({ format: 'gcb-provenance', valid: true, deviations: [] });
  });

  it('the real document with the int64-as-string GCB writes ("-1": the recipe is not from a material) is valid, with the deviation', () => {
    const result = normalize({ bytes: gcbWith((s) => (s.predicate.recipe.definedInMaterial = '-1')) });
    expect(result.problems).toEqual([]);
    expect(result.deviations).toEqual([expect.objectContaining({ code: 'gcb-defined-in-material-string', path, producer: 'Google Cloud Build' })]);
    expect(codes(normalize({ bytes: gcbWith((s) => (s.predicate.recipe.definedInMaterial = '-1')) }, { strict: true }))).toEqual([
      `gcb-defined-in-material-string ${path}`,
    ]);
  });

  it('a string that is not an integer, or a statement from another builder, stays a problem', () => {
    expect(codes(normalize({ bytes: gcbWith((s) => (s.predicate.recipe.definedInMaterial = 'first')) }))).toContain(`schema-type ${path}`);
    const other = normalize({
      bytes: gcbWith((s) => {
        s.predicate.recipe.definedInMaterial = '-1';
        s.predicate.builder.id = 'https://example.com/builder@v1';
      }),
    });
    expect(codes(other)).toContain(`schema-type ${path}`);
    expect(other.deviations).toEqual([]);
  });
});

describe('sigstore-conformance: SLSA v1 without buildDefinition.externalParameters (the Rekor v2 DSSE bundles)', () => {
  const path = '/dsseEnvelope/payload/predicate/buildDefinition/externalParameters';

  it('is valid with the deviation', () => {
    const result = normalize({ bytes: CONFORMANCE });
    expect(result.valid).toBe(true);
    expect(result.deviations).toEqual([expect.objectContaining({ code: 'sigstore-conformance-no-external-parameters', path })]);
  });

  it('the same omission by another builder stays a problem', () => {
    const result = normalize({ bytes: conformanceWith((s) => (s.predicate.runDetails.builder.id = 'https://github.com/actions/runner')) });
    expect(codes(result)).toEqual([`schema-required ${path}`]);
    expect(result.deviations).toEqual([]);
  });
});
