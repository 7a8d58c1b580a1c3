import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The user's cache folder for custody: `$XDG_CACHE_HOME/custody`, or
 * `~/.cache/custody` when that variable is unset or not an absolute path
 * (the XDG rule). Undefined when there is no home folder to put it in.
 * Per user, as caches go: nothing another account could write is used.
 */
export function userCacheFolder(): string | undefined {
  const base = process.env.XDG_CACHE_HOME;
  if (base && isAbsolute(base)) return join(base, 'custody');
  try {
    return join(homedir(), '.cache', 'custody');
  } catch {
    return undefined;
  }
}
