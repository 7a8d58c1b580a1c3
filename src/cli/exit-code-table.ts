import { EXIT_CODES } from './exit-codes.js';

/** The README's error-code table, generated from the one table in exit-codes.ts. */
export function exitCodeTableMarkdown(): string {
  return Object.entries(EXIT_CODES)
    .sort(([a, x], [b, y]) => x.exit - y.exit || (a < b ? -1 : 1))
    .map(([code, { exit, meaning }]) => `| \`${code}\` | ${exit} | ${meaning} |`)
    .join('\n');
}
