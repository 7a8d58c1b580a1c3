import type { Argv } from 'yargs';
import { DEFAULT_LIMITS } from '../lib/limits.js';
import type { SourceOptions } from '../oci/source.js';
import { CustodyError } from '../errors.js';
import { badFlag, FLAGS, parseFlag, type FlagName, type FlagType } from './flag-types.js';

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

function coerce(name: string, type: FlagType, value: unknown): unknown {
  if (type.repeatable) {
    const values = Array.isArray(value) ? value : [value];
    const parsed = values.map((v) => (typeof v === 'string' ? parseFlag(name, type, v) : fail(badFlag(name, type, undefined))));
    return type.expands ? parsed.flat() : parsed;
  }
  if (Array.isArray(value)) throw new CustodyError('USAGE', `--${name} is given ${value.length} times; it takes one value (${type.takes})`);
  if (typeof value !== 'string') throw badFlag(name, type, undefined);
  return parseFlag(name, type, value);
}

function fail(error: Error): never {
  throw error;
}

/** Register a command's flags with yargs: each parsed by its type from the one table (values arrive as text). */
export function withFlags(y: Argv, uses: FlagUses): Argv {
  for (const [name, use] of Object.entries(uses) as [FlagName, string | FlagUse][]) {
    const flag = resolveFlag(name, use);
    const describe = flag.type.hint ? `${flag.describe}; ${flag.type.hint}` : flag.describe;
    if (flag.type.switch) {
      y.option(name, { type: 'boolean', default: flag.default === true, describe });
      continue;
    }
    y.option(name, {
      type: 'string',
      array: flag.type.repeatable === true,
      describe,
      ...(flag.demand ? { demandOption: true } : {}),
      ...(flag.type.choices ? { choices: [...flag.type.choices] } : {}),
      ...(typeof flag.default === 'string' ? { default: flag.default, defaultDescription: flag.default } : {}),
      coerce: (value: unknown) => coerce(name, flag.type, value),
    });
  }
  return y;
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
