import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { SHOP } from './fixture.js';

/**
 * Archive strings are hostile. A real archive holds an SBOM (archived by
 * custody archive) whose package names carry a newline that would forge a
 * row, terminal escape sequences, a bidi override and a spreadsheet formula.
 */
const NAMES = {
  forged: 'evil\n2026-06-01  registry.example/forged:1  sha256:0000  trusted',
  escape: '\u001b[2J\u001b[31mred\u001b[0m',
  bidi: 'txt.\u202eexe',
  formula: '=HYPERLINK("http://evil.example","click")',
};

let root: string;

beforeAll(async () => {
  root = await tempDir('custody-hostile-');
  const sbom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: { timestamp: '2026-06-01T00:00:00Z' },
    components: Object.entries(NAMES).map(([key, name]) => ({ type: 'library', name, version: '1.0.0, or not', purl: `pkg:npm/hostile-${key}@1.0.0` })),
  };
  const file = join(root, '..', `hostile-${Date.now()}.cdx.json`);
  await writeFile(file, JSON.stringify(sbom));
  const archived = await runCli(['archive', '--no-discover', SHOP, '--evidence', file, '--root', root, '--date', '2026-06-01', '--quiet']);
  expect(archived.code, archived.stderr).toBe(0);
}, 60_000);

describe('hostile names in query output', () => {
  it('text: one line per row, control characters escaped, nothing forged', async () => {
    for (const key of Object.keys(NAMES)) {
      const result = await runCli(['query', 'package', `pkg:npm/hostile-${key}`, '--root', root]);
      expect(result.code, key).toBe(0);
      const lines = result.stdout.split('\n');
      expect(lines, key).toHaveLength(3); // header, the row, the final newline
      expect(result.stdout).not.toMatch(/(?!\n)[\p{Cc}\p{Bidi_Control}]/u);
    }
    const forged = await runCli(['query', 'package', 'pkg:npm/hostile-forged', '--root', root]);
    expect(forged.stdout).toContain('evil\\n2026-06-01  registry.example/forged:1');
    const escape = await runCli(['query', 'package', 'pkg:npm/hostile-escape', '--root', root]);
    expect(escape.stdout).toContain('\\u{1b}[2J\\u{1b}[31mred\\u{1b}[0m');
  });

  it('csv: fields quoted so that a CSV reader gets the names back exactly; formulas defused', async () => {
    const result = await runCli(['query', 'package', 'pkg:npm/hostile-forged', '--root', root, '--format', 'csv']);
    const records = parseCsv(result.stdout);
    expect(records).toHaveLength(2);
    expect(records[1]![records[0]!.indexOf('name')]).toBe(NAMES.forged);
    expect(records[1]![records[0]!.indexOf('version')]).toBe('1.0.0, or not');
    const formula = parseCsv((await runCli(['query', 'package', 'pkg:npm/hostile-formula', '--root', root, '--format', 'csv'])).stdout);
    expect(formula[1]![formula[0]!.indexOf('name')]).toBe(`'${NAMES.formula}`);
  });

  it('json: the names exactly', async () => {
    const result = await runCli(['query', 'package', 'pkg:npm/hostile-escape', '--root', root, '--format', 'json']);
    expect((JSON.parse(result.stdout) as { rows: { name: string }[] }).rows[0]!.name).toBe(NAMES.escape);
  });
});

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else field += text[i++];
  }
  return records;
}
