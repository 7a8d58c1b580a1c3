import { isCustodyError } from '../errors.js';
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes.js';

/** Where commands write; tests swap it for buffers. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** One line on stderr naming what and where; returns the exit code. */
export function reportError(io: Io, err: unknown): ExitCode {
  if (isCustodyError(err)) {
    io.err(`custody: ${oneLine(err.message)}\n`);
    return exitCodeFor(err.code);
  }
  const message = err instanceof Error ? err.message : String(err);
  io.err(`custody: internal error: ${oneLine(message)}\n`);
  return EXIT.operational;
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Pad columns for a small text table. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
