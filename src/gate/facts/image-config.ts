import { isRecord, record, sha256Digest, text } from './json.js';

const CONFIG_MEDIA_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);
const MANIFEST_MEDIA_TYPES = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);

export interface ConfigFacts {
  /** `config.User` as written ('' when unset: the image runs as root). */
  user: string;
  labels: Record<string, string>;
  /** `os/architecture[/variant]`, when the config says. */
  platform?: string;
}

/** An image config (OCI or Docker): by media type, else by `rootfs` + `architecture`/`os`. */
export function looksLikeConfig(json: unknown, mediaType: string): boolean {
  if (!isRecord(json)) return false;
  if (CONFIG_MEDIA_TYPES.has(mediaType)) return true;
  return isRecord(json.rootfs) && (typeof json.architecture === 'string' || typeof json.os === 'string');
}

export function readConfig(json: unknown): ConfigFacts {
  const config = record(json, 'config');
  const labels: Record<string, string> = {};
  const raw = record(config, 'Labels');
  for (const [key, value] of Object.entries(raw ?? {})) if (typeof value === 'string') labels[key] = value;
  const facts: ConfigFacts = { user: text(config, 'User') ?? '', labels };
  const os = text(json, 'os');
  const arch = text(json, 'architecture');
  if (os && arch) facts.platform = [os, arch, text(json, 'variant')].filter(Boolean).join('/');
  return facts;
}

/** The config digest an image manifest names (to bind a config to its platform), or undefined. */
export function manifestConfigDigest(json: unknown, mediaType: string): string | undefined {
  if (!isRecord(json) || !Array.isArray(json.layers)) return undefined;
  const declared = text(json, 'mediaType') ?? mediaType;
  if (declared && !MANIFEST_MEDIA_TYPES.has(declared)) return undefined;
  const config = record(json, 'config');
  if (!CONFIG_MEDIA_TYPES.has(text(config, 'mediaType') ?? '')) return undefined;
  return sha256Digest(text(config, 'digest'));
}

/**
 * Whether a `User` runs as root: empty (Docker's default), `root`, or uid 0,
 * with or without a group (`0:0`, `root:root`, `0:1000`). A user name other
 * than root cannot be resolved without the image's /etc/passwd; it is taken
 * as non-root, and the reason says so.
 */
export function runsAsRoot(user: string): boolean {
  const name = user.trim().split(':')[0]!.trim();
  return name === '' || name === 'root' || /^0+$/.test(name);
}
