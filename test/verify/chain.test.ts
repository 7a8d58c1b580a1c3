import { cp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { archive } from '../../src/archive/archive.js';
import { EXAMPLE_DIGEST, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { createHash } from 'node:crypto';

const REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
const EVIDENCE = join(REPO_ROOT, 'examples', 'evidence');
const DAYS = ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'];
let root: string;

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Rewrite a day manifest and its .sha256 consistently, as a careful forger would. */
async function forgeDay(day: string, edit: (m: Record<string, unknown>) => void) {
  const file = join(root, day, 'manifest.json');
  const value = JSON.parse(await readFile(file, 'utf8'));
  edit(value);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(file, text);
  await writeFile(`${file}.sha256`, `${sha(text)}  manifest.json\n`);
}

async function verifyChain() {
  const result = await runCli(['verify', root, '--chain', '--json']);
  return { ...result, report: JSON.parse(result.stdout) as { ok: boolean; problems: { code: string; path: string; message: string }[] } };
}

beforeEach(async () => {
  root = await tempDir();
  const files = ['sbom.spdx.json', 'sbom.cdx.json', 'scan.trivy.json', 'provenance.intoto.json'];
  for (const [i, day] of DAYS.entries()) {
    await archive({ refs: [REF], evidenceFiles: [join(EVIDENCE, files[i]!)], root, date: day });
  }
});

describe('verify --chain', () => {
  it('passes an untouched chain and links each day to the one before', async () => {
    const { code, report } = await verifyChain();
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    const second = JSON.parse(await readFile(join(root, DAYS[1]!, 'manifest.json'), 'utf8'));
    expect(second.previous).toEqual({ date: DAYS[0], sha256: sha(await readFile(join(root, DAYS[0]!, 'manifest.json'))) });
  });

  it('detects an edited past day, even with its .sha256 forged to match, and names the first broken link', async () => {
    await forgeDay(DAYS[1]!, (m) => {
      (m.images as { status: string }[])[0]!.status = 'incomplete';
    });
    const { code, report, stderr } = await verifyChain();
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'chain-broken', path: `${DAYS[2]}/manifest.json#/previous` })]);
    expect(report.problems[0]!.message).toContain(`${DAYS[1]}/manifest.json changed after ${DAYS[2]} was written`);
    expect(stderr).toContain(`${DAYS[2]}/manifest.json#/previous`);
  });

  it('detects a removed day', async () => {
    await rm(join(root, DAYS[1]!), { recursive: true });
    const { code, report } = await verifyChain();
    expect(code).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'chain-broken', path: `${DAYS[2]}/manifest.json#/previous` })]);
    expect(report.problems[0]!.message).toContain('removed');
  });

  it('detects a removed first day', async () => {
    await rm(join(root, DAYS[0]!), { recursive: true });
    const { report } = await verifyChain();
    expect(report.problems).toEqual([expect.objectContaining({ code: 'chain-broken', path: `${DAYS[1]}/manifest.json#/previous` })]);
  });

  it('detects a day inserted between two others', async () => {
    const inserted = '2026-11-27';
    await rename(join(root, DAYS[2]!), join(root, 'moved'));
    await rename(join(root, DAYS[3]!), join(root, '2026-11-29'));
    await forgeDay('2026-11-29', (m) => {
      m.date = '2026-11-29';
    });
    await rename(join(root, 'moved'), join(root, inserted));
    // A new day forged between 11-27 and 11-29 with a link that looks right for where it sits.
    await cp(join(root, inserted), join(root, '2026-11-28'), { recursive: true });
    await forgeDay('2026-11-28', (m) => {
      m.date = '2026-11-28';
    });
    const { code, report } = await verifyChain();
    expect(code).toBe(1);
    const broken = report.problems.filter((p) => p.code === 'chain-broken');
    expect(broken.map((p) => p.path)).toEqual(['2026-11-28/manifest.json#/previous', '2026-11-29/manifest.json#/previous']);
  });

  it('detects reordered days', async () => {
    await rename(join(root, DAYS[1]!), join(root, 'tmp'));
    await rename(join(root, DAYS[2]!), join(root, DAYS[1]!));
    await rename(join(root, 'tmp'), join(root, DAYS[2]!));
    await forgeDay(DAYS[1]!, (m) => {
      m.date = DAYS[1];
    });
    await forgeDay(DAYS[2]!, (m) => {
      m.date = DAYS[2];
    });
    const { code, report } = await verifyChain();
    expect(code).toBe(1);
    expect(report.problems.filter((p) => p.code === 'chain-broken').length).toBeGreaterThanOrEqual(2);
    expect(report.problems[0]!.path).toBe(`${DAYS[1]}/manifest.json#/previous`);
  });

  it('refuses to archive into a day that has later days (it would break their links)', async () => {
    const result = await runCli(['archive', '--no-discover', REF, '--evidence', join(EVIDENCE, 'sbom.spdx.json'), '--root', root, '--date', DAYS[1]!]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `custody: ${root} already has days after ${DAYS[1]}: ${DAYS[2]}, ${DAYS[3]}; an earlier day cannot take evidence once later days chain to it (it would break their hash chain): archive into today (omit --date), or into a new --root\n`,
    );
  });
});
