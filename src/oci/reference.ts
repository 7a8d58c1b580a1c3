import { CustodyError } from '../errors.js';

/**
 * Image references, parsed by one pure module.
 * - `registry/repo[:tag][@sha256:…]` follows the Docker reference grammar
 *   (distribution/reference): a first component with `.` or `:` or equal to
 *   `localhost` is a registry host; otherwise the registry is docker.io and a
 *   one-component repository gets `library/`.
 * - `oci:PATH[:tag|@sha256:…]` names an OCI image layout folder.
 */
export type ImageReference = RegistryReference | LayoutReference;

export interface RegistryReference {
  type: 'registry';
  /** Host with optional port, lower case; `docker.io` for Docker Hub. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface LayoutReference {
  type: 'layout';
  path: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Names Docker Hub goes by in references and in credential stores; all mean docker.io. */
export const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/;
const DIGESTS: Record<string, RegExp> = {
  sha256: /^sha256:[a-f0-9]{64}$/,
  sha512: /^sha512:[a-f0-9]{128}$/,
};
const MAX_NAME_LENGTH = 255;

function invalid(input: string, why: string): CustodyError {
  return new CustodyError('INVALID_REFERENCE', `invalid image reference "${printable(input)}": ${why}`);
}

function printable(input: string): string {
  const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input;
  return shown.replace(/[^\x20-\x7e]/g, '?');
}

/** Check `sha256:<64 hex>` (or sha512); returns the digest or throws INVALID_REFERENCE. */
export function parseDigest(value: string, input = value): string {
  const algorithm = value.split(':', 1)[0] ?? '';
  const pattern = DIGESTS[algorithm];
  if (!pattern) throw invalid(input, `digest "${printable(value)}" must be sha256:<64 hex> or sha512:<128 hex>`);
  if (!pattern.test(value)) throw invalid(input, `digest "${printable(value)}" is not ${algorithm}:<lower-case hex> of the right length`);
  return value;
}

export function isDigest(value: string): boolean {
  const pattern = DIGESTS[value.split(':', 1)[0] ?? ''];
  return pattern !== undefined && pattern.test(value);
}

export function parseReference(input: string): ImageReference {
  if (typeof input !== 'string' || input.length === 0) throw invalid(String(input), 'empty');
  if (input.startsWith('oci:')) return parseLayoutReference(input);
  if (/\s/.test(input)) throw invalid(input, 'contains white space');
  if (input.includes('://')) throw invalid(input, 'a reference has no scheme; write host/repository[:tag][@digest]');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = parseDigest(rest.slice(at + 1), input);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw invalid(input, `tag "${printable(tag)}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  if (rest.length === 0) throw invalid(input, 'no repository name');
  if (rest.length > MAX_NAME_LENGTH) throw invalid(input, `name longer than ${MAX_NAME_LENGTH} characters`);

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    if (!HOST.test(first)) throw invalid(input, `registry host "${printable(first)}" is not a host name with an optional port`);
    const port = first.match(/:(\d+)$/)?.[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw invalid(input, `port ${port} is out of range`);
    registry = first.toLowerCase();
    parts.shift();
  }
  if (DOCKER_HUB_ALIASES.has(registry)) registry = DOCKER_HUB;
  for (const part of parts) {
    if (part === '') throw invalid(input, 'empty path component (doubled or trailing "/")');
    if (!COMPONENT.test(part)) {
      const hint = /[A-Z]/.test(part) ? ' (repository names must be lower case)' : '';
      throw invalid(input, `path component "${printable(part)}" is not allowed${hint}`);
    }
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');

  const ref: RegistryReference = { type: 'registry', registry, repository: parts.join('/') };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

function parseLayoutReference(input: string): LayoutReference {
  let rest = input.slice('oci:'.length);
  let digest: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0 && /^sha(256|512):/.test(rest.slice(at + 1))) {
    digest = parseDigest(rest.slice(at + 1), input);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!/^[\x21-\x7e]{1,255}$/.test(tag)) throw invalid(input, `layout tag "${printable(tag)}" is empty or has characters a ref name cannot have`);
  }
  if (rest.length === 0) throw invalid(input, 'no layout folder after "oci:"');
  const ref: LayoutReference = { type: 'layout', path: rest };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** The canonical string: `host/repo[:tag][@digest]` or `oci:PATH[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  const name = ref.type === 'registry' ? `${ref.registry}/${ref.repository}` : `oci:${ref.path}`;
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The reference without tag or digest: `host/repo` or `oci:PATH`. */
export function formatRepository(ref: ImageReference): string {
  return ref.type === 'registry' ? `${ref.registry}/${ref.repository}` : `oci:${ref.path}`;
}

/**
 * Folder segments for an image under `images/`: the host (port as `_port`,
 * any character outside [a-z0-9._-] as `_`) and the repository components;
 * for a layout, `oci/<folder name>`. No segment can be `.`, `..` or empty.
 */
export function archiveSegments(ref: ImageReference): string[] {
  if (ref.type === 'registry') {
    return [safeSegment(ref.registry), ...ref.repository.split('/').map(safeSegment)];
  }
  const base =
    ref.path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  return ['oci', safeSegment(base.toLowerCase() || 'layout')];
}

export function safeSegment(value: string): string {
  const cleaned = value.replace(/[^a-zA-Z0-9._-]/g, '_');
  if (cleaned === '' || /^\.+$/.test(cleaned)) return cleaned.replace(/\./g, '_') || '_';
  return cleaned;
}
