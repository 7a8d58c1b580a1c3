import { isSafeRelativePath } from './safe-path.js';

/** Longest entry name verify accepts, as for manifest paths. */
export const MAX_ENTRY_PATH = 1024;

export interface EntryName {
  /** Where GNU tar writes the member, relative to the folder it extracts into; undefined when it refuses it (a `..` component) or the name is too long to track. */
  key: string | undefined;
  /** The raw name, printable, for messages. */
  shown: string;
  /** Why the name cannot be verified as it stands, if it cannot. */
  unsafe: string | undefined;
}

/**
 * An entry name as GNU tar 1.34 resolves it when extracting: cut at a NUL
 * (names are C strings), leading `/` stripped, `.` and empty segments
 * dropped by the file system, members with a `..` component refused. The
 * key is what duplicates are found by; a name is unsafe unless it is
 * relative, `..`-free, printable ASCII and not too long, as custody writes them.
 */
export function entryName(raw: string): EntryName {
  // Too long to be custody's: reported, never split or kept.
  if (raw.length > MAX_ENTRY_PATH) return { key: undefined, shown: printable(raw), unsafe: `is longer than ${MAX_ENTRY_PATH} characters` };
  const cut = raw.indexOf('\u0000');
  const name = cut === -1 ? raw : raw.slice(0, cut);
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  const key = segments.includes('..') ? undefined : segments.join('/');
  let unsafe: string | undefined;
  if (name.startsWith('/')) unsafe = 'is absolute (GNU tar strips the leading / and extracts it)';
  else if (key === undefined) unsafe = 'has a .. component';
  else if (/[^\x20-\x7e]/.test(raw)) unsafe = 'holds bytes outside printable ASCII';
  else if (key !== '' && !isSafeRelativePath(key, MAX_ENTRY_PATH)) unsafe = 'is not a portable relative path';
  return { key, shown: printable(raw), unsafe };
}

/** A raw name for a message: bytes outside printable ASCII (and `\`) as \xNN, long names cut. */
export function printable(raw: string): string {
  const escaped = raw.replace(/[^\x20-\x5b\x5d-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 300 ? `${escaped.slice(0, 300)}…` : escaped;
}
