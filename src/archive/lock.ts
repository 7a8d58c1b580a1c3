import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { CustodyError, isCustodyError } from '../errors.js';
import { LOCK_NAME } from '../lib/archive-format.js';
import { isMissingFile, readRegularFile } from '../lib/read-file.js';

export interface LockOptions {
  /** How long to wait for another run's lock before giving up. */
  waitMs?: number;
  /** A lock older than this from another host is taken as abandoned. */
  staleMs?: number;
  /** Called once, as soon as this taker finds the lock held by a live run and starts waiting for it. */
  onWait?: (holder: LockHolder, waitMs: number) => void;
}

/** Who holds a lock, as its file says (fields absent when the file is unreadable or being written). */
export interface LockHolder {
  file: string;
  pid?: number;
  host?: string;
  since?: string;
}

interface LockBody {
  pid: number;
  host: string;
  nonce: string;
  startedAt: string;
}

export interface Lock {
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock body is one short JSON object. */
const MAX_LOCK_BYTES = 64 * 1024;

/**
 * The lock as it is on disk, or undefined when there is none. A lock that is
 * a folder, a FIFO, a link or a device was not made by custody: it is never
 * taken as stale and broken, never waited on; the run stops naming it (DISK,
 * exit 3: the archive's own storage is damaged, not the command line).
 */
async function readLock(path: string): Promise<{ body: LockBody | undefined; mtimeMs: number } | undefined> {
  try {
    const bytes = await readRegularFile(path, { what: 'archive lock', noFollow: true, maxBytes: MAX_LOCK_BYTES, code: 'DISK' });
    const text = bytes.toString('utf8');
    const info = await stat(path);
    let body: LockBody | undefined;
    try {
      body = JSON.parse(text) as LockBody;
    } catch {
      body = undefined;
    }
    return { body, mtimeMs: info.mtimeMs };
  } catch (err) {
    if (isMissingFile(err) || (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (isCustodyError(err, 'DISK') && typeof err.details?.type === 'string') {
      throw new CustodyError('DISK', `${err.message}; custody never creates one: remove it when no run uses this root`, { cause: err });
    }
    if (isCustodyError(err)) throw err;
    throw new CustodyError('DISK', `cannot read archive lock ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

/**
 * A live taker fills its lock file in the one write right after creating it,
 * so a lock still empty (or unreadable) after this long was left by a run
 * killed between the two, and is stale.
 */
const EMPTY_LOCK_GRACE_MS = 10_000;

function isStale(lock: { body: LockBody | undefined; mtimeMs: number }, staleMs: number): boolean {
  const { body } = lock;
  if (body && body.host === hostname() && typeof body.pid === 'number') return !processAlive(body.pid);
  return Date.now() - lock.mtimeMs > (body ? staleMs : Math.min(staleMs, EMPTY_LOCK_GRACE_MS));
}

/**
 * Take the root's lock: a file created with O_EXCL holding pid, host and a
 * nonce. Another live run's lock is waited for, then refused with a clear
 * message; a lock left by a killed process (dead pid on this host, or too
 * old from another host) is recovered.
 */
export async function acquireLock(root: string, options: LockOptions = {}): Promise<Lock> {
  const waitMs = options.waitMs ?? 120_000;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const path = join(root, LOCK_NAME);
  await mkdir(root, { recursive: true }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    // A root that exists as a file (EEXIST) or under a file (ENOTDIR) is a wrong --root, not a disk failure.
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new CustodyError('INVALID_INPUT', `archive root ${root} is not a folder (${code})`, { cause: err });
    throw new CustodyError('DISK', `cannot create archive root ${root}: ${code ?? String(err)}`, { cause: err });
  });
  const body: LockBody = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex'), startedAt: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  let delay = 10;
  let announced = false;
  for (;;) {
    try {
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await handle.writeFile(JSON.stringify(body));
      } catch (err) {
        // A lock this run created but could not fill (a full disk) must not stop the next run.
        await handle.close();
        await unlink(path).catch(() => undefined);
        throw err;
      }
      await handle.close();
      return { release: () => releaseLock(path, body.nonce) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CustodyError('DISK', `cannot create lock ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    }
    const held = await readLock(path);
    if (held && isStale(held, staleMs)) {
      await breakStaleLock(path, held.body?.nonce);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = held?.body ? `pid ${held.body.pid} on ${held.body.host} since ${held.body.startedAt}` : 'another run';
      throw new CustodyError('LOCKED', `archive root ${root} is locked by ${who}; waited ${waitMs / 1000} s (lock file ${path})`);
    }
    if (held && !announced) {
      announced = true;
      options.onWait?.(holderOf(path, held.body), waitMs);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}

function holderOf(file: string, body: LockBody | undefined): LockHolder {
  const holder: LockHolder = { file };
  if (typeof body?.pid === 'number') holder.pid = body.pid;
  if (typeof body?.host === 'string') holder.host = body.host;
  if (typeof body?.startedAt === 'string') holder.since = body.startedAt;
  return holder;
}

/**
 * Move the stale lock aside, then make sure what was moved is the lock judged
 * stale; if a live run replaced it meanwhile, put that one back (link() never
 * clobbers a lock someone else has created since).
 */
async function breakStaleLock(path: string, staleNonce: string | undefined): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = await readLock(aside);
  if (moved?.body?.nonce !== staleNonce) {
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

async function releaseLock(path: string, nonce: string): Promise<void> {
  const held = await readLock(path).catch(() => undefined);
  if (held?.body?.nonce === nonce) await unlink(path).catch(() => undefined);
}

/** Takers of a root's lock in this process, queued in memory: the lock file is then contended only between processes. */
const queues = new Map<string, Promise<void>>();

/**
 * Run `fn` holding the root's lock. Callers in one process take turns in
 * memory first, so that a wait (and its `waitMs`, and `onWait`) is always
 * for another run, never for a sibling worker of this one.
 */
export async function withLock<T>(root: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const key = resolve(root);
  const before = queues.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolveTurn) => (done = resolveTurn));
  const tail = before.then(() => mine);
  queues.set(key, tail);
  await before;
  try {
    const lock = await acquireLock(root, options);
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  } finally {
    done();
    if (queues.get(key) === tail) queues.delete(key);
  }
}
