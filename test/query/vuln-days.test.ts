import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG4J, dayAt, writeSyntheticArchive } from '../../scripts/lib/synthetic-archive.mjs';
import { queryArchive } from '../../src/query/index.js';
import { tempDir } from '../helpers/cli.js';

/**
 * `query vuln` decides each finding's VEX status once per combination of
 * finding, image and VEX documents, and reuses the decision on every day
 * that repeats it. Asked day by day, nothing is reused across days: the
 * answers must be the same rows. The synthetic archive rebuilds images
 * (new digests, new VEX documents) and rescans them on different days, and
 * its log4j images have the same finding before and after a VEX statement.
 */
describe('query vuln across days', () => {
  it('gives every day the rows it gives when asked about that day alone', async () => {
    const root = join(await tempDir('custody-vuln-days-'), 'archive');
    const options = { days: 8, images: 6, rebuildEvery: 3, scanEvery: 2, components: 4, log4jEvery: 2 };
    writeSyntheticArchive(root, options);
    const whole = await queryArchive(root, { kind: 'vuln', id: LOG4J.cve });
    const vex = new Set(whole.rows.map((r) => r.vex));
    expect(vex.has(null) && vex.has('not_affected')).toBe(true);
    const byDay = [];
    for (let d = 0; d < options.days; d++) {
      const day = dayAt('2025-01-01', d);
      byDay.push(...(await queryArchive(root, { kind: 'vuln', id: LOG4J.cve }, { since: day, until: day })).rows);
    }
    expect(byDay).toEqual(whole.rows);
    expect(whole.rows.length).toBeGreaterThan(options.days);
  });
});
