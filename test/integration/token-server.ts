import { randomBytes, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test token server for the registry's `auth: token` mode (docker token
 * authentication spec): GET /token?service=…&scope=… with Basic auth, or a
 * POST refresh-token grant with an identity token. Issues ES256 JWTs whose
 * `x5c` header carries the signing certificate, which the registry trusts
 * through `rootcertbundle`. Real JWTs, real verification by the registry.
 */
export interface TokenServerOptions {
  key: KeyObject;
  certDer: Buffer;
  issuer: string;
  service: string;
  users: Record<string, string>;
  /** identity (refresh) token → user */
  identityTokens?: Record<string, string>;
  expiresIn?: number;
}

export interface TokenRequest {
  method: string;
  user?: string;
  scopes: string[];
}

function b64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

export class TokenServer {
  readonly requests: TokenRequest[] = [];
  issued = 0;
  private server: http.Server | undefined;
  realm = '';

  constructor(private readonly options: TokenServerOptions) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.realm = `http://127.0.0.1:${port}/token`;
    return this.realm;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A token for pushing in test setup. */
  tokenFor(user: string, scopes: string[]): string {
    return this.jwt(user, scopes);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://token');
    let body = '';
    for await (const chunk of req) body += String(chunk);
    let user: string | undefined;
    let scopes = url.searchParams.getAll('scope');
    if (req.method === 'POST') {
      const form = new URLSearchParams(body);
      scopes = form.getAll('scope');
      if (form.get('grant_type') !== 'refresh_token') return this.deny(res, 400);
      user = this.options.identityTokens?.[form.get('refresh_token') ?? ''];
      if (!user) return this.deny(res, 401);
    } else {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const name = decoded.slice(0, colon);
        if (this.options.users[name] !== decoded.slice(colon + 1)) return this.deny(res, 401);
        user = name;
      }
    }
    this.requests.push({ method: req.method ?? 'GET', scopes, ...(user ? { user } : {}) });
    // Anonymous callers get a token with no access: the registry then refuses them.
    const token = this.jwt(user, user ? scopes : []);
    this.issued += 1;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const payload = { token, access_token: token, expires_in: this.options.expiresIn ?? 300, issued_at: new Date().toISOString() };
    res.end(JSON.stringify(payload));
  }

  private deny(res: http.ServerResponse, status: number): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end('{"details":"denied"}');
  }

  private jwt(user: string | undefined, scopes: string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.flatMap((scope) => {
      const [type, ...rest] = scope.split(':');
      const actions = rest.pop() ?? '';
      return type ? [{ type, name: rest.join(':'), actions: actions.split(',').filter((a) => a !== '') }] : [];
    });
    const header = { typ: 'JWT', alg: 'ES256', x5c: [this.options.certDer.toString('base64')] };
    const claims = {
      iss: this.options.issuer,
      sub: user ?? '',
      aud: this.options.service,
      exp: now + (this.options.expiresIn ?? 300),
      nbf: now - 5,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.options.key, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${b64url(signature)}`;
  }
}
