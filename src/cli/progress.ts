import type { ImageResult } from '../archive/archive.js';
import type { LockHolder } from '../archive/lock.js';
import type { Io } from './output.js';

export interface Progress {
  start(total: number): void;
  image(result: ImageResult): void;
  finish(): void;
}

const silent: Progress = { start() {}, image() {}, finish() {} };

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Progress on stderr: a redrawn bar with counts and ETA on a terminal; one
 * JSON line per image event otherwise (cron, CI logs); nothing with --quiet.
 */
export function createProgress(io: Io, mode: 'tty' | 'lines' | 'quiet', clock: () => number = Date.now): Progress {
  if (mode === 'quiet') return silent;
  let total = 0;
  let done = 0;
  let failed = 0;
  let started = clock();
  if (mode === 'lines') {
    return {
      start(n) {
        total = n;
        started = clock();
        io.err(`${JSON.stringify({ event: 'start', total, at: new Date(started).toISOString() })}\n`);
      },
      image(result) {
        done++;
        io.err(
          `${JSON.stringify({
            event: 'image',
            n: done,
            total,
            ref: result.ref,
            digest: result.digest,
            status: result.skipped ? 'skipped' : result.status,
            evidence: result.evidence.length,
            added: result.evidence.filter((e) => e.added).length,
            error: result.error,
          })}\n`,
        );
      },
      finish() {
        io.err(`${JSON.stringify({ event: 'finish', total, done, ms: clock() - started })}\n`);
      },
    };
  }
  const draw = () => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const elapsed = clock() - started;
    const eta = done === 0 ? '?' : duration((elapsed / done) * (total - done));
    io.err(`\r[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} failed ${failed} ETA ${eta} `);
  };
  return {
    start(n) {
      total = n;
      started = clock();
      draw();
    },
    image(result) {
      done++;
      if (result.status === 'failed') failed++;
      draw();
    },
    finish() {
      io.err('\n');
    },
  };
}

/**
 * Say at once, on stderr, that the run waits for another run's lock: who
 * holds it (from the lock file) and how long custody waits. One plain line,
 * or one JSON event where progress is JSON lines; each holder said once.
 */
export function lockNotice(io: Io, mode: 'tty' | 'lines' | 'text' | 'quiet', root: string): (holder: LockHolder, waitMs: number) => void {
  const said = new Set<string>();
  return (holder, waitMs) => {
    const key = `${holder.pid}@${holder.host}@${holder.since}`;
    if (mode === 'quiet' || said.has(key)) return;
    said.add(key);
    const seconds = waitMs / 1000;
    if (mode === 'lines') {
      io.err(
        `${JSON.stringify({ event: 'lock-wait', root, pid: holder.pid ?? null, host: holder.host ?? null, since: holder.since ?? null, waitSeconds: seconds })}\n`,
      );
      return;
    }
    const who =
      holder.pid !== undefined ? `pid ${holder.pid} on ${holder.host ?? '?'} since ${holder.since ?? '?'}` : `another run (${holder.file} unreadable)`;
    io.err(
      `${mode === 'tty' ? '\n' : ''}custody: waiting up to ${seconds} s for the lock on ${root}, held by ${who} (--lock-timeout S to change, 0 to fail at once)\n`,
    );
  };
}
