/**
 * Strict base64 decoding for signed material: standard or URL-safe alphabet,
 * padding optional (proto3 JSON and DSSE accept both), line breaks ignored
 * (Go's decoder, used by cosign and protojson, skips them). Returns undefined
 * for anything else instead of silently skipping characters as Buffer.from does.
 * Linear in the input: no backtracking pattern over the whole string.
 */
const ALPHABET = /^[A-Za-z0-9+/_-]*$/;

export function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  const compact = value.includes('\n') || value.includes('\r') ? value.replace(/[\r\n]/g, '') : value;
  const padAt = compact.indexOf('=');
  const body = padAt < 0 ? compact : compact.slice(0, padAt);
  const padding = padAt < 0 ? '' : compact.slice(padAt);
  if (padding !== '' && padding !== '=' && padding !== '==') return undefined;
  if (!ALPHABET.test(body)) return undefined;
  if (body.length % 4 === 1) return undefined;
  if (padding !== '' && (body.length + padding.length) % 4 !== 0) return undefined;
  return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export function isBase64(value: unknown): boolean {
  return decodeBase64(value) !== undefined;
}
