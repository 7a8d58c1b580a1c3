import { fromFsError, isCustodyError } from '../errors.js';
import { escapeText, neutralizeControls } from '../lib/escape.js';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes.js';
// Not an ES import of node:fs: its facade loads the fs streams (see src/query/archive-days.ts).
const { writeSync } = process.getBuiltinModule('node:fs');

export { table } from '../lib/table.js';
export { oneLine } from '../lib/escape.js';

/** Where commands write; tests swap it for buffers. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: Io = {
  out: (text) => writeOut(1, text),
  err: (text) => writeOut(2, text),
};

/** Set once a write went through process.stdout or process.stderr: every later one does too, in order. */
const streamed = new Set<number>();
/** Set once the reader went away (EPIPE: `custody … | head -1`): what is left is dropped, as a pipe's writer does. */
const closed = new Set<number>();

const isBrokenPipe = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';

/**
 * Write to fd 1 or 2 directly, as the stream would on Linux (files, pipes and
 * terminals are written synchronously there): creating process.stdout loads
 * Node's stream modules, about 2 ms of a short command's start. A descriptor
 * that is not blocking (EAGAIN), or a write that fails otherwise, hands what
 * is left to the stream, which waits, or reports the error. A reader that
 * closed the pipe ends the output quietly: the command's exit code stands.
 */
function writeOut(fd: 1 | 2, text: string): void {
  if (closed.has(fd)) return;
  if (streamed.has(fd) || process.platform === 'win32') {
    streamOf(fd).write(text);
    return;
  }
  if (text === '') return;
  let bytes: Buffer | undefined;
  let done = 0;
  try {
    // The string itself is written, encoded by the write (no Buffer of a year's answer made first); a write that
    // took part of it (a signal, a full pipe) goes on from its bytes.
    done = writeSync(fd, text);
    if (done === Buffer.byteLength(text, 'utf8')) return;
    bytes = Buffer.from(text, 'utf8');
    while (done < bytes.length) done += writeSync(fd, bytes, done);
  } catch (err) {
    if (isBrokenPipe(err)) {
      closed.add(fd);
      return;
    }
    streamed.add(fd);
    streamOf(fd).write(bytes ? bytes.subarray(done) : text);
  }
}

/** process.stdout or process.stderr, made to end quietly on a broken pipe like the direct writes. */
function streamOf(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (err) => {
      if (!isBrokenPipe(err)) throw err;
      closed.add(fd);
    });
  }
  return stream;
}

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
