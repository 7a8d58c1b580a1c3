/**
 * RFC 8288 `Link: <url>; rel="next"` as used for pagination by
 * distribution-spec (tags list, referrers). The next URL is resolved against
 * the request URL and must stay on the same origin: credentials are never
 * sent elsewhere because a response said so.
 */
export function nextLink(header: string | string[] | undefined, base: URL): URL | 'cross-origin' | undefined {
  if (header === undefined) return undefined;
  const text = (Array.isArray(header) ? header.join(', ') : header).slice(0, 8192);
  const pattern = /<([^>]*)>((?:\s*;\s*[^;,]*)*)/g;
  for (const match of text.matchAll(pattern)) {
    const params = match[2] ?? '';
    if (!/;\s*rel\s*=\s*"?(?:[^";,]*\s)?next(?:\s[^";,]*)?"?/i.test(params)) continue;
    let url: URL;
    try {
      url = new URL(match[1]!, base);
    } catch {
      return undefined;
    }
    return url.origin === base.origin ? url : 'cross-origin';
  }
  return undefined;
}
