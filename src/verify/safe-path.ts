/**
 * A path inside a folder that cannot leave it: relative, no `.`, `..` or
 * empty segment, no backslash, NUL or drive letter, and not too long. Used
 * for manifest paths and for the entries of an export alike.
 */
export function isSafeRelativePath(path: unknown, maxLength = 1024): path is string {
  if (typeof path !== 'string' || path.length === 0 || path.length > maxLength) return false;
  if (path.startsWith('/') || path.includes('\\') || path.includes('\u0000') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
