import { decodeURIComponentSafe } from '../gate/facts/findings.js';

/**
 * A purl's name (type, namespace and name, without version, qualifiers or
 * subpath) and version, each percent-decoded. The version is what follows
 * the last `@` after the last `/` of the undecoded purl, so that a scoped
 * npm name written either way (`pkg:npm/%40angular/core`,
 * `pkg:npm/@angular/core`) keeps its `@`.
 */
export function splitPurl(purl: string): { name: string; version?: string } {
  const base = purl.split(/[?#]/, 1)[0]!;
  const at = base.lastIndexOf('@');
  if (at <= base.lastIndexOf('/')) return { name: decodeURIComponentSafe(base) };
  return { name: decodeURIComponentSafe(base.slice(0, at)), version: decodeURIComponentSafe(base.slice(at + 1)) };
}

/** The last segment of a purl's name (`log4j-core`): what a person types. */
export function purlShortName(purl: string): string {
  const { name } = splitPurl(purl);
  return name.slice(name.lastIndexOf('/') + 1);
}
