import { FORMATS } from '../formats/index.js';
import type { DetectInput, Detection, Format } from '../formats/format.js';
import type { Deviation, EvidenceKind, EvidenceProblem as Problem, Normalized } from '../types.js';
import { deviationAsProblem, isDeviation } from '../formats/deviations.js';
import { foldWhole, type FoldResult } from '../formats/fold.js';
import { withLimits, type Limits } from '../lib/limits.js';
import { parseEvidence } from './parse.js';
import { normalizeSplit, type Split, type SplitOutcome } from './split.js';

export interface NormalizeInput {
  bytes: Uint8Array;
  /** Media type from the descriptor or the user; empty when unknown. */
  mediaType?: string;
  annotations?: Record<string, string>;
}

export interface NormalizeContext {
  /**
   * Digests of the image and its platform manifests. When given, evidence
   * that names subjects but none of these is `subject-mismatch`.
   */
  imageDigests?: readonly string[];
  limits?: Partial<Limits>;
  /** Formats to try; defaults to every known format. */
  formats?: readonly Format[];
  /**
   * JSON documents of at least this many bytes are judged in slices, never
   * parsed whole (SBOMs of a streaming format; others are parsed whole).
   * Default 16 MiB.
   */
  sliceAbove?: number;
  /** `--strict`: known producer deviations are problems like any other. */
  strict?: boolean;
}

export const SLICE_ABOVE = 16 * 1024 * 1024;

/** Strip parameters and case: `application/vnd.x+json; version=0.1` -> `application/vnd.x+json`. */
export function baseMediaType(mediaType: string | undefined): string {
  return (mediaType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function declaresJson(mediaType: string): boolean {
  const base = baseMediaType(mediaType);
  return base.endsWith('+json') || base === 'application/json';
}

/**
 * Bytes in, facts out: detect the format, validate, extract claimed subjects,
 * summarise. Pure; never throws on hostile input; never alters the bytes.
 */
export function normalize(input: NormalizeInput, context: NormalizeContext = {}): Normalized {
  const limits = withLimits(context.limits);
  const mediaType = input.mediaType ?? '';
  const formats = context.formats ?? FORMATS;
  if (input.bytes.length === 0) {
    return unknown([{ code: 'empty', path: '', message: 'the evidence is empty (0 bytes)' }]);
  }
  let split: Split = {};
  if (input.bytes.length >= (context.sliceAbove ?? SLICE_ABOVE)) {
    const base: Omit<DetectInput, 'json' | 'text' | 'bytes' | 'limits'> = { mediaType, ...(input.annotations ? { annotations: input.annotations } : {}) };
    try {
      split = normalizeSplit(input.bytes, limits, (detectInput) => detectFormat(detectInput, formats), base);
    } catch {
      split = {}; // A format that throws: the whole-document path below reports it as a problem.
    }
    if (split.outcome) return splitFacts(split.outcome, context);
  }
  const parsed = parseEvidence(input.bytes, limits, declaresJson(mediaType), split.shape);
  if (parsed.type === 'rejected') return rejected(parsed.problem, mediaType, input.annotations, formats);

  const detectInput: DetectInput = { mediaType, bytes: input.bytes, limits };
  if (input.annotations) detectInput.annotations = input.annotations;
  if (parsed.type === 'json') detectInput.json = parsed.value;
  if (parsed.type === 'text') detectInput.text = parsed.value;

  const match = detectFormat(detectInput, formats);
  if (!match) return unknown([]);
  const { format, detection } = match;

  return facts(format, detection, judge(format, detectInput, detection), context);
}

/** The facts of a document judged in slices. */
export function splitFacts(outcome: SplitOutcome, context: NormalizeContext): Normalized {
  return facts(outcome.format, outcome.detection, fromFold({ value: outcome.result }), context);
}

/** Validation, subjects and summary of a recognised document: one fold for streaming formats, three calls otherwise. */
function judge(format: Format, input: DetectInput, detection: Detection): Judged {
  if (format.streaming) {
    const streaming = format.streaming;
    const options = detection.version === undefined ? {} : { version: detection.version };
    return fromFold(guard(() => foldWhole(streaming, input.json, options), undefined, 'validate'));
  }
  return {
    problems: guard(() => format.validate(input, detection), [] as Problem[], 'validate'),
    subjects: guard(() => format.subjects(input, detection), [] as string[], 'subjects'),
    summary: guard(() => format.summarize(input, detection), {} as Record<string, unknown>, 'summarize'),
  };
}

/** A fold's facts (or the problem of a fold that threw) as the three judgements. */
function fromFold(folded: Guarded<FoldResult | undefined>): Judged {
  return {
    problems: { value: folded.value?.problems ?? [], ...(folded.error ? { error: folded.error } : {}) },
    subjects: { value: folded.value?.subjects ?? [] },
    summary: { value: folded.value?.summary ?? {} },
    ...(folded.value?.kind ? { kind: folded.value.kind } : {}),
  };
}

interface Judged {
  problems: Guarded<Problem[]>;
  subjects: Guarded<string[]>;
  summary: Guarded<Record<string, unknown>>;
  kind?: EvidenceKind;
}

function facts(format: Format, detection: Detection, judged: Judged, context: NormalizeContext): Normalized {
  const { problems, subjects, summary } = judged;
  // Formats report a known producer's quirk as a deviation among the problems; they part here.
  const deviations: Deviation[] = problems.value.filter(isDeviation);
  const allProblems = problems.value.filter((p) => !isDeviation(p));
  if (context.strict) allProblems.push(...deviations.splice(0).map(deviationAsProblem));
  if (problems.error) allProblems.push(problems.error);
  if (subjects.error) allProblems.push(subjects.error);
  if (summary.error) allProblems.push(summary.error);
  const claimed = [...new Set(subjects.value)];
  const mismatch = checkSubjects(claimed, context.imageDigests);
  if (mismatch) allProblems.push(mismatch);

  const normalized: Normalized = {
    kind: judged.kind ?? detection.kind ?? format.kind,
    format: format.id,
    detectedBy: detection.reason,
    defaultMediaType: format.defaultMediaType,
    valid: allProblems.length === 0,
    problems: allProblems,
    deviations,
    subjects: claimed,
    summary: summary.value,
  };
  if (detection.version !== undefined) normalized.formatVersion = detection.version;
  return normalized;
}

/**
 * Bytes that could not be read as the JSON their media type promises: still
 * attributed to the format the media type names (an auditor sees "a broken
 * OCI manifest", not "something unknown"), with the parse problem.
 */
export function rejected(problem: Problem, mediaType: string, annotations: Record<string, string> | undefined, formats: readonly Format[]): Normalized {
  const input: DetectInput = { mediaType };
  if (annotations) input.annotations = annotations;
  const match = detectFormat(input, formats);
  if (!match || match.detection.by !== 'media-type') return unknown([problem]);
  return {
    kind: match.detection.kind ?? match.format.kind,
    format: match.format.id,
    detectedBy: match.detection.reason,
    defaultMediaType: match.format.defaultMediaType,
    valid: false,
    problems: [problem],
    deviations: [],
    subjects: [],
    summary: {},
  };
}

export function detectFormat(input: DetectInput, formats: readonly Format[]): { format: Format; detection: Detection } | undefined {
  let byContent: { format: Format; detection: Detection } | undefined;
  for (const format of formats) {
    let detection: Detection | undefined;
    try {
      detection = format.detect(input);
    } catch {
      detection = undefined;
    }
    if (!detection) continue;
    if (detection.by === 'media-type') return { format, detection };
    byContent ??= { format, detection };
  }
  return byContent;
}

function checkSubjects(subjects: string[], imageDigests: readonly string[] | undefined): Problem | undefined {
  if (!imageDigests || imageDigests.length === 0 || subjects.length === 0) return undefined;
  const wanted = new Set(imageDigests);
  if (subjects.some((s) => wanted.has(s))) return undefined;
  return {
    code: 'subject-mismatch',
    path: '',
    message: `claims ${subjects.slice(0, 3).join(', ')}${subjects.length > 3 ? ', ...' : ''} but not the image ${imageDigests[0]}`,
  };
}

export function unknown(problems: Problem[]): Normalized {
  return { kind: 'other', format: 'unknown', valid: problems.length === 0, problems, deviations: [], subjects: [], summary: {} };
}

type Guarded<T> = { value: T; error?: Problem };

/** A format module that throws on hostile input is a bug, but never a crash: it becomes a problem. */
function guard<T>(fn: () => T, fallback: T, step: string): Guarded<T> {
  try {
    return { value: fn() };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { value: fallback, error: { code: 'format-error', path: '', message: `${step} failed: ${reason}` } };
  }
}
