import type { Deviation, DeviationCode, FormatProblem, Problem } from '../types.js';
import { at, field, isObject, stringField } from './lib/json.js';

/**
 * Known producer quirks: breaks of a specification that a named, real
 * producer emits in ordinary use. Each rule recognises one producer by its
 * own markers and excuses exactly the problem its quirk causes, at exactly
 * one path, with exactly the quirky value: the same break from anything else
 * stays a problem. An excused problem becomes a deviation (recorded in the
 * image manifest, shown in output, never failing a run by itself; `--strict`
 * turns it back into a problem).
 *
 * Every rule is tested on the producer's real output (test/formats/deviations.test.ts).
 */
export interface DeviationRule {
  /** Stable code of the deviation, recorded in manifests; never renamed. */
  code: DeviationCode;
  /** Who is known to emit it. */
  producer: string;
  /** The statement's predicate type the quirk lives in. */
  predicateType: string;
  /** JSON Pointer, inside the statement, of the field the quirk is in. */
  path: string;
  /** Problem codes the quirk causes at that path (schema rules); others there stay problems. */
  excuses: readonly string[];
  /** The producer's markers and the quirky value, both: true only for that producer's quirk. */
  matches(statement: unknown): boolean;
  /** What the producer does, in a sentence. */
  message: string;
}

const BUILDKIT_BUILD_TYPE = 'https://mobyproject.org/buildkit@v1';
const BUILDKIT_METADATA = 'https://mobyproject.org/buildkit@v1#metadata';
const GCB_PREFIX = 'https://cloudbuild.googleapis.com/';
const CONFORMANCE_PREFIX = 'https://github.com/sigstore-conformance/';

export const DEVIATION_RULES: readonly DeviationRule[] = [
  {
    // BuildKit (moby/buildkit solver/llbsolver/provenance) fills SLSA v0.2 `builder.id` from the
    // BUILDKIT_BUILDER_ID build arg, empty unless the user sets it: buildx's default (--provenance=mode=min)
    // writes `"builder": {"id": ""}`. BuildKit is recognised by its buildType and its own metadata member.
    code: 'buildkit-empty-builder-id',
    producer: 'BuildKit (docker buildx --provenance)',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    path: '/predicate/builder/id',
    excuses: ['schema-min-length', 'schema-format'],
    matches: (s) =>
      stringField(at(s, 'predicate', 'builder'), 'id') === '' &&
      stringField(at(s, 'predicate'), 'buildType') === BUILDKIT_BUILD_TYPE &&
      isObject(at(s, 'predicate', 'metadata')) &&
      isObject(field(at(s, 'predicate', 'metadata'), BUILDKIT_METADATA)),
    message: 'BuildKit leaves the SLSA v0.2 builder.id empty unless BUILDKIT_BUILDER_ID is set; SLSA requires a URI',
  },
  {
    // Google Cloud Build serialises its provenance from protobuf, where recipe.defined_in_material is an
    // int64, and proto3 JSON writes int64 as a string ("-1" for "not from a material"). SLSA v0.1 says a
    // non-negative integer. GCB is recognised by its builder id and recipe type, both under cloudbuild.googleapis.com.
    code: 'gcb-defined-in-material-string',
    producer: 'Google Cloud Build',
    predicateType: 'https://slsa.dev/provenance/v0.1',
    path: '/predicate/recipe/definedInMaterial',
    excuses: ['schema-type'],
    matches: (s) => {
      const value = field(at(s, 'predicate', 'recipe'), 'definedInMaterial');
      return (
        typeof value === 'string' &&
        /^-?[0-9]+$/.test(value) &&
        (stringField(at(s, 'predicate', 'builder'), 'id') ?? '').startsWith(GCB_PREFIX) &&
        (stringField(at(s, 'predicate', 'recipe'), 'type') ?? '').startsWith(GCB_PREFIX)
      );
    },
    message: 'Google Cloud Build writes recipe.definedInMaterial as a string (protobuf int64 in JSON); SLSA v0.1 says an integer',
  },
  {
    // The sigstore-conformance suite's Rekor v2 DSSE cases sign SLSA v1 statements whose buildDefinition
    // has only a buildType (no externalParameters, which SLSA v1 requires). Recognised by builder id and
    // buildType, both under the sigstore-conformance GitHub organisation.
    code: 'sigstore-conformance-no-external-parameters',
    producer: 'sigstore-conformance (Rekor v2 DSSE test bundles)',
    predicateType: 'https://slsa.dev/provenance/v1',
    path: '/predicate/buildDefinition/externalParameters',
    excuses: ['schema-required'],
    matches: (s) =>
      isObject(at(s, 'predicate', 'buildDefinition')) &&
      field(at(s, 'predicate', 'buildDefinition'), 'externalParameters') === undefined &&
      (stringField(at(s, 'predicate', 'buildDefinition'), 'buildType') ?? '').startsWith(CONFORMANCE_PREFIX) &&
      (stringField(at(s, 'predicate', 'runDetails', 'builder'), 'id') ?? '').startsWith(CONFORMANCE_PREFIX),
    message: 'the sigstore-conformance test statements omit SLSA v1 buildDefinition.externalParameters, which SLSA v1 requires',
  },
];

export function isDeviation(problem: Problem): problem is Deviation {
  return typeof (problem as Partial<Deviation>).producer === 'string';
}

/**
 * Turn the problems a statement's quirk causes into one deviation per rule.
 * `prefix` is the pointer of the statement inside the evidence; problems
 * elsewhere, of other codes, or from statements no rule recognises stay.
 */
export function applyDeviationRules(statement: unknown, prefix: string, problems: FormatProblem[]): FormatProblem[] {
  const predicateType = stringField(statement, 'predicateType');
  let out = problems;
  for (const rule of DEVIATION_RULES) {
    if (rule.predicateType !== predicateType) continue;
    const path = prefix + rule.path;
    const excused = out.filter((p) => p.path === path && rule.excuses.includes(p.code) && !isDeviation(p));
    if (excused.length === 0 || !rule.matches(statement)) continue;
    const deviation: Deviation = {
      code: rule.code,
      path,
      message: `${rule.message} (${excused.map((p) => p.message).join('; ')})`,
      producer: rule.producer,
    };
    out = [...out.filter((p) => !excused.includes(p)), deviation];
  }
  return out;
}

/** `--strict`: every deviation is a problem, code and path kept, the producer said in the message. */
export function deviationAsProblem(deviation: Deviation): FormatProblem {
  return { code: deviation.code, path: deviation.path, message: `${deviation.message} [known ${deviation.producer} deviation; --strict]` };
}
