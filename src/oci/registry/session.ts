import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { CustodyError } from '../../errors.js';
import { readRegularFileSync } from '../../lib/read-file.js';
import { resolveSourceOptions, type ConnectionOptions, type ResolvedSourceOptions } from '../source-options.js';
import { RegistryClient } from './client.js';
import type { RegistryContext } from './context.js';
import type { CredentialOptions } from './credentials.js';
import { plainHttpAllowed } from './endpoint.js';
import type { RetryPolicy } from './retry.js';

/** A CA bundle is a few certificates; anything larger is a mistake. */
const MAX_CA_FILE = 16 * 1024 * 1024;

/**
 * What registry sources of one run share: keep-alive agents, one client per
 * registry host (its scheme, auth challenge, tokens and in-flight limit), tag
 * lists and whether a registry has the referrers API.
 */
export class RegistrySession implements RegistryContext {
  readonly options: ResolvedSourceOptions;
  readonly credentialOptions: CredentialOptions;
  readonly retryPolicy: RetryPolicy;
  /** `host/repo` → its tags, or undefined when there are too many to list. */
  readonly tagLists = new Map<string, Promise<Set<string> | undefined>>();
  /** Registry host → false once a referrers request answered 404. */
  readonly referrersApi = new Map<string, boolean>();
  private readonly ca: string[] | undefined;
  private readonly agents = new Map<string, http.Agent>();
  private readonly clients = new Map<string, RegistryClient>();
  private closed = false;

  constructor(options: ConnectionOptions = {}) {
    this.options = resolveSourceOptions(options);
    const env = options.env ?? process.env;
    this.credentialOptions = {
      env,
      ...(options.dockerConfigDir !== undefined ? { dockerConfigDir: options.dockerConfigDir } : {}),
      ...(options.authFile !== undefined ? { authFile: options.authFile } : {}),
    };
    this.retryPolicy = {
      retries: this.options.retries,
      baseDelayMs: this.options.retryBaseDelayMs,
      maxDelayMs: this.options.retryMaxDelayMs,
      maxRetryAfterMs: this.options.maxRetryAfterMs,
    };
    if (options.caFile !== undefined) {
      // Synchronous: a constructor. Non-blocking open, fstat, regular files only, like every file a user names.
      const pem = readRegularFileSync(options.caFile, { what: 'CA file', maxBytes: MAX_CA_FILE }).toString('utf8');
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
        throw new CustodyError('INVALID_INPUT', `CA file ${options.caFile} holds no PEM certificate`);
      }
      this.ca = [...rootCertificates, pem];
    }
  }

  client(registry: string): RegistryClient {
    if (this.closed) throw new CustodyError('NETWORK', 'registry session is closed');
    let client = this.clients.get(registry);
    if (!client) {
      client = new RegistryClient(registry, this);
      this.clients.set(registry, client);
    }
    return client;
  }

  /** Refuse plain HTTP to a host that is neither loopback nor declared insecure. */
  checkScheme(url: URL, purpose: string): void {
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && plainHttpAllowed(url.host, this.options.insecure)) return;
    throw new CustodyError(
      'NETWORK',
      `${purpose}: refusing ${url.protocol.replace(':', '')} to ${url.host} (HTTPS required; plain HTTP only for loopback hosts or with insecure)`,
    );
  }

  agentFor(url: URL): http.Agent {
    const key = `${url.protocol}//${url.host}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const common = { keepAlive: true, maxSockets: this.options.concurrency, maxFreeSockets: this.options.concurrency };
      agent =
        url.protocol === 'https:'
          ? new https.Agent({ ...common, ...(this.ca ? { ca: this.ca } : {}), rejectUnauthorized: !this.options.insecure })
          : new http.Agent(common);
      this.agents.set(key, agent);
    }
    return agent;
  }

  close(): void {
    this.closed = true;
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
