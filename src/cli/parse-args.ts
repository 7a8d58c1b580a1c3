import { CustodyError } from '../errors.js';
import { badFlag, parseFlag, quoted, SWITCH, type FlagName, type FlagType } from './flag-types.js';
import { resolveFlag, type FlagUse, type FlagUses, type ResolvedFlag } from './flags.js';
import { GLOBAL_FLAGS, type Args, type CommandSpec, type Positional } from './command-spec.js';
import { nearest, orList } from './suggest.js';

/**
 * custody's command line, read against the command tables (specs.ts) and
 * the flag table (flag-types.ts) in one pass: the command's words, then
 * every flag with its value parsed by its type, then the positionals, the
 * required flags and the command's own check. What is refused is refused
 * with one line naming the command, flag or positional (a CustodyError
 * USAGE, exit 2), before anything runs.
 *
 * The rules: a value-taking flag takes the next word (`--root DIR`) or its
 * `=` part (`--root=DIR`), one value per occurrence, and refuses a next word
 * that is a flag; a switch takes no value (`--quiet`, `--no-discover`,
 * `--quiet=false`, or `--quiet false`); a flag that takes one value may be
 * given once, a repeatable one collects its values in order; a negative
 * number is a value, not a flag; `--` ends the flags, what follows it is
 * positional. `--help` anywhere before `--` asks for the command's help,
 * `--version` for custody's version (under `query`, --version is query
 * package's version range).
 */

/** What a command line asks for: a command's help (the root's when `path` is empty), custody's version, or a command run with `args`. */
export type Parsed = { kind: 'help'; path: readonly CommandSpec[] } | { kind: 'version' } | { kind: 'run'; path: readonly CommandSpec[]; args: Args };

/** Switches every command takes that no handler reads. */
const BUILT_IN: Readonly<Record<string, FlagType>> = { help: SWITCH, version: SWITCH };
/** A negative number is a value, not a flag. */
const NEGATIVE = /^-(\d+(\.\d+)?|\.\d+)$/;

function usage(message: string): CustodyError {
  return new CustodyError('USAGE', message);
}

function isFlagToken(token: string): boolean {
  return token.startsWith('-') && token !== '-' && !NEGATIVE.test(token);
}

/** camelCase → kebab-case, so that `--maxBytes` is matched with `--max-bytes` in suggestions. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
/** kebab-case → camelCase: the key a handler reads (`--max-bytes` is `args.maxBytes`). */
export const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `custody query package`: the words that name a command. */
export function commandWords(path: readonly CommandSpec[]): string {
  return ['custody', ...path.map((spec) => spec.name)].join(' ');
}

/** `(custody export --help)`: where each refusal points. */
const helpPointer = (path: readonly CommandSpec[]) => `(${commandWords(path)} --help)`;

/** The flags a command takes: custody's global ones, then those of the command and of each command above it. */
export function flagsOf(path: readonly CommandSpec[]): FlagUses {
  return Object.assign({}, GLOBAL_FLAGS, ...path.map((spec) => spec.flags)) as FlagUses;
}

function use(flags: FlagUses, name: string): string | FlagUse | undefined {
  return (flags as Record<string, string | FlagUse | undefined>)[name];
}

/** Read a command line against the command tables. Throws a one-line USAGE error for anything it refuses. */
export function parseArgs(argv: readonly string[], commands: readonly CommandSpec[]): Parsed {
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  const rest = end < 0 ? [] : argv.slice(end + 1);
  const { path, at } = findPath(head, commands);
  const flags = flagsOf(path);
  if (head.includes('--help')) return { kind: 'help', path };
  if (head.includes('--version') && use(flags, 'version') === undefined) return { kind: 'version' };
  const last = path[path.length - 1];
  if (!last) throw usage('name a command: custody --help lists them');
  if (last.commands) {
    const noun = last.commandNoun ?? 'command';
    throw usage(`name a ${noun}: ${commandWords(path)} ${last.commands.map((c) => c.name).join('|')} ${helpPointer(path)}`);
  }
  const read = readFlags(head, at, path, flags, commands);
  const args: Args = { _: path.map((spec) => spec.name), ...flagValues(flags, read.given) };
  readPositionals(args, path, [...read.words, ...rest]);
  for (const [name, flagUse] of Object.entries(flags) as [FlagName, string | FlagUse][]) {
    const flag = resolveFlag(name, flagUse);
    if (flag.demand && !read.given.has(name)) throw usage(`missing ${flagShape(name, flag)} for ${commandWords(path)}: ${flag.describe} ${helpPointer(path)}`);
  }
  for (const spec of path) {
    const refusal = spec.check?.(args);
    if (refusal !== undefined) throw usage(`${refusal} ${helpPointer(path)}`);
  }
  return { kind: 'run', path, args };
}

/** `--out FILE`, `--quiet`: a flag as help and errors show it. */
export function flagShape(name: string, flag: ResolvedFlag): string {
  return flag.type.switch ? `--${name}` : `--${name} ${flag.type.placeholder ?? 'VALUE'}`;
}

/** The words naming the command (`query package`), wherever they are among the flags, and where they are. */
function findPath(head: readonly string[], commands: readonly CommandSpec[]): { path: CommandSpec[]; at: Set<number> } {
  const path: CommandSpec[] = [];
  const at = new Set<number>();
  let choices = commands;
  for (let i = 0; i < head.length && choices.length > 0; i++) {
    const token = head[i]!;
    if (isFlagToken(token)) {
      if (!token.includes('=') && takesValue(token.replace(/^-+/, ''), path.length ? [flagsOf(path)] : commands.map((c) => c.flags))) i++;
      continue;
    }
    const spec = choices.find((choice) => choice.name === token);
    if (!spec) throw unknownCommand(token, path, choices);
    path.push(spec);
    at.add(i);
    choices = spec.commands ?? [];
  }
  return { path, at };
}

/** Does the flag take a value where it may be meant (before the command is known: in any command)? */
function takesValue(name: string, tables: readonly FlagUses[]): boolean {
  return tables.some((flags) => {
    const flagUse = use(flags, name);
    return flagUse !== undefined && !resolveFlag(name as FlagName, flagUse).type.switch;
  });
}

function unknownCommand(word: string, path: readonly CommandSpec[], choices: readonly CommandSpec[]): CustodyError {
  const near = nearest(
    word,
    choices.map((c) => c.name),
  );
  const hint = near.length ? `: did you mean ${orList(near)}?` : '';
  if (path.length === 0) return usage(`unknown command ${JSON.stringify(word)}${hint} (custody --help lists the commands)`);
  const noun = path[path.length - 1]!.commandNoun ?? 'command';
  return usage(`unknown ${noun} ${JSON.stringify(word)} for ${commandWords(path)}${hint} (${commandWords(path)} --help lists them)`);
}

interface Given {
  values: unknown[];
  /** Each occurrence as the user gave it, for the refusal of a repeated one. */
  shown: string[];
}

interface Known {
  name: string;
  type: FlagType;
  negated: boolean;
}

/** Every flag of the command line with its value parsed, and the positional words, in order. */
function readFlags(head: readonly string[], at: ReadonlySet<number>, path: readonly CommandSpec[], flags: FlagUses, commands: readonly CommandSpec[]) {
  const given = new Map<string, Given>();
  const words: string[] = [];
  for (let i = 0; i < head.length; i++) {
    const token = head[i]!;
    if (at.has(i)) continue;
    if (!isFlagToken(token)) {
      words.push(token);
      continue;
    }
    const [, dashes, written, inline] = /^(-+)([^=]*)(?:=([\s\S]*))?$/.exec(token) as unknown as [string, string, string, string | undefined];
    const known = lookUp(dashes, written, path, flags, commands);
    const next = at.has(i + 1) ? undefined : head[i + 1];
    const read = readValue(known, token, inline, next);
    if (read.consumed) i++;
    const entry = given.get(known.name) ?? { values: [], shown: [] };
    entry.values.push(read.value);
    entry.shown.push(read.shown);
    given.set(known.name, entry);
    if (entry.shown.length > 1 && !known.type.repeatable) {
      const takes = known.type.switch ? 'give it once' : `it takes one value: ${known.type.takes}`;
      throw usage(`--${known.name} is given more than once (${entry.shown.join(', ')}); ${takes}`);
    }
  }
  return { given, words };
}

/** One occurrence of a flag: its value, and whether it took the next word. */
function readValue(known: Known, token: string, inline: string | undefined, next: string | undefined) {
  const { name, type, negated } = known;
  if (type.switch) {
    if (inline !== undefined) {
      if (negated || !/^(true|false)$/.test(inline)) throw badFlag(name, type, inline);
      return { value: inline === 'true', shown: token, consumed: false };
    }
    // `--chain false` is read as the switch's value, as it always was.
    if (next !== undefined && /^(true|false)$/.test(next)) return { value: (next === 'true') !== negated, shown: token, consumed: true };
    return { value: !negated, shown: token, consumed: false };
  }
  if (inline !== undefined) return { value: parseFlag(name, type, inline), shown: JSON.stringify(inline), consumed: false };
  if (next === undefined) throw badFlag(name, type, undefined, ' (it ends the command line)');
  if (isFlagToken(next)) throw badFlag(name, type, undefined, ` (it is followed by ${next.split('=')[0]})`);
  return { value: parseFlag(name, type, next), shown: JSON.stringify(next), consumed: true };
}

/** A flag of the command line: the command's own first (`query --version` is a range), then --help and --version, then `--no-` of a switch. */
function lookUp(dashes: string, written: string, path: readonly CommandSpec[], flags: FlagUses, commands: readonly CommandSpec[]): Known {
  if (dashes === '--') {
    const own = use(flags, written);
    if (own !== undefined) return { name: written, type: resolveFlag(written as FlagName, own).type, negated: false };
    const builtIn = BUILT_IN[written];
    if (builtIn) return { name: written, type: builtIn, negated: false };
    const positive = written.startsWith('no-') ? written.slice(3) : undefined;
    if (positive !== undefined && BUILT_IN[positive]) return { name: positive, type: BUILT_IN[positive], negated: true };
    const negatable = positive !== undefined ? use(flags, positive) : undefined;
    if (positive !== undefined && negatable !== undefined) {
      const type = resolveFlag(positive as FlagName, negatable).type;
      if (type.switch) return { name: positive, type, negated: true };
      throw usage(`--${written}: --${positive} takes ${type.takes} and cannot be switched off with --no-`);
    }
  }
  const names = [...new Set(['json', ...Object.keys(BUILT_IN), ...Object.keys(flags)])];
  const near = nearest(kebab(written.replace(/^no-/, '')), names).map((n) => `--${n}`);
  const elsewhere = commands.filter((other) => other !== path[0] && use(other.flags, kebab(written)) !== undefined).map((other) => other.name);
  const hint = near.length ? `: did you mean ${orList(near)}?` : elsewhere.length ? `; it is a flag of custody ${orList(elsewhere)}` : '';
  const command = commandWords(path);
  throw usage(`unknown flag ${dashes}${written} for ${command}${hint} (${command} --help lists its flags)`);
}

/** Each flag of the command under its camelCase key: as given, else its default (switches default to off); repeatable ones as lists. */
function flagValues(flags: FlagUses, given: ReadonlyMap<string, Given>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, flagUse] of Object.entries(flags) as [FlagName, string | FlagUse][]) {
    const flag = resolveFlag(name, flagUse);
    const occurrences = given.get(name)?.values;
    let value: unknown;
    if (occurrences) value = flag.type.repeatable ? (flag.type.expands ? occurrences.flat() : occurrences) : occurrences[0];
    else if (flag.type.switch) value = flag.default === true;
    else if (typeof flag.default === 'string') value = parseFlag(name, flag.type, flag.default);
    if (value !== undefined) values[camel(name)] = value;
  }
  return values;
}

/** `DAY`: a positional as errors name it. */
export const positionalName = (positional: Positional) => positional.name.toUpperCase();

/** The words that are not flags, given to the command's positionals in order; one missing or one too many is refused. */
function readPositionals(args: Args, path: readonly CommandSpec[], words: readonly string[]): void {
  const spec = path[path.length - 1]!;
  const command = commandWords(path);
  let next = 0;
  for (const positional of spec.positionals) {
    if (positional.variadic) {
      args[positional.name] = words.slice(next);
      next = words.length;
      continue;
    }
    const word = words[next];
    if (word === undefined) {
      if (!positional.required) continue;
      const choices = positional.choices ? `: one of ${orList(positional.choices)}` : '';
      throw usage(`missing ${positionalName(positional)} for ${command}: ${positional.describe}${choices} ${helpPointer(path)}`);
    }
    if (positional.choices && !positional.choices.includes(word)) {
      throw usage(`${positionalName(positional)} takes one of ${positional.choices.join(', ')}, got ${quoted(word)} ${helpPointer(path)}`);
    }
    args[positional.name] = word;
    next++;
  }
  if (next < words.length) {
    const takes = spec.positionals.length ? `${spec.positionals.map(positionalName).join(' ')} only` : 'no arguments';
    throw usage(`unexpected argument ${quoted(words[next]!)} for ${command}: it takes ${takes} ${helpPointer(path)}`);
  }
}
