import type { Argv } from 'yargs';
import { DEFAULT_LIMITS } from '../normalize/limits.js';
import type { SourceOptions } from '../oci/source.js';

/** Registry flags shared by every command that reaches images. */
export interface RegistryArgs {
  insecure?: boolean;
  caFile?: string;
  timeout?: number;
  maxBytes?: number;
}

export function registryOptions(y: Argv): Argv {
  return y
    .option('insecure', { type: 'boolean', default: false, describe: 'allow plain HTTP and unverified TLS to non-loopback registries' })
    .option('ca-file', { type: 'string', describe: 'PEM file of extra CA certificates for registry TLS' })
    .option('timeout', { type: 'number', describe: 'seconds to wait for a registry response (default 30)' });
}

export function sourceOptions(args: RegistryArgs): SourceOptions {
  return {
    ...(args.insecure ? { insecure: true } : {}),
    ...(args.caFile !== undefined ? { caFile: args.caFile } : {}),
    ...(args.timeout !== undefined ? { requestTimeoutMs: args.timeout * 1000 } : {}),
    // One size limit for local files and registry bodies alike (README: --max-bytes).
    maxBodyBytes: args.maxBytes ?? DEFAULT_LIMITS.maxBytes,
  };
}

