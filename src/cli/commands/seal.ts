import type { Argv } from 'yargs';
import { CustodyError } from '../../errors.js';
import { sealDay } from '../../export/seal.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, type Io } from '../output.js';

export interface SealArgs {
  day: string;
  key?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
  json: boolean;
}

export const sealCommand = {
  command: 'seal <day>',
  describe: 'sign a finished day manifest: writes manifest.json.sigstore.json (a Sigstore bundle) beside it',
  builder: (y: Argv) =>
    y
      .positional('day', { type: 'string', demandOption: true, describe: 'day folder, e.g. artifacts/2026-11-29' })
      .option('key', { type: 'string', describe: 'private key PEM (PKCS#8 or SEC1; ECDSA or RSA)' })
      .option('fulcio-url', { type: 'string', describe: 'keyless: Fulcio URL (with SIGSTORE_ID_TOKEN set)' })
      .option('rekor-url', { type: 'string', describe: 'keyless: Rekor URL (with SIGSTORE_ID_TOKEN set)' }),
};

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
  else io.out(`sealed ${args.day}: ${result.path} (${result.mode}, signer ${result.signer}, manifest sha256 ${result.manifestSha256})\n`);
  return EXIT.ok;
}
