import { describe, expect, it } from 'vitest';
import type { ImageResult } from '../../src/archive/archive.js';
import { createProgress } from '../../src/cli/progress.js';

function result(ref: string, status: ImageResult['status']): ImageResult {
  return { ref, digest: null, path: null, status, error: status === 'failed' ? 'boom' : null, evidence: [], warnings: [] };
}

describe('progress', () => {
  it('on a terminal: one redrawn bar with counts, failures and an ETA', () => {
    let err = '';
    let now = 0;
    const progress = createProgress({ out: () => undefined, err: (t) => (err += t) }, 'tty', () => now);
    progress.start(4);
    now = 10_000;
    progress.image(result('a', 'ok'));
    now = 20_000;
    progress.image(result('b', 'failed'));
    progress.finish();
    const frames = err.split('\r').filter(Boolean);
    expect(frames[0]).toMatch(/^\[ {30}\] 0\/4 failed 0 ETA \? $/);
    expect(frames[1]).toMatch(/^\[={8} {22}\] 1\/4 failed 0 ETA 0:30 $/);
    expect(frames[2]).toMatch(/^\[={15} {15}\] 2\/4 failed 1 ETA 0:20 \n$/);
    expect(err).not.toContain('{');
  });

  it('not on a terminal: one JSON line per event', () => {
    let err = '';
    const progress = createProgress({ out: () => undefined, err: (t) => (err += t) }, 'lines', () => 0);
    progress.start(2);
    progress.image({ ...result('a', 'ok'), skipped: true });
    progress.image(result('b', 'failed'));
    progress.finish();
    const events = err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(['start', 'image', 'image', 'finish']);
    expect(events[1]).toMatchObject({ ref: 'a', status: 'skipped', n: 1, total: 2 });
    expect(events[2]).toMatchObject({ ref: 'b', status: 'failed', error: 'boom' });
  });

  it('--quiet: nothing at all', () => {
    let written = '';
    const progress = createProgress({ out: (t) => (written += t), err: (t) => (written += t) }, 'quiet');
    progress.start(1);
    progress.image(result('a', 'ok'));
    progress.finish();
    expect(written).toBe('');
  });
});
