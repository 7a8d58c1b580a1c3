import { basename, dirname, join } from 'node:path';
import { CustodyError } from '../errors.js';
import { TEMP_PREFIX } from './archive-format.js';
import { nodeCrypto } from './hash.js';
// Not `import … from 'node:fs'`: an ES import of node:fs builds its facade, whose getters load the fs streams (about 3 ms of a short run's start).
const { constants } = process.getBuiltinModule('node:fs');
/** node:fs/promises, loaded when a write needs it: a command that writes nothing (a query) starts without it, about 1.5 ms less. */
function fsp(): typeof import('node:fs/promises') {
  return process.getBuiltinModule('node:fs/promises');
}

export function diskError(err: unknown, path: string, action: string): CustodyError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.message : String(err));
  return new CustodyError('DISK', `cannot ${action} ${path}: ${code}`, { cause: err });
}

export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fsp().open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * Write `bytes` to `path` atomically: a temporary file in the same folder,
 * written, fsynced, renamed over the target, then the folder fsynced. A
 * reader sees the old file or the new one, never a part.
 */
/** The name of a temporary file custody writes before renaming it into place: its prefix, this process, a random part, then `tag` (the target's name). */
export function tempName(tag: string): string {
  return `${TEMP_PREFIX}${process.pid}-${nodeCrypto().randomBytes(6).toString('hex')}-${tag}`;
}

export async function writeFileAtomic(path: string, bytes: Uint8Array | string, options: WriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  try {
    await fsp().mkdir(dir, { recursive: true });
  } catch (err) {
    throw diskError(err, dir, 'create folder');
  }
  const temp = join(dir, tempName(basename(path)));
  try {
    const handle = await fsp().open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp().rename(temp, path);
  } catch (err) {
    await fsp()
      .unlink(temp)
      .catch(() => undefined);
    throw diskError(err, path, 'write');
  }
  if (options.syncDir !== false) await fsyncDir(dir);
}

export interface WriteOptions {
  /**
   * fsync the folder after the rename (default). A caller writing many files
   * into one folder may leave it to a single fsyncDir once they are all in
   * place, before anything that lists them is written.
   */
  syncDir?: boolean;
}
