import type { FlagUses } from './flags.js';

/*
 * What a command is, as the command line knows it: the shapes of the
 * command tables (specs.ts, query-spec.ts, commands/gate-spec.ts) and the
 * helpers that write them, apart from the tables themselves, so that a
 * command line read against one table (query-line.ts) loads no other.
 */

/** A word of a command line that is not a flag: `custody diff <a> <b>`. */
export interface Positional {
  name: string;
  describe: string;
  /** Must be given (`<day>`); otherwise it may be left out (`[ref]`). */
  required?: true;
  /** Takes every remaining word, none included (`[refs..]`). */
  variadic?: true;
  /** The only values it takes, listed by --help. */
  choices?: readonly string[];
}

/** The arguments a command's handler gets: every flag in camelCase, every positional by name, and `_` the command's words. */
export type Args = Record<string, unknown> & { _: string[] };

/**
 * A command as the command line knows it (src/cli/parse-args.ts reads argv
 * against it, src/cli/help.ts shows it): what it is called, what it does,
 * its positionals in order and its flags (src/cli/flags.ts).
 */
export interface CommandSpec {
  name: string;
  describe: string;
  positionals: readonly Positional[];
  flags: FlagUses;
  /** A check across flags once they are read: the one-line refusal, or undefined when the command line is fine. */
  check?: (args: Readonly<Args>) => string | undefined;
  /** Sub-commands (`custody query package`); one must be named. They take this command's flags too. */
  commands?: readonly CommandSpec[];
  /** What a sub-command is called in help and errors (`question`). */
  commandNoun?: string;
}

type More = Partial<Pick<CommandSpec, 'positionals' | 'check' | 'commands' | 'commandNoun'>>;

export function commandSpec(name: string, describe: string, flags: FlagUses, more: More = {}): CommandSpec {
  return { name, describe, flags, positionals: [], ...more };
}

/** A positional that must be given. */
export function required(name: string, describe: string, choices?: readonly string[]): Positional {
  return { name, describe, required: true, ...(choices ? { choices } : {}) };
}

/** A positional that may be left out. */
export function optional(name: string, describe: string): Positional {
  return { name, describe };
}

/** The last positional, taking every remaining word (an empty list when there are none). */
export function variadic(name: string, describe: string): Positional {
  return { name, describe, variadic: true };
}

/** Flags every command takes, besides --help and --version. */
export const GLOBAL_FLAGS = { json: 'machine-readable output' } satisfies FlagUses;
