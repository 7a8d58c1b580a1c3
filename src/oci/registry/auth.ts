import { CustodyError } from '../../errors.js';
import type { RegistryContext } from './context.js';
import { findCredential, type Credential } from './credentials.js';
import { USER_AGENT, displayUrl } from './http.js';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';

/** A token answer is a few kilobytes of JSON. */
const MAX_TOKEN_RESPONSE = 1024 * 1024;
const TOKEN = /^[\x21-\x7e]{1,65536}$/;

/**
 * One request to a token realm, sent by the client's transport and retried
 * as every request is (5xx, 429, connection failures). The body comes back
 * for a 200 only; any other final status comes back without one.
 */
export type TokenRequest = (request: {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  what: string;
  maxBytes: number;
}) => Promise<{ status: number; body?: Buffer }>;

/**
 * Authentication to one registry host: the challenge it answered with
 * (Basic, or the Bearer token flow with scope `repository:<name>:pull`),
 * the credentials found for each repository (docker config, credential
 * helpers, REGISTRY_AUTH_FILE), and tokens, reused until they expire.
 * Credentials only ever go into an Authorization header to the registry
 * origin (the client decides where that is) or to its token realm.
 */
export class RegistryAuth {
  private challenge: Challenge | undefined;
  private readonly credentials = new Map<string, Promise<Credential | undefined>>();
  private readonly tokens = new Map<string, { value: string; expiresAt: number }>();
  private readonly tokenRequests = new Map<string, Promise<string | undefined>>();

  constructor(
    /** The registry as named in references (`docker.io`, `127.0.0.1:5000`). */
    private readonly registry: string,
    private readonly context: RegistryContext,
    private readonly requestToken: TokenRequest,
  ) {}

  /** A 401's `WWW-Authenticate`: Bearer preferred, else Basic. A new challenge for a repository drops its cached tokens. */
  learnChallenge(header: string | string[] | undefined, repository?: string): void {
    const challenges = parseWwwAuthenticate(header);
    const chosen = challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
    if (chosen) this.challenge = chosen;
    if (repository !== undefined) {
      for (const key of this.tokens.keys()) if (key.endsWith(`|repository:${repository}:pull`)) this.tokens.delete(key);
    }
  }

  /** The Authorization header for a request about `repository` on the registry, if the challenge can be answered. */
  async authorization(repository: string): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      const credential = await this.credential(repository);
      return credential?.kind === 'basic' ? basicHeader(credential) : undefined;
    }
    if (challenge.scheme === 'bearer') {
      const token = await this.bearerToken(challenge, repository);
      return token === undefined ? undefined : `Bearer ${token}`;
    }
    return undefined;
  }

  /** A Basic challenge and no credential for `repository`: asking again cannot succeed. */
  async cannotAnswer(repository: string): Promise<boolean> {
    return this.challenge?.scheme === 'basic' && (await this.credential(repository)) === undefined;
  }

  /** The error for a request the registry refused with 401: the credentials were rejected, or there were none. */
  async refused(what: string, repository: string): Promise<CustodyError> {
    const hadCredential = (await this.credential(repository)) !== undefined;
    return new CustodyError(
      'AUTH',
      hadCredential
        ? `${what}: ${this.registry} rejected the credentials (HTTP 401)`
        : `${what}: ${this.registry} requires authentication and no credentials were found (docker config, credential helpers, REGISTRY_AUTH_FILE)`,
    );
  }

  private credential(repository: string): Promise<Credential | undefined> {
    let found = this.credentials.get(repository);
    if (!found) {
      found = findCredential(this.registry, repository, this.context.credentialOptions);
      this.credentials.set(repository, found);
    }
    return found;
  }

  private bearerToken(challenge: Challenge, repository: string): Promise<string | undefined> {
    const scope = `repository:${repository}:pull`;
    const key = `${challenge.params.realm}|${challenge.params.service ?? ''}|${scope}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return Promise.resolve(cached.value);
    let pending = this.tokenRequests.get(key);
    if (!pending) {
      pending = this.fetchToken(challenge, scope, repository, key).finally(() => this.tokenRequests.delete(key));
      this.tokenRequests.set(key, pending);
    }
    return pending;
  }

  /** docker token spec (GET with Basic) or OAuth2 refresh-token grant (POST) for identity tokens. */
  private async fetchToken(challenge: Challenge, scope: string, repository: string, key: string): Promise<string | undefined> {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm ?? '');
    } catch {
      throw new CustodyError('AUTH', `${this.registry}: the token realm in the auth challenge is not a URL`);
    }
    if (realm.username || realm.password) throw new CustodyError('AUTH', `${this.registry}: the token realm carries user info; refused`);
    this.context.checkScheme(realm, `${this.registry}: token realm ${displayUrl(realm)}`);
    const credential = await this.credential(repository);
    const service = challenge.params.service;
    const what = `${this.registry}: token from ${displayUrl(realm)}`;
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: 'application/json' };
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    const url = new URL(realm);
    if (credential?.kind === 'identity-token') {
      method = 'POST';
      const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'custody', refresh_token: credential.token, scope });
      if (service !== undefined) form.set('service', service);
      body = form.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else {
      if (service !== undefined) url.searchParams.set('service', service);
      url.searchParams.append('scope', scope);
      if (credential?.kind === 'basic') headers.Authorization = basicHeader(credential);
    }
    const answer = await this.requestToken({ method, url, headers, what, maxBytes: MAX_TOKEN_RESPONSE, ...(body !== undefined ? { body } : {}) });
    if (answer.status === 401 || answer.status === 403) {
      throw new CustodyError(
        'AUTH',
        credential
          ? `${what}: the credentials for ${this.registry} were rejected (HTTP ${answer.status})`
          : `${what}: anonymous access refused (HTTP ${answer.status}); no credentials found for ${this.registry}`,
      );
    }
    if (answer.status !== 200 || answer.body === undefined) throw new CustodyError('AUTH', `${what}: HTTP ${answer.status}`);
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      doc = JSON.parse(answer.body.toString('utf8')) as typeof doc;
    } catch {
      throw new CustodyError('AUTH', `${what}: the answer is not JSON`);
    }
    const token = typeof doc.token === 'string' && doc.token !== '' ? doc.token : doc.access_token;
    if (typeof token !== 'string' || !TOKEN.test(token)) throw new CustodyError('AUTH', `${what}: the answer holds no usable token`);
    // docker token spec: without expires_in a token lasts 60 seconds.
    const lifetimeS = typeof doc.expires_in === 'number' && Number.isFinite(doc.expires_in) && doc.expires_in > 0 ? Math.min(doc.expires_in, 86_400) : 60;
    const lifetimeMs = lifetimeS * 1000;
    this.tokens.set(key, { value: token, expiresAt: Date.now() + lifetimeMs - Math.min(10_000, lifetimeMs / 10) });
    return token;
  }
}

function basicHeader(credential: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
}
