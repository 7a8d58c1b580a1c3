import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { sha256Hex } from '../../lib/hash.js';
import { fetchTrustedRoot } from '../../trust/tuf.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { shown } from '../../lib/escape.js';
import { printJson, type Io } from '../output.js';

export interface FetchTrustedRootArgs {
  out: string;
  mirror?: string;
  tufRoot?: string;
  cache?: string;
  timeout?: number;
  json: boolean;
}

export async function runFetchTrustedRoot(args: FetchTrustedRootArgs, io: Io): Promise<ExitCode> {
  const cachePath = args.cache ?? (await mkdtemp(join(tmpdir(), 'custody-tuf-')));
  const text = await fetchTrustedRoot({
    cachePath,
    ...(args.mirror !== undefined ? { mirrorURL: args.mirror } : {}),
    ...(args.tufRoot !== undefined ? { tufRootPath: args.tufRoot } : {}),
    ...(args.timeout !== undefined ? { timeoutMs: args.timeout * 1000 } : {}),
  });
  await writeFileAtomic(args.out, text);
  const result = { out: args.out, sha256: sha256Hex(text), bytes: Buffer.byteLength(text) };
  if (args.json) printJson(io, result);
  else io.out(`${shown`trusted root fetched through TUF: ${result.out} (sha256 ${result.sha256}); use it with --trusted-root`}\n`);
  return EXIT.ok;
}
