import { spawn } from 'node:child_process';
import { CustodyError } from '../../errors.js';

/**
 * docker-credential-helpers protocol: run `docker-credential-<name> get`,
 * write the server URL on stdin, read `{"ServerURL","Username","Secret"}`.
 * A helper that knows nothing of the server says so on stdout and exits 1.
 * Nothing the helper prints is ever repeated in a message.
 */

export interface HelperCredential {
  username: string;
  secret: string;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_OUTPUT = 64 * 1024;

export function isValidHelperName(name: string): boolean {
  return HELPER_NAME.test(name);
}

export async function runCredentialHelper(name: string, serverUrl: string, env: NodeJS.ProcessEnv, timeoutMs = 10_000): Promise<HelperCredential | undefined> {
  if (!isValidHelperName(name)) {
    throw new CustodyError('AUTH', `credential helper name "${name.slice(0, 64).replace(/[^\x20-\x7e]/g, '?')}" is not a plain program name; refused`);
  }
  const program = `docker-credential-${name}`;
  const { code, stdout, failure } = await new Promise<{ code: number | null; stdout: string; failure?: string }>((resolve) => {
    let child;
    try {
      child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'ignore'], shell: false });
    } catch (err) {
      resolve({ code: null, stdout: '', failure: (err as NodeJS.ErrnoException).code ?? 'spawn failed' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: { code: number | null; stdout: string; failure?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, stdout: '', failure: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) =>
      finish({ code: null, stdout: '', failure: err.code === 'ENOENT' ? 'not found on PATH' : (err.code ?? 'failed') }),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) {
        child.kill('SIGKILL');
        finish({ code: null, stdout: '', failure: 'printed too much' });
        return;
      }
      chunks.push(chunk);
    });
    child.on('close', (exitCode) => finish({ code: exitCode, stdout: Buffer.concat(chunks).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
  });
  if (failure !== undefined) throw new CustodyError('AUTH', `credential helper ${program} ${failure}`);
  if (code !== 0) {
    if (/credentials not found/i.test(stdout)) return undefined;
    throw new CustodyError('AUTH', `credential helper ${program} failed for ${serverUrl} (exit ${code ?? 'signal'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new CustodyError('AUTH', `credential helper ${program} did not print JSON for ${serverUrl}`);
  }
  const username = (parsed as { Username?: unknown }).Username;
  const secret = (parsed as { Secret?: unknown }).Secret;
  if (typeof username !== 'string' || typeof secret !== 'string') {
    throw new CustodyError('AUTH', `credential helper ${program} printed no Username/Secret for ${serverUrl}`);
  }
  if (secret === '') return undefined;
  return { username, secret };
}
