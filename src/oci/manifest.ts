import { isRecord } from '../lib/is-record.js';
import type { Descriptor, Platform } from '../types.js';
import { isDigest } from './reference.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST, isIndexMediaType, isManifestMediaType } from './media-types.js';

/**
 * Manifests and indexes as read from a registry or a layout: hostile bytes.
 * Parsing checks the shape the code relies on (descriptors with a supported
 * digest, a non-negative safe-integer size, string annotations) and returns
 * a result instead of throwing, so callers decide whether a bad document is
 * fatal (the image itself) or a warning (an attached artifact).
 */

export interface ParsedImageManifest {
  kind: 'manifest';
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ParsedIndex {
  kind: 'index';
  mediaType: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type ParsedManifest = ParsedImageManifest | ParsedIndex;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Bounds on what one document may hold; far above real manifests. */
export const MAX_DESCRIPTORS = 10_000;
const MAX_ANNOTATIONS = 1_000;

/** image-spec descriptor.md: the media type grammar (RFC 6838, no parameters). */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

class ShapeError extends Error {}

function fail(path: string, message: string): never {
  throw new ShapeError(`${path || '/'}: ${message}`);
}

export function isMediaType(value: unknown): value is string {
  return typeof value === 'string' && MEDIA_TYPE.test(value);
}

function readAnnotations(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) fail(path, 'annotations must be an object of strings');
  const keys = Object.keys(value);
  if (keys.length > MAX_ANNOTATIONS) fail(path, `more than ${MAX_ANNOTATIONS} annotations`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const key of keys) {
    const v = value[key];
    if (typeof v !== 'string') fail(`${path}/${escapePointer(key)}`, 'annotation value must be a string');
    out[key] = v;
  }
  return { ...out };
}

function readPlatform(value: unknown, path: string): Platform | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) fail(path, 'platform must be an object');
  const { architecture, os, variant } = value;
  if (typeof architecture !== 'string' || typeof os !== 'string') fail(path, 'platform needs string architecture and os');
  const platform: Platform = { architecture, os };
  if (typeof variant === 'string') platform.variant = variant;
  const osVersion = value['os.version'];
  if (typeof osVersion === 'string') platform['os.version'] = osVersion;
  const features = value['os.features'];
  if (Array.isArray(features) && features.every((f) => typeof f === 'string')) platform['os.features'] = [...(features as string[])];
  return platform;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Validate one descriptor; unknown fields are dropped (`urls` too: custody never fetches foreign URLs). */
export function readDescriptor(value: unknown, path: string): Descriptor {
  if (!isRecord(value)) fail(path, 'descriptor must be an object');
  const { mediaType, digest, size, artifactType } = value;
  if (!isMediaType(mediaType)) fail(`${path}/mediaType`, 'missing or not a media type');
  if (typeof digest !== 'string' || !isDigest(digest)) fail(`${path}/digest`, 'missing or not a sha256/sha512 digest');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) fail(`${path}/size`, 'missing or not a non-negative integer');
  const descriptor: Descriptor = { mediaType, digest, size };
  if (artifactType !== undefined) {
    if (!isMediaType(artifactType)) fail(`${path}/artifactType`, 'not a media type');
    descriptor.artifactType = artifactType;
  }
  const annotations = readAnnotations(value.annotations, `${path}/annotations`);
  if (annotations !== undefined) descriptor.annotations = annotations;
  const platform = readPlatform(value.platform, `${path}/platform`);
  if (platform !== undefined) descriptor.platform = platform;
  return descriptor;
}

function readDescriptors(value: unknown, path: string, required: boolean): Descriptor[] {
  if (value === undefined || value === null) {
    if (required) fail(path, 'missing');
    return [];
  }
  if (!Array.isArray(value)) fail(path, 'must be an array');
  if (value.length > MAX_DESCRIPTORS) fail(path, `more than ${MAX_DESCRIPTORS} entries`);
  return value.map((item, i) => readDescriptor(item, `${path}/${i}`));
}

function decodeJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return JSON.parse(text) as unknown;
}

/**
 * Parse a manifest or an index. `hint` is the media type the transport or
 * the referring descriptor announced; the document's own `mediaType` wins,
 * and a document that has both `manifests` and `config`/`layers` is refused
 * (image-spec: an ambiguous document is a known attack).
 */
export function parseManifest(bytes: Uint8Array, hint?: string): ParseResult<ParsedManifest> {
  let doc: unknown;
  try {
    doc = decodeJson(bytes);
  } catch {
    return { ok: false, reason: 'not UTF-8 JSON' };
  }
  try {
    return { ok: true, value: readManifest(doc, hint) };
  } catch (err) {
    if (err instanceof ShapeError) return { ok: false, reason: err.message };
    throw err;
  }
}

function readManifest(doc: unknown, hint: string | undefined): ParsedManifest {
  if (!isRecord(doc)) fail('', 'not a JSON object');
  if (doc.schemaVersion !== 2) fail('/schemaVersion', 'must be 2');
  const declared = doc.mediaType;
  if (declared !== undefined && typeof declared !== 'string') fail('/mediaType', 'must be a string');
  const hasManifests = doc.manifests !== undefined;
  const hasImageFields = doc.config !== undefined || doc.layers !== undefined;
  if (hasManifests && hasImageFields) fail('', 'has both manifests and config/layers (ambiguous)');

  let kind: 'manifest' | 'index';
  let mediaType: string;
  if (declared !== undefined) {
    if (isIndexMediaType(declared)) kind = 'index';
    else if (isManifestMediaType(declared)) kind = 'manifest';
    else fail('/mediaType', `unsupported manifest media type "${declared.slice(0, 100)}"`);
    mediaType = declared;
  } else if (hint !== undefined && (isIndexMediaType(hint) || isManifestMediaType(hint))) {
    kind = isIndexMediaType(hint) ? 'index' : 'manifest';
    mediaType = hint;
  } else if (hasManifests) {
    kind = 'index';
    mediaType = OCI_INDEX;
  } else if (hasImageFields) {
    kind = 'manifest';
    mediaType = OCI_MANIFEST;
  } else {
    fail('', 'neither a manifest nor an index');
  }
  if (kind === 'index' && hasImageFields) fail('', `${mediaType} with config/layers`);
  if (kind === 'manifest' && hasManifests) fail('', `${mediaType} with manifests`);
  if ((mediaType === DOCKER_MANIFEST || mediaType === DOCKER_MANIFEST_LIST) && declared === undefined && hint === undefined) {
    fail('/mediaType', 'missing');
  }

  let artifactType: string | undefined;
  if (doc.artifactType !== undefined) {
    if (!isMediaType(doc.artifactType)) fail('/artifactType', 'not a media type');
    artifactType = doc.artifactType;
  }
  const subject = doc.subject === undefined || doc.subject === null ? undefined : readDescriptor(doc.subject, '/subject');
  const annotations = readAnnotations(doc.annotations, '/annotations');
  const common = {
    mediaType,
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(annotations !== undefined ? { annotations } : {}),
  };
  if (kind === 'index') {
    return { kind, ...common, manifests: readDescriptors(doc.manifests, '/manifests', true) };
  }
  return {
    kind,
    ...common,
    config: readDescriptor(doc.config, '/config'),
    layers: readDescriptors(doc.layers, '/layers', true),
  };
}

/**
 * The artifact type a referrers listing reports for a manifest
 * (distribution-spec 1.1): `artifactType`, else the config media type.
 */
export function artifactTypeOf(manifest: ParsedManifest): string | undefined {
  if (manifest.artifactType !== undefined) return manifest.artifactType;
  return manifest.kind === 'manifest' ? manifest.config.mediaType : undefined;
}
