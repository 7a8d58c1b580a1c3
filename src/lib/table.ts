import { escapeText } from './escape.js';

/**
 * A small text table, columns padded to the widest cell. Every cell is
 * escaped (escapeText) before it is measured, so a hostile value can neither
 * break a row nor misalign the columns; pass cells raw.
 */
export function table(rows: readonly (readonly string[])[]): string {
  const shownRows = rows.map((row) => row.map(escapeText));
  const widths: number[] = [];
  for (const row of shownRows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return shownRows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
