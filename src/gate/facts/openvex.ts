import { array, isRecord, parseTime, record, text } from './json.js';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
const STATUSES = new Set<string>(['not_affected', 'affected', 'fixed', 'under_investigation']);

export interface VexProduct {
  /** `@id` (an IRI: a purl, an image reference, a digest). */
  id?: string;
  /** identifiers.purl, when given. */
  purl?: string;
  /** `sha256:<hex>` from `hashes`, when given. */
  digests: string[];
  /** Components of the product the statement is limited to (purls or ids). */
  subcomponents: string[];
}

export interface VexStatement {
  vulnerability: string;
  aliases: string[];
  products: VexProduct[];
  status: VexStatus;
  justification?: string;
  /** Statement time, else the document's: the latest statement about a vulnerability wins. */
  timestamp?: string;
}

export interface VexFacts {
  author?: string;
  statements: VexStatement[];
}

/** An OpenVEX document: `@context` under https://openvex.dev/ns and `statements`. */
export function looksLikeOpenvex(json: unknown): boolean {
  return isRecord(json) && /^https:\/\/openvex\.dev\/ns/.test(text(json, '@context') ?? '') && Array.isArray(json.statements);
}

export function isOpenvexPredicate(predicateType: string): boolean {
  return /^https:\/\/openvex\.dev\/ns/.test(predicateType);
}

/**
 * Statements of an OpenVEX document, v0.2.0 (`vulnerability: {name, aliases}`,
 * `products: [{@id, identifiers, hashes, subcomponents}]`) and the v0.0.x
 * shapes (`vulnerability: "CVE-…"`, `products: ["pkg:…"]`, statement-level
 * `subcomponents`). Statements with an unknown status are left out.
 */
export function readOpenvex(json: unknown): VexFacts {
  const docTime = parseTime(text(json, 'timestamp'));
  const statements: VexStatement[] = [];
  for (const s of array(json, 'statements')) {
    const status = text(s, 'status');
    if (!status || !STATUSES.has(status)) continue;
    const v = record(s)?.vulnerability;
    const name = typeof v === 'string' ? v : (text(v, 'name') ?? text(v, '@id'));
    if (!name) continue;
    const aliases = typeof v === 'string' ? [] : array(v, 'aliases').filter((a): a is string => typeof a === 'string');
    const statementSubcomponents = array(s, 'subcomponents')
      .map(productId)
      .filter((id): id is string => id !== undefined);
    const products = array(s, 'products').map((p): VexProduct => {
      if (typeof p === 'string') return { id: p, digests: [], subcomponents: statementSubcomponents };
      const product: VexProduct = {
        digests: hashes(record(p, 'hashes')),
        subcomponents: [
          ...array(p, 'subcomponents')
            .map(productId)
            .filter((id): id is string => id !== undefined),
          ...statementSubcomponents,
        ],
      };
      const id = text(p, '@id');
      const purl = text(record(p, 'identifiers'), 'purl');
      if (id) product.id = id;
      if (purl) product.purl = purl;
      return product;
    });
    const statement: VexStatement = { vulnerability: name, aliases, products, status: status as VexStatus };
    const justification = text(s, 'justification');
    if (justification) statement.justification = justification;
    const time = parseTime(text(s, 'timestamp')) ?? docTime;
    if (time) statement.timestamp = time.toISOString();
    statements.push(statement);
  }
  const facts: VexFacts = { statements };
  const author = text(json, 'author');
  if (author) facts.author = author;
  return facts;
}

function productId(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return text(value, '@id') ?? text(record(value, 'identifiers'), 'purl');
}

function hashes(value: Record<string, unknown> | undefined): string[] {
  const hex = text(value, 'sha-256') ?? text(value, 'sha256');
  return hex && /^[0-9a-fA-F]{64}$/.test(hex) ? [`sha256:${hex.toLowerCase()}`] : [];
}
