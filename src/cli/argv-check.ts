import { CustodyError } from '../errors.js';
import { badFlag, parseFlag, SWITCH, type FlagName, type FlagType } from './flag-types.js';
import { resolveFlag, type FlagUses } from './flags.js';
import { nearest, orList } from './suggest.js';

/** Flags every command takes. */
const GLOBAL: Record<string, FlagType> = { json: SWITCH, help: SWITCH, version: SWITCH };
/** A negative number is a value, not a flag (yargs-parser reads it so too). */
const NEGATIVE = /^-(\d+(\.\d+)?|\.\d+)$/;

function usage(message: string): CustodyError {
  return new CustodyError('USAGE', message);
}

function isFlagToken(token: string): boolean {
  return token.startsWith('-') && token !== '-' && !NEGATIVE.test(token);
}

/** camelCase → kebab-case, so that `--maxBytes` is matched with `--max-bytes`. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Check a command line against the flag table before yargs reads it, the way
 * yargs will read it (a value-taking flag takes the next argument unless that
 * is another flag; `--` ends the flags). Refused, each with one line naming
 * the flag: an unknown command or flag (with the nearest known names), a
 * value-taking flag without its value, a value its type does not take, a
 * flag given twice that takes one value. yargs itself would keep a default
 * for a missing value, or make an array of a repeated one, without a word.
 */
export function checkArgv(argv: readonly string[], commands: Readonly<Record<string, FlagUses>>): void {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  const commandAt = findCommand(args, commands);
  if (commandAt < 0) return; // no command: yargs asks for one (or prints --help / --version)
  const command = args[commandAt]!;
  const flags = commands[command];
  if (!flags) {
    const near = nearest(command, Object.keys(commands));
    throw usage(`unknown command ${JSON.stringify(command)}${near.length ? `: did you mean ${orList(near)}?` : ''} (custody --help lists the commands)`);
  }
  const seen = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (i === commandAt || !isFlagToken(token)) continue;
    const match = /^(-+)([^=]*)(?:=([\s\S]*))?$/.exec(token)!;
    const [, dashes, written, inline] = match as unknown as [string, string, string, string | undefined];
    const { name, type, negated } = lookUp(dashes, written, command, flags, commands);
    let given = token;
    if (type.switch) {
      if (inline !== undefined && (negated || !/^(true|false)$/.test(inline))) throw badFlag(name, type, inline);
      if (inline === undefined && /^(true|false)$/.test(args[i + 1] ?? '')) i++; // yargs reads `--chain false` so
    } else {
      let value = inline;
      if (value === undefined) {
        const next = args[i + 1];
        if (next === undefined) throw badFlag(name, type, undefined, ' (it ends the command line)');
        if (isFlagToken(next)) throw badFlag(name, type, undefined, ` (it is followed by ${next.split('=')[0]})`);
        value = next;
        i++;
      }
      parseFlag(name, type, value);
      given = JSON.stringify(value);
    }
    const all = [...(seen.get(name) ?? []), given];
    seen.set(name, all);
    if (all.length > 1 && !type.repeatable) {
      throw usage(`--${name} is given more than once (${all.join(', ')}); ${type.switch ? 'give it once' : `it takes one value: ${type.takes}`}`);
    }
  }
}

/** Where the command name is: the first argument that is neither a flag nor the value of one (as some command reads it). */
function findCommand(args: readonly string[], commands: Readonly<Record<string, FlagUses>>): number {
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (!isFlagToken(token)) return i;
    const name = token.replace(/^-+/, '');
    const takesValue = Object.values(commands).some((flags) => {
      const use = (flags as Record<string, FlagUses[FlagName]>)[name];
      return use !== undefined && !resolveFlag(name as FlagName, use).type.switch;
    });
    if (takesValue) i++;
  }
  return -1;
}

interface Known {
  name: string;
  type: FlagType;
  negated: boolean;
}

function lookUp(dashes: string, written: string, command: string, flags: FlagUses, commands: Readonly<Record<string, FlagUses>>): Known {
  const use = (name: string) => (flags as Record<string, FlagUses[FlagName]>)[name];
  if (dashes === '--') {
    // A command's own flag first: `query package --version RANGE` is not custody's --version.
    const own = use(written);
    if (own !== undefined) return { name: written, type: resolveFlag(written as FlagName, own).type, negated: false };
    const global = GLOBAL[written];
    if (global) return { name: written, type: global, negated: false };
    const positive = written.startsWith('no-') ? written.slice(3) : undefined;
    if (positive !== undefined && GLOBAL[positive]) return { name: positive, type: GLOBAL[positive], negated: true };
    const negatable = positive !== undefined ? use(positive) : undefined;
    if (positive !== undefined && negatable !== undefined) {
      const type = resolveFlag(positive as FlagName, negatable).type;
      if (type.switch) return { name: positive, type, negated: true };
      throw usage(`--${written}: --${positive} takes ${type.takes} and cannot be switched off with --no-`);
    }
  }
  const names = [...Object.keys(GLOBAL), ...Object.keys(flags)];
  const near = nearest(kebab(written.replace(/^no-/, '')), names).map((n) => `--${n}`);
  const elsewhere = Object.keys(commands).filter((other) => other !== command && (commands[other] as Record<string, unknown>)[kebab(written)] !== undefined);
  const hint = near.length ? `: did you mean ${orList(near)}?` : elsewhere.length ? `; it is a flag of custody ${orList(elsewhere)}` : '';
  throw usage(`unknown flag ${dashes}${written} for custody ${command}${hint} (custody ${command} --help lists its flags)`);
}
