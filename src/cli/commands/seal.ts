import { CustodyError } from '../../errors.js';
import { sealDay } from '../../export/seal.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { shown } from '../../lib/escape.js';
import { printJson, type Io } from '../output.js';

export interface SealArgs {
  day: string;
  key?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
  json: boolean;
}

export async function runSeal(args: SealArgs, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const token = env.SIGSTORE_ID_TOKEN;
  let result;
  if (args.key !== undefined) {
    result = await sealDay(args.day, { keyPath: args.key });
  } else if (token) {
    if (!args.fulcioUrl || !args.rekorUrl) throw new CustodyError('USAGE', 'keyless sealing needs --fulcio-url and --rekor-url');
    result = await sealDay(args.day, { identityToken: token, fulcioURL: args.fulcioUrl, rekorURL: args.rekorUrl });
  } else {
    throw new CustodyError('USAGE', 'seal needs --key PEM, or SIGSTORE_ID_TOKEN with --fulcio-url and --rekor-url for keyless');
  }
  if (args.json) printJson(io, result);
  else io.out(`${shown`sealed ${args.day}: ${result.path} (${result.mode}, signer ${result.signer}, manifest sha256 ${result.manifestSha256})`}\n`);
  return EXIT.ok;
}
