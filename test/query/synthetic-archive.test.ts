import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG4J, dayAt, writeSyntheticArchive } from '../../scripts/lib/synthetic-archive.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

/** The benchmark's generator writes what custody archive writes: verify --chain passes it, the index reads it. */
describe('scripts/lib/synthetic-archive.mjs', () => {
  it('writes a small archive that verifies, chain included, and grows by a day that links to the last', async () => {
    const root = join(await tempDir('custody-synthetic-'), 'archive');
    const options = { days: 5, images: 6, rebuildEvery: 2, scanEvery: 2, components: 8, log4jEvery: 3 };
    writeSyntheticArchive(root, options, 0, 4);
    writeSyntheticArchive(root, options, 4, 5);
    const verify = await runCli(['verify', root, '--chain', '--json']);
    expect(JSON.parse(verify.stdout).problems).toEqual([]);
    expect(verify.code).toBe(0);

    const index = await runCli(['index', root, '--json']);
    const report = JSON.parse(index.stdout) as { totals: { days: number; images: number } };
    expect(report.totals).toMatchObject({ days: 5, images: 30 });
    const vulnerable = await runCli(['query', 'package', LOG4J.name, '--version', `<${LOG4J.fixed}`, '--root', root, '--format', 'json']);
    const rows = (JSON.parse(vulnerable.stdout) as { rows: { date: string; version: string }[] }).rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.version))).toEqual(new Set([LOG4J.vulnerable]));
    const vuln = await runCli(['query', 'vuln', LOG4J.cve, '--root', root, '--format', 'json']);
    expect((JSON.parse(vuln.stdout) as { rows: { vex: string | null }[] }).rows.map((r) => r.vex)).toContain('not_affected');
    expect(dayAt('2025-01-01', 4)).toBe('2025-01-05');
  });
});
