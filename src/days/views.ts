/**
 * Day and image manifests as report and diff read them: every field checked
 * for its type, so that a manifest verification has already flagged (wrong
 * types, missing fields: hostile input) can still be shown, never crash a
 * reader and never smuggle a non-string where a string is expected.
 */
import { isRecord } from '../gate/facts/json.js';
import { platformText } from '../gate/rules/targets.js';
import type { EvidenceKind, Platform, Problem } from '../types.js';

/** A problem or deviation as an archive recorded it: its custody may have known other codes. */
export type Deviation = Problem<string> & { producer: string };
import { EVIDENCE_KINDS } from '../types.js';

export interface DayImageView {
  ref: string;
  digest: string | null;
  path: string | null;
  manifestSha256: string | null;
  status: string;
  error: string | null;
}

export interface DayManifestView {
  date: string;
  createdAt: string;
  updatedAt: string;
  images: DayImageView[];
  previous: { date: string; sha256: string } | null;
}

export interface PlatformView {
  digest: string;
  /** `linux/amd64`, or undefined when the index names no platform. */
  platform?: string;
}

export interface VerificationView {
  verified: boolean;
  code?: string;
  keyHint?: string;
  san?: string;
  issuer?: string;
  reason: string;
}

export interface EvidenceView {
  path: string;
  sha256: string;
  size: number;
  mediaType: string;
  kind: EvidenceKind;
  format: string;
  formatVersion?: string;
  origin: { method: string; attachedTo?: string; via?: string; annotations?: Record<string, string> };
  valid: boolean;
  problems: Problem<string>[];
  deviations: Deviation[];
  subjects: string[];
  summary: Record<string, unknown>;
  verification?: VerificationView;
}

export interface ImageManifestView {
  ref: string;
  digest: string;
  mediaType: string | null;
  platforms: PlatformView[];
  createdAt: string;
  updatedAt: string;
  evidence: EvidenceView[];
}

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const strOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}

/** The day manifest's JSON, or undefined when it is not an object. */
export function toDayManifestView(json: unknown): DayManifestView | undefined {
  if (!isRecord(json)) return undefined;
  const previous =
    isRecord(json.previous) && typeof json.previous.date === 'string' && typeof json.previous.sha256 === 'string'
      ? { date: json.previous.date, sha256: json.previous.sha256 }
      : null;
  return {
    date: str(json.date),
    createdAt: str(json.createdAt),
    updatedAt: str(json.updatedAt),
    images: list(json.images)
      .filter(isRecord)
      .map((image) => ({
        ref: str(image.ref, '(no reference)'),
        digest: strOrNull(image.digest),
        path: strOrNull(image.path),
        manifestSha256: strOrNull(image.manifestSha256),
        status: str(image.status, 'unknown'),
        error: strOrNull(image.error),
      })),
    previous,
  };
}

function toProblems(value: unknown): Problem<string>[] {
  return list(value)
    .filter(isRecord)
    .map((p) => ({ code: str(p.code, 'unknown'), path: str(p.path), message: str(p.message) }));
}

function toDeviations(value: unknown): Deviation[] {
  return list(value)
    .filter(isRecord)
    .map((p) => ({ code: str(p.code, 'unknown'), path: str(p.path), message: str(p.message), producer: str(p.producer, 'unknown') }));
}

function toVerification(value: unknown): VerificationView | undefined {
  if (!isRecord(value)) return undefined;
  const identity = isRecord(value.identity) ? value.identity : {};
  return {
    verified: value.verified === true,
    reason: str(value.reason),
    ...optional('code', value.code),
    ...optional('keyHint', identity.keyHint),
    ...optional('san', identity.san),
    ...optional('issuer', identity.issuer),
  };
}

function toAnnotations(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

function toEvidence(entry: Record<string, unknown>): EvidenceView {
  const origin = isRecord(entry.origin) ? entry.origin : {};
  const descriptor = isRecord(origin.descriptor) ? origin.descriptor : {};
  const annotations = toAnnotations(descriptor.annotations);
  const kind = EVIDENCE_KINDS.includes(entry.kind as EvidenceKind) ? (entry.kind as EvidenceKind) : 'other';
  const verification = toVerification(entry.verification);
  return {
    path: str(entry.path),
    sha256: str(entry.sha256),
    size: typeof entry.size === 'number' && Number.isFinite(entry.size) ? entry.size : 0,
    mediaType: str(entry.mediaType),
    kind,
    format: str(entry.format, 'unknown'),
    ...optional('formatVersion', entry.formatVersion),
    origin: {
      method: str(origin.method, 'unknown'),
      ...optional('attachedTo', origin.attachedTo),
      ...optional('via', origin.via),
      ...(annotations ? { annotations } : {}),
    },
    valid: entry.valid === true,
    problems: toProblems(entry.problems),
    deviations: toDeviations(entry.deviations),
    subjects: list(entry.subjects).filter((s): s is string => typeof s === 'string'),
    summary: isRecord(entry.summary) ? entry.summary : {},
    ...(verification ? { verification } : {}),
  };
}

/** An image manifest's JSON, or undefined when it is not an object. */
export function toImageManifestView(json: unknown): ImageManifestView | undefined {
  if (!isRecord(json)) return undefined;
  const subject = isRecord(json.subject) ? json.subject : {};
  return {
    ref: str(subject.ref, '(no reference)'),
    digest: str(subject.digest),
    mediaType: strOrNull(subject.mediaType),
    platforms: list(subject.platforms)
      .filter(isRecord)
      .map((p) => {
        const text = isRecord(p.platform) ? platformText(p.platform as unknown as Platform) : undefined;
        return { digest: str(p.digest), ...(text ? { platform: text } : {}) };
      }),
    createdAt: str(json.createdAt),
    updatedAt: str(json.updatedAt),
    evidence: list(json.evidence).filter(isRecord).map(toEvidence),
  };
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseJsonText(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
