import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { LayoutBuilder } from '../helpers/layout-builder.js';
import { DATE, REF, makeArchive } from './support.js';

/**
 * Hostile names in text output: a name that holds a newline must not forge a
 * line (an "OK" line on stdout, a second error line), an escape sequence must
 * not reach the terminal, a bidi override must not reorder what is read.
 * Each name is shown escaped: `\n`, `\x1b`, `\u202e`; a backslash stays as it is.
 */
const NAMES: { label: string; name: string; shown: string }[] = [
  {
    label: 'newline, forged OK line, erase-line and cursor-up',
    name: `x\nOK  root ${DATE}: ok\x1b[2K\x1b[1A`,
    shown: `x\\nOK  root ${DATE}: ok\\x1b[2K\\x1b[1A`,
  },
  { label: 'OSC title sequence with BEL', name: 't\x1b]0;pwned\x07', shown: 't\\x1b]0;pwned\\x07' },
  { label: 'carriage return', name: 'a\rOK  forged', shown: 'a\\rOK  forged' },
  { label: 'tab', name: 'a\tb', shown: 'a\\tb' },
  { label: 'C1 CSI', name: 'c1\u009b31mred', shown: 'c1\\x9b31mred' },
  { label: 'U+2028 line separator', name: 'line\u2028sep', shown: 'line\\u2028sep' },
  { label: 'bidi override U+202E', name: 'bidi\u202egnp.exe', shown: 'bidi\\u202egnp.exe' },
  { label: 'bidi isolate U+2066', name: 'iso\u2066late', shown: 'iso\\u2066late' },
  { label: 'backslash before n (not a newline)', name: 'back\\nslash', shown: 'back\\nslash' },
];

/** Anything a terminal would act on, other than the line breaks custody writes itself. */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

interface Context {
  label: string;
  /** Set up a case for `name`; the arguments to run. */
  setup: (name: string) => Promise<string[]>;
  exit: number;
  stdoutLines: number;
  /** Where the escaped name must appear. */
  shownIn: 'stdout' | 'stderr';
}

let archived: { root: string; day: string; image: string };
let policyText: string;

beforeAll(async () => {
  archived = await makeArchive();
  policyText = 'apiVersion: custody/v1\nkind: Policy\nrules:\n  sbom: {mode: enforce, formats: [spdx], minComponents: 1}\n';
});

const CONTEXTS: Context[] = [
  {
    label: 'an evidence file name given to archive (invalid content: named in the error line)',
    setup: async (name) => {
      const dir = await tempDir('custody-names-evidence-');
      await writeFile(join(dir, name), '{"spdxVersion": ');
      return ['archive', '--no-discover', REF, '--evidence', join(dir, name), '--root', join(dir, 'root'), '--date', DATE];
    },
    exit: 1,
    stdoutLines: 4,
    shownIn: 'stderr',
  },
  {
    label: 'a file name in an archive folder seen by verify',
    setup: async (name) => {
      const { root, day } = await makeArchive();
      await writeFile(join(day, name), 'planted');
      return ['verify', root];
    },
    exit: 1,
    stdoutLines: 3,
    shownIn: 'stdout',
  },
  {
    label: 'a folder name in an archive seen by verify',
    setup: async (name) => {
      const { root, day } = await makeArchive();
      await mkdir(join(day, name));
      await writeFile(join(day, name, 'f'), 'planted');
      return ['verify', root];
    },
    exit: 1,
    stdoutLines: 3,
    shownIn: 'stdout',
  },
  {
    label: 'a policy path in the gate report',
    setup: async (name) => {
      const dir = await tempDir('custody-names-policy-');
      await writeFile(join(dir, name), policyText);
      return ['gate', '--bundle', archived.image, '--policy', join(dir, name)];
    },
    exit: 0,
    stdoutLines: 4,
    shownIn: 'stdout',
  },
  {
    label: 'a policy path that does not exist',
    setup: async (name) => ['gate', '--bundle', archived.image, '--policy', join(await tempDir('custody-names-nopolicy-'), name)],
    exit: 2,
    stdoutLines: 0,
    shownIn: 'stderr',
  },
  {
    label: 'an OCI layout tag listed when no image is named',
    setup: async (name) => {
      const dir = join(await tempDir('custody-names-layout-'), 'layout');
      const layout = new LayoutBuilder(dir);
      await layout.image(name, { sbom: false });
      await layout.image('other', { sbom: false });
      return ['discover', `oci:${dir}`];
    },
    exit: 2,
    stdoutLines: 0,
    shownIn: 'stderr',
  },
  {
    label: 'an OCI layout tag listed when the tag asked for is not there',
    setup: async (name) => {
      const dir = join(await tempDir('custody-names-layout-'), 'layout');
      await new LayoutBuilder(dir).image(name, { sbom: false });
      return ['discover', `oci:${dir}:missing`];
    },
    exit: 3,
    stdoutLines: 0,
    shownIn: 'stderr',
  },
];

const ROWS = CONTEXTS.flatMap((context) => NAMES.map((n) => [`${context.label}: ${n.label}`, context, n] as const));

describe('hostile names are escaped in text output; every error is one line', () => {
  it.each(ROWS)('%s', async (_label, context, { name, shown }) => {
    const result = await runCli(await context.setup(name));
    expect(result.code, result.stderr).toBe(context.exit);
    expect(result.stdout + result.stderr).not.toMatch(RAW_UNSAFE);
    const stdoutLines = result.stdout === '' ? 0 : result.stdout.split('\n').length - 1;
    expect(stdoutLines, result.stdout).toBe(context.stdoutLines);
    expect(result.stdout === '' || result.stdout.endsWith('\n')).toBe(true);
    if (context.exit === 0) expect(result.stderr).toBe('');
    else {
      expect(result.stderr.split('\n'), result.stderr).toHaveLength(2);
      expect(result.stderr).toMatch(/^custody: .*\n$/);
    }
    expect(context.shownIn === 'stdout' ? result.stdout : result.stderr).toContain(shown);
  });

  it('--json output carries the name exactly (JSON escapes it) with no raw control or bidi character', async () => {
    const { root, day } = await makeArchive();
    const name = NAMES.map((n) => n.name).join('');
    await writeFile(join(day, name), 'planted');
    const result = await runCli(['verify', root, '--json']);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(RAW_UNSAFE);
    const report = JSON.parse(result.stdout) as { problems: { path: string }[] };
    expect(report.problems.map((p) => p.path)).toContain(`${DATE}/${name}`);
  });
});
