import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { json } from '@sigstore/core';
import type { TestLog } from './sigstore.js';
import type { TestCA } from './x509.js';

/**
 * LOCAL TEST DOUBLES of Fulcio and Rekor on 127.0.0.1, enough for
 * @sigstore/sign's clients: not the real services, and not a transparency
 * log (each entry is proven in a one-leaf tree of its own).
 */
export interface Double {
  url: string;
  requests: number;
  close(): Promise<void>;
}

async function listen(handler: (body: unknown, req: IncomingMessage) => { status: number; body: unknown }): Promise<Double> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      let reply: { status: number; body: unknown };
      try {
        reply = handler(JSON.parse(Buffer.concat(chunks).toString('utf8')), req);
      } catch (err) {
        reply = { status: 400, body: { message: (err as Error).message } };
      }
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function tokenClaims(token: string): { iss: string; sub: string; email?: string } {
  const part = token.split('.')[1];
  if (!part) throw new Error('identity token is not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { iss: string; sub: string; email?: string };
}

/** An unsigned JWT-shaped token: the Fulcio double trusts it as it is (a real Fulcio checks the OIDC signature). */
export function testIdentityToken(claims: { iss: string; sub: string; email?: string }): string {
  const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims, email_verified: true, aud: 'sigstore' })}.test-double`;
}

/** Fulcio double: POST /api/v2/signingCert, checks proof of possession, issues a 10-minute leaf from `ca`. */
export function startFulcioDouble(ca: TestCA): Promise<Double> {
  return listen((body, req) => {
    if (req.method !== 'POST' || req.url !== '/api/v2/signingCert') return { status: 404, body: { message: 'not found' } };
    const request = body as {
      credentials: { oidcIdentityToken: string };
      publicKeyRequest: { publicKey: { content: string }; proofOfPossession: string };
    };
    const claims = tokenClaims(request.credentials.oidcIdentityToken);
    const subject = claims.email ?? claims.sub;
    const publicKey = createPublicKey(request.publicKeyRequest.publicKey.content);
    if (!verify('sha256', Buffer.from(subject), publicKey, Buffer.from(request.publicKeyRequest.proofOfPossession, 'base64'))) {
      return { status: 400, body: { message: 'proof of possession does not verify' } };
    }
    const san = claims.email ? `email:${claims.email}` : `uri:${claims.sub}`;
    const now = Date.now();
    const leaf = ca.leaf(
      { sans: [san], oidcIssuer: claims.iss, notBefore: new Date(now - 60_000), notAfter: new Date(now + 600_000) },
      { publicKey, privateKey: publicKey },
    );
    return { status: 201, body: { signedCertificateEmbeddedSct: { chain: { certificates: [leaf.pem, ca.intermediate.pem, ca.root.pem] } } } };
  });
}

/** Rekor double: POST /api/v1/log/entries, answers with a SET and a signed checkpoint for the canonical body. */
export async function startRekorDouble(log: TestLog): Promise<Double> {
  let next = 0;
  let origin = '';
  const double = await listen((body, req) => {
    if (req.method !== 'POST' || req.url !== '/api/v1/log/entries') return { status: 404, body: { message: 'not found' } };
    const canonical = Buffer.from(json.canonicalize(body), 'utf8');
    const logIndex = next++;
    const integratedTime = Math.floor(Date.now() / 1000);
    const logID = log.logID.toString('hex');
    const setPayload = { body: canonical.toString('base64'), integratedTime, logIndex, logID };
    const set = sign('sha256', Buffer.from(json.canonicalize(setPayload)), log.keys.privateKey);
    const leafHash = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), canonical]))
      .digest();
    const note = `${origin}\n1\n${leafHash.toString('base64')}\n`;
    const noteSig = Buffer.concat([log.logID.subarray(0, 4), sign('sha256', Buffer.from(note), log.keys.privateKey)]);
    const checkpoint = `${note}\n\u2014 ${origin} ${noteSig.toString('base64')}\n`;
    const uuid = leafHash.toString('hex');
    return {
      status: 201,
      body: {
        [uuid]: {
          body: canonical.toString('base64'),
          integratedTime,
          logID,
          logIndex,
          verification: {
            signedEntryTimestamp: set.toString('base64'),
            inclusionProof: { logIndex: 0, treeSize: 1, rootHash: leafHash.toString('hex'), hashes: [], checkpoint },
          },
        },
      },
    };
  });
  origin = double.url.replace(/^http:\/\//, '');
  return double;
}
