import { homedir } from 'node:os';
import { join } from 'node:path';
import { CustodyError } from '../../errors.js';
import { isRecord } from '../../lib/is-record.js';
import { isMissingFile, readRegularFile } from '../../lib/read-file.js';
import { DOCKER_HUB, DOCKER_HUB_ALIASES } from '../reference.js';
import { runCredentialHelper } from './credential-helper.js';

/**
 * Credentials as Docker and Podman users already keep them:
 * 1. `$REGISTRY_AUTH_FILE` (containers-auth.json; keys may name a namespace
 *    or repository, the longest match wins);
 * 2. `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`:
 *    `credHelpers[host]`, then `credsStore`, then `auths[host]`
 *    (`auth` = base64 `user:password`, or `username`/`password`, or `identitytoken`).
 * A credential never leaves this module except to build an Authorization header.
 */

export type Credential = { kind: 'basic'; username: string; password: string } | { kind: 'identity-token'; token: string };

export interface CredentialOptions {
  env: NodeJS.ProcessEnv;
  dockerConfigDir?: string;
  authFile?: string;
}

/** Docker Hub's historical server address, the key Docker uses in config files and helpers. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

interface ConfigFile {
  path: string;
  auths: Record<string, AuthEntry>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

/** `https://index.docker.io/v1/` → `docker.io`; `http://host:5000/v2/` → `host:5000`; keeps a namespace path. */
export function normalizeAuthKey(key: string): string {
  let rest = key.trim().replace(/^[a-z]+:\/\//i, '');
  rest = rest.replace(/\/v[12]\/?$/, '').replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : rest.slice(slash);
  return `${DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host}${path}`;
}

/** Best key for `registry/repository`: an exact host, or the longest namespace prefix. */
export function matchAuthKey(keys: Iterable<string>, registry: string, repository: string): string | undefined {
  const host = DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB : registry.toLowerCase();
  const target = `${host}/${repository}`;
  let best: string | undefined;
  let bestLength = -1;
  for (const key of keys) {
    const normalized = normalizeAuthKey(key);
    const matches = normalized === host || normalized === target || target.startsWith(`${normalized}/`);
    if (matches && normalized.length > bestLength) {
      best = key;
      bestLength = normalized.length;
    }
  }
  return best;
}

async function loadConfig(path: string): Promise<ConfigFile | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path, { what: 'registry credentials file', maxBytes: MAX_CONFIG_BYTES, code: 'AUTH' });
  } catch (err) {
    if (isMissingFile(err)) return undefined;
    if (err instanceof CustodyError && err.code === 'INPUT_TOO_LARGE')
      throw new CustodyError('AUTH', `registry credentials file ${path} is larger than ${MAX_CONFIG_BYTES} bytes`);
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    // The file holds secrets: say where it is broken, never what it says.
    throw new CustodyError('AUTH', `registry credentials file ${path} is not valid JSON`);
  }
  if (!isRecord(doc)) throw new CustodyError('AUTH', `registry credentials file ${path} is not a JSON object`);
  const auths: Record<string, AuthEntry> = {};
  if (isRecord(doc.auths)) {
    for (const [key, value] of Object.entries(doc.auths)) if (isRecord(value)) auths[key] = value;
  }
  const credHelpers: Record<string, string> = {};
  if (isRecord(doc.credHelpers)) {
    for (const [key, value] of Object.entries(doc.credHelpers)) if (typeof value === 'string' && value !== '') credHelpers[key] = value;
  }
  const config: ConfigFile = { path, auths, credHelpers };
  if (typeof doc.credsStore === 'string' && doc.credsStore !== '') config.credsStore = doc.credsStore;
  return config;
}

function fromEntry(entry: AuthEntry, path: string, key: string): Credential | undefined {
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') return { kind: 'identity-token', token: entry.identitytoken };
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new CustodyError('AUTH', `registry credentials file ${path}: the "auth" of ${normalizeAuthKey(key)} is not base64 of user:password`);
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }
  return undefined;
}

/** The server address a helper is asked about: Docker Hub's v1 URL, else `host[:port]`. */
export function helperServerUrl(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB_SERVER : registry;
}

async function fromHelper(helper: string, registry: string, env: NodeJS.ProcessEnv): Promise<Credential | undefined> {
  const found = await runCredentialHelper(helper, helperServerUrl(registry), env);
  if (!found) return undefined;
  // docker-credential-helpers: a Username of "<token>" marks an identity (refresh) token.
  if (found.username === '<token>') return { kind: 'identity-token', token: found.secret };
  return { kind: 'basic', username: found.username, password: found.secret };
}

async function fromConfig(config: ConfigFile, registry: string, repository: string, env: NodeJS.ProcessEnv): Promise<Credential | undefined> {
  const helperKey = matchAuthKey(Object.keys(config.credHelpers), registry, repository);
  if (helperKey !== undefined) return fromHelper(config.credHelpers[helperKey]!, registry, env);
  if (config.credsStore !== undefined) {
    const stored = await fromHelper(config.credsStore, registry, env);
    if (stored) return stored;
  }
  const authKey = matchAuthKey(Object.keys(config.auths), registry, repository);
  return authKey === undefined ? undefined : fromEntry(config.auths[authKey]!, config.path, authKey);
}

/** The files consulted, in order. */
export function credentialFiles(options: CredentialOptions): string[] {
  const files: string[] = [];
  const authFile = options.authFile ?? options.env.REGISTRY_AUTH_FILE;
  if (authFile) files.push(authFile);
  const dir = options.dockerConfigDir ?? options.env.DOCKER_CONFIG ?? join(options.env.HOME ?? homedir(), '.docker');
  files.push(join(dir, 'config.json'));
  return files;
}

export async function findCredential(registry: string, repository: string, options: CredentialOptions): Promise<Credential | undefined> {
  for (const file of credentialFiles(options)) {
    const config = await loadConfig(file);
    if (!config) continue;
    const found = await fromConfig(config, registry, repository, options.env);
    if (found) return found;
  }
  return undefined;
}
