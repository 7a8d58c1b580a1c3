import type http from 'node:http';
import type { ResolvedSourceOptions } from '../source-options.js';
import type { CredentialOptions } from './credentials.js';
import type { RetryPolicy } from './retry.js';

/**
 * What one registry host's client needs from the run around it: options,
 * where credentials are looked up, the retry policy, keep-alive agents and
 * the scheme check. RegistrySession (session.ts) is the one implementation;
 * the client depends on this interface, not on the session.
 */
export interface RegistryContext {
  readonly options: ResolvedSourceOptions;
  readonly credentialOptions: CredentialOptions;
  readonly retryPolicy: RetryPolicy;
  /** The keep-alive agent for an origin (HTTP or HTTPS with the run's CA file). */
  agentFor(url: URL): http.Agent;
  /** Refuse plain HTTP to a host that is neither loopback nor declared insecure. */
  checkScheme(url: URL, purpose: string): void;
}
