import { fromFsError, isCustodyError } from '../errors.js';
import { escapeText, neutralizeControls } from '../lib/escape.js';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes.js';

export { table } from '../lib/table.js';
export { oneLine } from '../lib/escape.js';

/** Where commands write; tests swap it for buffers. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * The Io every command gets (main.ts wraps the one it is given): whatever a
 * command writes, no raw control character, line separator or bidi control
 * other than its own line breaks leaves the process (neutralizeControls).
 * Values are escaped where text is formatted (escapeText, shown, table);
 * this is the guard for a formatter that forgot.
 */
export function guardedIo(io: Io): Io {
  return { out: (text) => io.out(neutralizeControls(text)), err: (text) => io.err(neutralizeControls(text)) };
}

export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** `custody: MESSAGE` on stderr, the message escaped to exactly one line. */
export function printError(io: Io, message: string): void {
  io.err(`custody: ${escapeText(message)}\n`);
}

/** `custody: warning: MESSAGE` on stderr, one line. */
export function printWarning(io: Io, message: string): void {
  io.err(`custody: warning: ${escapeText(message)}\n`);
}

/** A Node system error (ENOENT, EACCES, EISDIR, …) that escaped the code meant to catch it. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * One line on stderr naming what and where; returns the exit code. A file
 * system error is never an "internal error": it names its path and exits 2
 * (cannot read an input) or 3 (disk), as fromFsError decides.
 */
export function reportError(io: Io, err: unknown): ExitCode {
  if (isSystemError(err)) err = fromFsError(err, err.path ?? '(no path)', err.syscall ?? 'use');
  if (isCustodyError(err)) {
    printError(io, err.message);
    return exitCodeFor(err.code);
  }
  const message = err instanceof Error ? err.message : String(err);
  printError(io, `internal error: ${message}`);
  return EXIT.operational;
}
