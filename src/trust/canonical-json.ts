/**
 * The canonical JSON in-toto v0.9 metadata is signed over
 * (securesystemslib `encode_canonical`, the OLPC canonical form): object
 * keys sorted by code point, no whitespace, strings with only `\` and `"`
 * escaped and every other character written as is, integers only. Undefined
 * for what it cannot encode (a fraction, a non-finite number): such a
 * document was not signed by in-toto tooling.
 */
export function canonicalJson(value: unknown): string | undefined {
  const parts: string[] = [];
  return write(value, parts, 0) ? parts.join('') : undefined;
}

const MAX_DEPTH = 256;

function write(value: unknown, out: string[], depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (value === null) out.push('null');
  else if (value === true) out.push('true');
  else if (value === false) out.push('false');
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return false;
    out.push(String(value));
  } else if (typeof value === 'string') out.push(quote(value));
  else if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      if (!write(value[i], out, depth + 1)) return false;
    }
    out.push(']');
  } else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort(byCodePoint);
    out.push('{');
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) out.push(',');
      out.push(quote(keys[i]!), ':');
      if (!write(record[keys[i]!], out, depth + 1)) return false;
    }
    out.push('}');
  } else return false;
  return true;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Python sorts str keys by code point; JavaScript's default sort compares UTF-16 code units. */
function byCodePoint(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
