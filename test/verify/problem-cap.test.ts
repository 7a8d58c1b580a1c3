import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archive } from '../../src/archive/archive.js';
import type { Problem, ProblemCode } from '../../src/types.js';
import { capProblems, capWarnings, ProblemCollector } from '../../src/verify/problem-cap.js';
import { EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

const problem = (code: ProblemCode, i: number): Problem => ({ code, path: `p/${i}`, message: `${code} ${i}` });

describe('capProblems', () => {
  it('keeps the first 100 of each code in order, then one summary per code that had more', () => {
    const input = [...Array.from({ length: 250 }, (_, i) => problem('unlisted', i)), ...Array.from({ length: 3 }, (_, i) => problem('altered', i))];
    const capped = capProblems(input);
    expect(capped.filter((p) => p.code === 'unlisted').slice(0, 100)).toEqual(input.slice(0, 100));
    expect(capped.filter((p) => p.code === 'altered')).toEqual(input.slice(250));
    expect(capped.at(-1)).toEqual({ code: 'unlisted', path: '', message: '…and 150 more unlisted problems' });
    expect(capped).toHaveLength(104);
  });

  it('leaves 100 problems of a code alone', () => {
    const input = Array.from({ length: 100 }, (_, i) => problem('missing', i));
    expect(capProblems(input)).toEqual(input);
  });

  it('folds the summary of a collector that capped earlier into the new count', () => {
    const collector = new ProblemCollector();
    for (let i = 0; i < 130; i++) collector.add(problem('duplicate-entry', i));
    const early = collector.list();
    expect(early).toHaveLength(101);
    expect(early.at(-1)?.message).toBe('…and 30 more duplicate-entry problems');
    const capped = capProblems([...early, problem('duplicate-entry', 999)]);
    expect(capped).toHaveLength(101);
    expect(capped.at(-1)).toEqual({ code: 'duplicate-entry', path: '', message: '…and 31 more duplicate-entry problems' });
  });

  it('does not take a problem that merely looks like a summary for one', () => {
    const lookalike: Problem = { code: 'unlisted', path: '', message: '…and 5 more unlisted problems' };
    expect(capProblems([lookalike])).toEqual([lookalike]);
  });
});

describe('capWarnings', () => {
  it('keeps 100 warnings and says how many more there were', () => {
    const warnings = Array.from({ length: 102 }, (_, i) => `w${i}`);
    expect(capWarnings(warnings)).toEqual([...warnings.slice(0, 100), '…and 2 more warnings']);
    expect(capWarnings(warnings.slice(0, 100))).toHaveLength(100);
  });
});

describe('custody verify on a folder with many problems', () => {
  it('lists 100 per code and a summary, in text and in valid JSON', async () => {
    const root = await tempDir();
    await archive({
      refs: [`registry.example/acme/shop@${EXAMPLE_DIGEST}`],
      evidenceFiles: [join(REPO_ROOT, 'examples', 'evidence', 'sbom.spdx.json')],
      root,
      date: '2026-11-29',
    });
    const extra = join(root, '2026-11-29', 'extra');
    await mkdir(extra);
    for (let i = 0; i < 150; i++) await writeFile(join(extra, `f${i}`), 'x');

    const json = await runCli(['verify', join(root, '2026-11-29'), '--json']);
    expect(json.code).toBe(1);
    const problems = (JSON.parse(json.stdout) as { problems: Problem[] }).problems;
    expect(problems.filter((p) => p.code === 'unlisted')).toHaveLength(101);
    expect(problems).toContainEqual({ code: 'unlisted', path: '', message: '…and 50 more unlisted problems' });
    expect(problems).toContainEqual({ code: 'checksum-missing', path: '', message: '…and 50 more checksum-missing problems' });

    const text = await runCli(['verify', join(root, '2026-11-29')]);
    expect(text.code).toBe(1);
    expect(text.stdout.trim().split('\n')).toHaveLength(1 + 202);
    expect(text.stdout).toContain('…and 50 more unlisted problems');
  });
});
