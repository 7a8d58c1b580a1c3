/**
 * RFC 9110 §11.6.1 `WWW-Authenticate`: one or more challenges, each a scheme
 * and auth-params (`name=token` or `name="quoted string"`). The header comes
 * from the network: its length and the number of parameters are bounded and
 * nothing in it is evaluated.
 */

export interface Challenge {
  /** Lower case: `basic`, `bearer`, … */
  scheme: string;
  /** Parameter names in lower case. */
  params: Record<string, string>;
}

const MAX_HEADER = 8192;
const MAX_PARAMS = 32;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export function parseWwwAuthenticate(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const text = (Array.isArray(header) ? header.join(', ') : header).slice(0, MAX_HEADER);
  const challenges: Challenge[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i += 1;
  };
  const readToken = (): string => {
    const start = i;
    while (i < text.length && TOKEN_CHAR.test(text[i]!)) i += 1;
    return text.slice(start, i);
  };
  const readBare = (): string => {
    const start = i;
    while (i < text.length && !/[\s,"]/.test(text[i]!)) i += 1;
    return text.slice(start, i);
  };
  const readQuoted = (): string => {
    i += 1; // opening quote
    let out = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i += 1;
      out += text[i];
      i += 1;
    }
    i += 1; // closing quote (or end)
    return out;
  };

  while (i < text.length) {
    skipSpace();
    while (text[i] === ',') {
      i += 1;
      skipSpace();
    }
    const scheme = readToken();
    if (scheme === '') {
      i += 1; // skip a character that cannot start anything
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: Object.create(null) as Record<string, string> };
    challenges.push(challenge);
    skipSpace();
    // auth-params until the next challenge (a token not followed by '=') or the end
    while (i < text.length) {
      const mark = i;
      skipSpace();
      const name = readToken();
      skipSpace();
      if (name === '' || text[i] !== '=') {
        i = mark;
        break;
      }
      i += 1;
      skipSpace();
      // Lenient: an unquoted value runs to the next comma or space (realms are often unquoted URLs).
      const value = text[i] === '"' ? readQuoted() : readBare();
      if (Object.keys(challenge.params).length < MAX_PARAMS) challenge.params[name.toLowerCase()] = value;
      skipSpace();
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    challenge.params = { ...challenge.params };
  }
  return challenges;
}
