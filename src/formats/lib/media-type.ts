/** Media types compared the way RFC 6838 says: case-insensitive type, parameters apart. */

export interface MediaType {
  /** `type/subtype`, lower case, no parameters. */
  base: string;
  /** Parameter names lower case, values unquoted. */
  params: Record<string, string>;
}

export function parseMediaType(mediaType: string | undefined): MediaType {
  const [head, ...rest] = (mediaType ?? '').split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name) params[name] = value;
  }
  return { base: (head ?? '').trim().toLowerCase(), params };
}

export function mediaTypeIs(mediaType: string | undefined, ...bases: string[]): boolean {
  const { base } = parseMediaType(mediaType);
  return bases.includes(base);
}
