// Run commands and write what a terminal shows (the README's example
// outputs): `$ custody …` (long commands wrapped before a flag), stdout and
// stderr in the order they were written, and `$ echo $?` after a non-zero
// exit. What changes from run to run is replaced by placeholders, the same
// way every time (see normalise).
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const WIDTH = 100;
const SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;
/** custody's flags that take no value. */
const SWITCH = /^--(no-[a-z-]+|json|quiet|chain|insecure|strict)$/;

export const quote = (word) => (SAFE.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/** `$ custody ARGS`, wrapped with ` \` before a `--flag` (kept with its value) once a line would pass 100 columns. */
export function commandLines(program, args) {
  const units = [];
  const words = args.map(quote);
  for (let i = 0; i < words.length; i++) {
    const flagWithValue = words[i].startsWith('--') && !SWITCH.test(words[i]) && i + 1 < words.length && !words[i + 1].startsWith('--');
    units.push(flagWithValue ? `${words[i]} ${words[++i]}` : words[i]);
  }
  const lines = [];
  let line = `$ ${program}`;
  for (const unit of units) {
    if (unit.startsWith('--') && line.length + 1 + unit.length > WIDTH && line.includes(' ', 2 + program.length)) {
      lines.push(`${line} \\`);
      line = `    ${unit}`;
    } else line += ` ${unit}`;
  }
  return [...lines, line].join('\n');
}

/**
 * Placeholders for what changes from run to run: `workDir` (a temp folder)
 * is shown as /tmp, `today` as YYYY-MM-DD, timestamps as <time>, durations
 * as <ms> and <s>, the sha256 of a day manifest (it holds its creation
 * time) as <sha256>, and so is the sha256 of a report (it holds the time
 * it was made), a registry's random port as 5000.
 */
export function normalise(text, { workDir, today }) {
  const out = text
    .replaceAll(workDir, '/tmp')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>')
    .replace(/"ms":\d+/g, '"ms":<ms>')
    .replace(/manifest sha256 [0-9a-f]{64}/g, 'manifest sha256 <sha256>')
    .replace(/^(report {4}\S+ {2}sha256 )[0-9a-f]{64}$/gm, '$1<sha256>')
    .replace(/^(time +)\d+(?:\.\d+)? s$/gm, '$1<s> s')
    .replace(/127\.0\.0\.1([:_])\d{2,5}\b/g, '127.0.0.1$15000');
  return today ? out.replaceAll(today, 'YYYY-MM-DD') : out;
}

/** Run a command with stdout and stderr into one file, as a terminal interleaves them. */
export function runMerged(command, args, { cwd, env, scratch }) {
  const file = join(scratch, `.transcript-${process.pid}`);
  const fd = openSync(file, 'w');
  try {
    const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', fd, fd], timeout: 120_000 });
    if (result.error) throw result.error;
    return { status: result.status ?? 128, output: readFileSync(file, 'utf8') };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

/** One step as shown: the command, its output, and its exit status when not 0. */
export function transcript(shown, { status, output }) {
  return `${shown}\n${output}${output === '' || output.endsWith('\n') ? '' : '\n'}${status === 0 ? '' : `$ echo $?\n${status}\n`}`;
}
