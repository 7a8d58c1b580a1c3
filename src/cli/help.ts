import type { FlagName } from './flag-types.js';
import { resolveFlag, type FlagUse, type FlagUses } from './flags.js';
import { commandWords, flagShape, flagsOf } from './parse-args.js';
import { GLOBAL_FLAGS, type CommandSpec, type Positional } from './specs.js';

/*
 * --help, from the same tables the command line is read against: the usage
 * line, what the command does, its sub-commands, positionals and flags, each
 * with its description, default, choices and whether it is required. Plain
 * text, wrapped to the width given.
 */

const ABOUT = 'Chain of custody for container-image supply-chain evidence.';
/** The widest first column; a longer entry has its description on the next line. */
const MAX_LEFT = 36;

type Row = [left: string, right: string];

/** The help of the command named by `path` (custody's own when it is empty), lines of at most `width` characters where words allow. */
export function renderHelp(path: readonly CommandSpec[], commands: readonly CommandSpec[], width: number): string {
  const last = path[path.length - 1];
  const sections: string[][] = [wrap(`Usage: ${usageLine(path)}`, width, 2), wrap(last?.describe ?? ABOUT, width)];
  const subcommands = last ? last.commands : commands;
  if (subcommands) {
    const rows = subcommands.map((spec): Row => [`${usageLine([...path, spec]).replace(/ \[options\]$/, '')}`, spec.describe]);
    sections.push([`${capital(last?.commandNoun ?? 'command')}s:`, ...columns(rows, width)]);
  }
  if (last && last.positionals.length) sections.push(['Positionals:', ...columns(last.positionals.map(positionalRow), width)]);
  sections.push(['Options:', ...columns(optionRows(path), width)]);
  if (!last) sections.push(wrap("A command's positionals and flags: custody COMMAND --help.", width));
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

/** `custody diff <a> <b> [options]`, `custody archive [refs..] [options]`, `custody query <question> [options]`. */
function usageLine(path: readonly CommandSpec[]): string {
  const last = path[path.length - 1];
  if (!last) return 'custody <command> [options]';
  if (last.commands) return `${commandWords(path)} <${last.commandNoun ?? 'command'}> [options]`;
  const positionals = last.positionals.map((p) => (p.variadic ? `[${p.name}..]` : p.required ? `<${p.name}>` : `[${p.name}]`));
  return [commandWords(path), ...positionals, '[options]'].join(' ');
}

function positionalRow(positional: Positional): Row {
  const notes = [
    positional.required ? '[required]' : positional.variadic ? '[zero or more]' : '[optional]',
    ...(positional.choices ? [choicesNote(positional.choices)] : []),
  ];
  return [positional.name, `${positional.describe} ${notes.join(' ')}`];
}

const choicesNote = (choices: readonly string[]) => `[choices: ${choices.map((c) => JSON.stringify(c)).join(', ')}]`;

/** The command's flags (a parent's first), then --json, --help and, where the command has no --version of its own, --version. */
function optionRows(path: readonly CommandSpec[]): Row[] {
  const flags = flagsOf(path);
  const own = Object.entries(flags).filter(([name]) => !(name in GLOBAL_FLAGS)) as [FlagName, string | FlagUse][];
  const rows = [...own, ...(Object.entries(GLOBAL_FLAGS) as [FlagName, string][])].map(([name, use]) => optionRow(name, use));
  rows.push(['--help', 'show this help']);
  if ((flags as FlagUses).version === undefined) rows.push(['--version', "show custody's version"]);
  return rows;
}

function optionRow(name: FlagName, use: string | FlagUse): Row {
  const flag = resolveFlag(name, use);
  const notes: string[] = [];
  if (flag.demand) notes.push('[required]');
  if (flag.type.repeatable && !/repeatable/.test(flag.describe)) notes.push('[repeatable]');
  if (typeof flag.default === 'string') notes.push(`[default: ${flag.default}]`);
  if (flag.default === true) notes.push(`[default: on; --no-${name} turns it off]`);
  if (flag.type.choices) notes.push(choicesNote(flag.type.choices));
  const describe = flag.type.hint ? `${flag.describe}; ${flag.type.hint}` : flag.describe;
  return [flagShape(name, flag), [describe, ...notes].join(' ')];
}

/** Two columns: the left padded to the widest entry (at most MAX_LEFT), the right wrapped beside it. */
function columns(rows: readonly Row[], width: number): string[] {
  let left = Math.min(MAX_LEFT, Math.max(...rows.map(([l]) => l.length)));
  // Too narrow for two columns: each description under its entry.
  if (width - (left + 4) < 30) left = 0;
  const indent = left ? left + 4 : 6;
  const lines: string[] = [];
  for (const [l, r] of rows) {
    const wrapped = wrap(r, Math.max(20, width - indent));
    if (l.length > left) lines.push(`  ${l}`, ...wrapped.map((line) => ' '.repeat(indent) + line));
    else lines.push(`  ${l.padEnd(left)}  ${wrapped[0] ?? ''}`.trimEnd(), ...wrapped.slice(1).map((line) => ' '.repeat(indent) + line));
  }
  return lines;
}

/** Greedy word wrap; a word longer than the width gets a line of its own. Continuation lines are indented by `hang`. */
export function wrap(text: string, width: number, hang = 0): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(hang) + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
