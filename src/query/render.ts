import type { Cell } from './answer.js';
import { writeCsv } from './csv.js';
import { indexWork, type IndexReport } from './index-archive.js';
import type { QueryResult } from './query.js';
import { escapeText } from './text-escape.js';

export const QUERY_FORMATS = ['text', 'json', 'csv'] as const;
export type QueryFormat = (typeof QUERY_FORMATS)[number];

export function renderQuery(result: QueryResult, format: QueryFormat): string {
  let out = '';
  writeQuery(result, format, (text) => (out += text));
  return out;
}

/** The answer in that format, handed to `write` in one piece, or in pieces ending at line ends (CSV: see writeCsv). */
export function writeQuery(result: QueryResult, format: QueryFormat, write: (text: string) => void): void {
  if (format === 'csv') writeCsv(result.columns, result.cells, write);
  else write(formatWhole(result, format));
}

function formatWhole(result: QueryResult, format: Exclude<QueryFormat, 'csv'>): string {
  if (format === 'json') {
    const { query, root, since, until, days, columns, rows, index } = result;
    const indexed = {
      path: index.index,
      outside: index.outside,
      rebuilt: index.rebuilt,
      added: index.days.added,
      reindexed: index.days.reindexed,
      skipped: index.days.skipped,
    };
    return `${JSON.stringify({ query, root, since, until, days, columns, rows, index: indexed }, null, 2)}\n`;
  }
  // Dates, references, digests and scanners repeat row after row: each distinct value is shown once.
  const shown = new Map<Cell, string>();
  const cell = (value: Cell) => {
    let text = shown.get(value);
    if (text === undefined) shown.set(value, (text = textCell(value)));
    return text;
  };
  return textTable(
    result.columns,
    result.cells.map((row) => row.map(cell)),
  );
}

/**
 * A table for a person: upper-case headers, padded columns, every archive
 * string escaped (text-escape.ts) so that no name can start a line or send
 * an escape sequence; sha256 values (digests, `sha256-…` folder names, key
 * hints) cut to 12 hex digits: JSON and CSV keep them whole. Nothing when there are no rows.
 */
export function textTable(columns: readonly string[], rows: readonly string[][]): string {
  if (rows.length === 0) return '';
  const all = [columns.map((c) => c.toUpperCase()), ...rows];
  const widths = columns.map(() => 0);
  // Each cell measured once (a year's answer has some 50,000 cells), in code points as the padding counts them.
  const lengths = all.map((r) =>
    r.map((cell, i) => {
      const length = codePoints(cell);
      widths[i] = Math.max(widths[i]!, length);
      return length;
    }),
  );
  return (
    all
      .map((r, j) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - lengths[j]![i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** The length of a string in code points (`[...text].length`), without spreading the common string that has no surrogate. */
function codePoints(text: string): number {
  return SURROGATE.test(text) ? [...text].length : text.length;
}

const SURROGATE = /[\ud800-\udfff]/;

function textCell(value: Cell): string {
  if (value === null) return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return escapeText(String(value).replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1…'));
}

/** `custody index` in words. */
export function renderIndexReport(report: IndexReport): string {
  const t = report.totals;
  const lines = [
    `index ${escapeText(report.index)}: ${t.days} day(s), ${t.images} image(s), ${t.evidence} evidence entries of ${t.documents} distinct document(s); ${t.components} SBOM component(s), ${t.findings} finding(s), ${t.vexStatements} VEX statement(s)`,
  ];
  if (report.outside !== null) lines.push(`  kept outside the archive: ${escapeText(report.outside)}`);
  const what = indexWork(report);
  if (report.rebuilt !== null) lines.push(`  built from ${report.days.added.length} day(s) because ${escapeText(report.rebuilt)}: ${what}`);
  else if (report.days.added.length + report.days.reindexed.length === 0) lines.push('  up to date: no day added or changed since the last run');
  else {
    if (report.days.added.length > 0) lines.push(`  added ${report.days.added.length} day(s): ${report.days.added.join(', ')}`);
    if (report.days.reindexed.length > 0) lines.push(`  indexed again (grew since): ${report.days.reindexed.join(', ')}`);
    lines.push(`  ${what}`);
  }
  for (const skip of report.days.skipped) lines.push(`  not indexed: ${skip.date}: ${escapeText(skip.reason)}`);
  return `${lines.join('\n')}\n`;
}
