import { DEFAULT_LIMITS } from '../lib/limits.js';
import type { SourceOptions } from '../oci/source.js';
import { FLAGS, type FlagName, type FlagType } from './flag-types.js';

/** How a command uses a flag of the table in flag-types.ts: what it means there, whether it is required. */
export interface FlagUse {
  describe: string;
  demand?: true;
  /** Only where the same name means something else (seal --key is one private key). */
  type?: FlagType;
}

/** A command's flags: name → its description, or how it is used. */
export type FlagUses = Partial<Record<FlagName, string | FlagUse>>;

export interface ResolvedFlag {
  type: FlagType;
  describe: string;
  demand: boolean;
  default: string | boolean | undefined;
}

export function resolveFlag(name: FlagName, use: string | FlagUse): ResolvedFlag {
  const entry: { type: FlagType; default?: string | boolean } = FLAGS[name];
  const spelled = typeof use === 'string' ? { describe: use } : use;
  return { type: spelled.type ?? entry.type, describe: spelled.describe, demand: spelled.demand === true, default: spelled.type ? undefined : entry.default };
}

/** Registry flags shared by every command that reaches images. */
export interface RegistryArgs {
  insecure?: boolean;
  caFile?: string;
  timeout?: number;
  maxBytes?: number;
}

export const REGISTRY_FLAGS = {
  insecure: 'allow plain HTTP and unverified TLS to non-loopback registries',
  'ca-file': 'PEM file of extra CA certificates for registry TLS',
  timeout: 'how long to wait for a registry response (default 30)',
} satisfies FlagUses;

export function sourceOptions(args: RegistryArgs): SourceOptions {
  return {
    ...(args.insecure ? { insecure: true } : {}),
    ...(args.caFile !== undefined ? { caFile: args.caFile } : {}),
    ...(args.timeout !== undefined ? { requestTimeoutMs: args.timeout * 1000 } : {}),
    // One size limit for local files and registry bodies alike (README: --max-bytes).
    maxBodyBytes: args.maxBytes ?? DEFAULT_LIMITS.maxBytes,
  };
}
