import type { DatabaseSync } from 'node:sqlite';
import { CustodyError } from '../../errors.js';
import { archivePath, type Answer, type Cell, type DayRange } from '../answer.js';
import { splitPurl } from '../purl.js';
import { allArrays, documentUses } from '../uses.js';
import { compareVersions, parseVersionRange, type VersionRange } from '../version-range.js';

export interface PackageQuery {
  kind: 'package';
  /** A purl (`pkg:maven/org.apache.logging.log4j/log4j-core[@2.14.1]`) or a name (`log4j-core`). */
  name: string;
  /** A version range (version-range.ts). */
  version?: string;
}

/** What a package query matches, checked before the index is touched (bad input exits 2 at once). */
export interface PackageMatch {
  purlName?: string;
  name?: string;
  range?: VersionRange;
}

export function preparePackage(query: PackageQuery): PackageMatch {
  const name = query.name.trim();
  if (name === '') throw new CustodyError('USAGE', 'query package: give a package name or purl');
  const range = query.version !== undefined ? parseVersionRange(query.version) : undefined;
  if (!name.startsWith('pkg:')) return range ? { name, range } : { name };
  if (!/^pkg:[a-zA-Z][a-zA-Z0-9.+-]*\/[^/]/.test(name))
    throw new CustodyError('USAGE', `query package: "${name.replace(/[^\x20-\x7e]/g, '?')}" is not a purl (pkg:TYPE/NAMESPACE/NAME[@VERSION])`);
  const { name: purlName, version } = splitPurl(name);
  if (version !== undefined && range) throw new CustodyError('USAGE', 'query package: give the version in the purl or with --version, not both');
  if (version !== undefined) return { purlName, range: exactVersion(version) };
  return range ? { purlName, range } : { purlName };
}

/**
 * Which images listed the package in an SBOM, on which days, in which SBOM:
 * a name matches a component's name or its purl's last segment, a purl
 * matches the purl without version and qualifiers, case-insensitively; the
 * version (of the purl, or `--version`) is compared as version-range.ts says.
 */
export function queryPackage(db: DatabaseSync, match: PackageMatch, range: DayRange): Answer {
  const columns = ['date', 'ref', 'digest', 'name', 'version', 'purl', 'sbom', 'format', 'valid'];
  // Columns by position: document_id, name, version, purl (a row object each would be read once).
  const candidates = (
    match.purlName
      ? allArrays(db, 'SELECT document_id, name, version, purl FROM components WHERE purl_name = ?', match.purlName)
      : allArrays(db, 'SELECT document_id, name, version, purl FROM components WHERE name = ? OR short_name = ?', match.name!, match.name!)
  ) as Component[];
  const byDocument = new Map<number, Component[]>();
  for (const c of candidates) {
    const documentId = c[0];
    if (match.range && !match.range.test(c[2] ?? (c[3] ? splitPurl(c[3]).version : undefined))) continue;
    let list = byDocument.get(documentId);
    if (!list) byDocument.set(documentId, (list = []));
    list.push(c);
  }
  if (byDocument.size === 0) return { columns, cells: [] };
  const cells: Cell[][] = [];
  for (const use of documentUses(db, byDocument.keys(), range)) {
    const sbom = archivePath(use.date, use.subject.path, use.path);
    for (const c of byDocument.get(use.documentId)!) {
      cells.push([use.date, use.subject.ref, use.subject.digest, c[1], c[2], c[3], sbom, use.format, use.valid]);
    }
  }
  return { columns, cells };
}

/** A component row: document id, name, version, purl. */
type Component = [number, string, string | null, string | null];

/** The version a purl names: the same string, or the same version by compareVersions (`2.14` = `2.14.0`). */
function exactVersion(version: string): VersionRange {
  return { text: version, test: (v) => v === version || (typeof v === 'string' && v !== '' && compareVersions(v, version) === 0) };
}
