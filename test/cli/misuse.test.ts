import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_DIGEST, REPO_ROOT, fakeDigest, runCli } from '../helpers/cli.js';

/*
 * Misuse of the command line, as data: each row is a command line, the exit
 * code and the exact one line on stderr. A typo must never switch a limit off
 * or be dropped in silence. Fixed misuse becomes a row, so it cannot come back.
 */

const SCRATCH = mkdtempSync(join(tmpdir(), 'custody-misuse-'));
/** A root no row may create: every misuse is refused before anything is written. */
const NEVER = join(SCRATCH, 'never');
const ROOT = join(SCRATCH, 'root');
const DAY = join(ROOT, '2026-11-29');
const EMPTY = join(SCRATCH, 'empty');
const UNRELATED = join(SCRATCH, 'unrelated');
const IMAGES = join(SCRATCH, 'images.txt');
const LAYOUT = join(REPO_ROOT, 'examples', 'layout');
const LAYOUT_DIGEST = 'sha256:337a21cc74ea6b7878b74446bf8b7c17c8fdb0beb97e761e95b2f1e0a4c48370';
const REF = `registry.example/acme/shop@${EXAMPLE_DIGEST}`;
const GOOD = join(REPO_ROOT, 'examples', 'evidence', 'sbom.spdx.json');
const OFFLINE = ['--no-discover', REF, '--evidence', GOOD];
const TOMORROW = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
/** The example layout named from the working directory, as a user would type it. */
const LAYOUT_HERE = relative(process.cwd(), LAYOUT) || '.';

const TAKES = {
  folder: 'a folder path',
  file: 'a file path',
  concurrency: 'a whole number from 1 to 64',
  retries: 'a whole number from 0 to 10',
  size: 'a size from 1 B to 16 GiB (bytes, or with a unit: 512MiB, 2GB)',
  timeout: 'a number of seconds above 0 and at most 3600',
  lockTimeout: 'a number of seconds from 0 to 86400',
};

beforeAll(async () => {
  mkdirSync(EMPTY);
  mkdirSync(UNRELATED);
  writeFileSync(join(UNRELATED, 'notes.txt'), 'not an archive\n');
  writeFileSync(IMAGES, `# nightly\n${REF}\n${LAYOUT}:1.0\n`);
  const made = await runCli(['archive', ...OFFLINE, '--root', ROOT, '--date', '2026-11-29']);
  expect(made.code).toBe(0);
});

afterAll(() => {
  expect(existsSync(NEVER), 'a misuse row wrote into its root').toBe(false);
});

type Row = [label: string, args: string[], code: number, message: string];

const ROWS: Row[] = [
  // unknown commands and flags, with the nearest known names
  ['command typo', ['verfy', ROOT], 2, 'unknown command "verfy": did you mean verify? (custody --help lists the commands)'],
  ['command cut short', ['archiv', REF], 2, 'unknown command "archiv": did you mean archive? (custody --help lists the commands)'],
  ['command swapped letters', ['gaet', REF], 2, 'unknown command "gaet": did you mean gate? (custody --help lists the commands)'],
  ['command unknown', ['frobnicate'], 2, 'unknown command "frobnicate" (custody --help lists the commands)'],
  [
    'flag typo --rot',
    ['archive', ...OFFLINE, '--rot', NEVER],
    2,
    'unknown flag --rot for custody archive: did you mean --root? (custody archive --help lists its flags)',
  ],
  [
    'flag typo --concurency',
    ['archive', ...OFFLINE, '--root', NEVER, '--concurency', '2'],
    2,
    'unknown flag --concurency for custody archive: did you mean --concurrency? (custody archive --help lists its flags)',
  ],
  [
    'flag typo on verify',
    ['verify', ROOT, '--chian'],
    2,
    'unknown flag --chian for custody verify: did you mean --chain? (custody verify --help lists its flags)',
  ],
  [
    'flag typo on gate',
    ['gate', REF, '--polcy', 'p.yaml'],
    2,
    'unknown flag --polcy for custody gate: did you mean --policy? (custody gate --help lists its flags)',
  ],
  [
    'camelCase flag',
    ['archive', ...OFFLINE, '--root', NEVER, '--maxBytes', '1'],
    2,
    'unknown flag --maxBytes for custody archive: did you mean --max-bytes? (custody archive --help lists its flags)',
  ],
  [
    'single dash',
    ['archive', ...OFFLINE, '-root', NEVER],
    2,
    'unknown flag -root for custody archive: did you mean --root? (custody archive --help lists its flags)',
  ],
  [
    'flag of another command',
    ['verify', ROOT, '--root', ROOT],
    2,
    'unknown flag --root for custody verify; it is a flag of custody archive, diff or query (custody verify --help lists its flags)',
  ],
  [
    'flag unknown everywhere',
    ['export', DAY, '--out', join(SCRATCH, 'x.tar.gz'), '--zzzzzzzz'],
    2,
    'unknown flag --zzzzzzzz for custody export (custody export --help lists its flags)',
  ],
  // a value-taking flag without its value: at the end, before another flag, empty
  ['--root at the end', ['archive', ...OFFLINE, '--root'], 2, `--root takes ${TAKES.folder}, got nothing (it ends the command line)`],
  [
    '--root before a flag',
    ['archive', ...OFFLINE, '--root', '--date', '2026-11-29'],
    2,
    `--root takes ${TAKES.folder}, got nothing (it is followed by --date)`,
  ],
  ['--key at the end of verify', ['verify', ROOT, '--key'], 2, `--key takes ${TAKES.file}, got nothing (it ends the command line)`],
  ['--key before --chain', ['verify', ROOT, '--key', '--chain'], 2, `--key takes ${TAKES.file}, got nothing (it is followed by --chain)`],
  ['--out at the end of export', ['export', DAY, '--out'], 2, `--out takes ${TAKES.file}, got nothing (it ends the command line)`],
  ['--out= empty', ['export', DAY, '--out='], 2, `--out takes ${TAKES.file}, got nothing (an empty value)`],
  [
    '--evidence twice, second empty',
    ['archive', '--no-discover', REF, '--evidence', GOOD, '--evidence', '--root', NEVER],
    2,
    `--evidence takes ${TAKES.file}, got nothing (it is followed by --root)`,
  ],
  ['--policy at the end of gate', ['gate', REF, '--policy'], 2, `--policy takes ${TAKES.file}, got nothing (it ends the command line)`],
  ['--out at the end of fetch-trusted-root', ['fetch-trusted-root', '--out'], 2, `--out takes ${TAKES.file}, got nothing (it ends the command line)`],
  ['--key at the end of seal', ['seal', DAY, '--key'], 2, '--key takes a private key file path, got nothing (it ends the command line)'],
  // numbers: not a number, NaN, Infinity, negative, zero, fractional, too large
  ['--concurrency abc', ['archive', ...OFFLINE, '--root', NEVER, '--concurrency', 'abc'], 2, `--concurrency takes ${TAKES.concurrency}, got "abc"`],
  ['--retries abc', ['archive', ...OFFLINE, '--root', NEVER, '--retries', 'abc'], 2, `--retries takes ${TAKES.retries}, got "abc"`],
  ['--concurrency 0', ['archive', ...OFFLINE, '--root', NEVER, '--concurrency', '0'], 2, `--concurrency takes ${TAKES.concurrency}, got "0"`],
  ['--concurrency -1', ['archive', ...OFFLINE, '--root', NEVER, '--concurrency', '-1'], 2, `--concurrency takes ${TAKES.concurrency}, got "-1"`],
  ['--concurrency 2.5', ['archive', ...OFFLINE, '--root', NEVER, '--concurrency', '2.5'], 2, `--concurrency takes ${TAKES.concurrency}, got "2.5"`],
  ['--concurrency NaN', ['archive', ...OFFLINE, '--root', NEVER, '--concurrency', 'NaN'], 2, `--concurrency takes ${TAKES.concurrency}, got "NaN"`],
  ['--concurrency 65', ['archive', ...OFFLINE, '--root', NEVER, '--concurrency', '65'], 2, `--concurrency takes ${TAKES.concurrency}, got "65"`],
  ['--retries -1', ['archive', ...OFFLINE, '--root', NEVER, '--retries', '-1'], 2, `--retries takes ${TAKES.retries}, got "-1"`],
  ['--max-bytes abc', ['archive', ...OFFLINE, '--root', NEVER, '--max-bytes', 'abc'], 2, `--max-bytes takes ${TAKES.size}, got "abc"`],
  ['--max-bytes 0', ['archive', ...OFFLINE, '--root', NEVER, '--max-bytes', '0'], 2, `--max-bytes takes ${TAKES.size}, got "0"`],
  ['--max-bytes Infinity', ['archive', ...OFFLINE, '--root', NEVER, '--max-bytes', 'Infinity'], 2, `--max-bytes takes ${TAKES.size}, got "Infinity"`],
  ['--max-bytes over the ceiling', ['archive', ...OFFLINE, '--root', NEVER, '--max-bytes', '17GiB'], 2, `--max-bytes takes ${TAKES.size}, got "17GiB"`],
  ['--max-bytes unknown unit', ['archive', ...OFFLINE, '--root', NEVER, '--max-bytes', '5XB'], 2, `--max-bytes takes ${TAKES.size}, got "5XB"`],
  ['--max-bytes fraction of a byte', ['archive', ...OFFLINE, '--root', NEVER, '--max-bytes', '1.5'], 2, `--max-bytes takes ${TAKES.size}, got "1.5"`],
  ['--timeout abc', ['archive', ...OFFLINE, '--root', NEVER, '--timeout', 'abc'], 2, `--timeout takes ${TAKES.timeout}, got "abc"`],
  ['--timeout 0', ['archive', ...OFFLINE, '--root', NEVER, '--timeout', '0'], 2, `--timeout takes ${TAKES.timeout}, got "0"`],
  ['--timeout -5', ['discover', REF, '--timeout', '-5'], 2, `--timeout takes ${TAKES.timeout}, got "-5"`],
  ['--timeout Infinity', ['gate', REF, '--policy', 'p.yaml', '--timeout', 'Infinity'], 2, `--timeout takes ${TAKES.timeout}, got "Infinity"`],
  ['--timeout 1e3', ['fetch-trusted-root', '--out', join(SCRATCH, 'tr.json'), '--timeout', '1e3'], 2, `--timeout takes ${TAKES.timeout}, got "1e3"`],
  ['--lock-timeout soon', ['archive', ...OFFLINE, '--root', NEVER, '--lock-timeout', 'soon'], 2, `--lock-timeout takes ${TAKES.lockTimeout}, got "soon"`],
  ['--lock-timeout -1', ['archive', ...OFFLINE, '--root', NEVER, '--lock-timeout', '-1'], 2, `--lock-timeout takes ${TAKES.lockTimeout}, got "-1"`],
  // one value where only one makes sense
  [
    '--root twice',
    ['archive', ...OFFLINE, '--root', NEVER, '--root', join(SCRATCH, 'other')],
    2,
    `--root is given more than once ("${NEVER}", "${join(SCRATCH, 'other')}"); it takes one value: ${TAKES.folder}`,
  ],
  [
    '--discover and --no-discover',
    ['archive', REF, '--evidence', GOOD, '--root', NEVER, '--no-discover', '--discover'],
    2,
    '--discover is given more than once (--no-discover, --discover); give it once',
  ],
  [
    '--policy twice',
    ['gate', REF, '--policy', 'a.yaml', '--policy', 'b.yaml'],
    2,
    `--policy is given more than once ("a.yaml", "b.yaml"); it takes one value: ${TAKES.file}`,
  ],
  [
    'seal --key twice',
    ['seal', DAY, '--key', 'a.pem', '--key', 'b.pem'],
    2,
    '--key is given more than once ("a.pem", "b.pem"); it takes one value: a private key file path',
  ],
  [
    '--max-bytes twice',
    ['archive', ...OFFLINE, '--root', NEVER, '--max-bytes', '1MiB', '--max-bytes', '2MiB'],
    2,
    `--max-bytes is given more than once ("1MiB", "2MiB"); it takes one value: ${TAKES.size}`,
  ],
  // values of other types
  ['--no- on a value flag', ['archive', ...OFFLINE, '--no-root'], 2, '--no-root: --root takes a folder path and cannot be switched off with --no-'],
  ['a switch with a value', ['archive', ...OFFLINE, '--root', NEVER, '--quiet=yes'], 2, '--quiet takes no value, got "yes"'],
  [
    '--date not a day',
    ['archive', ...OFFLINE, '--root', NEVER, '--date', '2026-02-30'],
    2,
    '--date takes a date YYYY-MM-DD, got "2026-02-30", which is not a calendar date',
  ],
  ['--date a word', ['archive', ...OFFLINE, '--root', NEVER, '--date', 'tomorrow'], 2, '--date takes a date YYYY-MM-DD, got "tomorrow"'],
  [
    '--date in the future',
    ['archive', ...OFFLINE, '--root', NEVER, '--date', '2030-01-01'],
    2,
    `--date 2030-01-01 is later than tomorrow (${TOMORROW}, UTC); once archived, no earlier day of the root can take evidence: pass --allow-future-date if that is meant`,
  ],
  ['--shard K > N', ['archive', '--images', IMAGES, '--root', NEVER, '--shard', '3/2'], 2, '--shard takes K/N with 1 <= K <= N <= 10000 (e.g. 2/4), got "3/2"'],
  ['gate --format html', ['gate', REF, '--policy', 'p.yaml', '--format', 'html'], 2, '--format takes one of text, json, junit, sarif, markdown, got "html"'],
  ['seal --fulcio-url ftp', ['seal', DAY, '--fulcio-url', 'ftp://fulcio.example'], 2, '--fulcio-url takes an http(s) URL, got "ftp://fulcio.example"'],
  ['verify-evidence --digest short', ['verify-evidence', GOOD, '--digest', 'sha256:abc'], 2, '--digest takes a digest (sha256:<64 hex>), got "sha256:abc"'],
  [
    'fetch-trusted-root --mirror not a URL',
    ['fetch-trusted-root', '--out', join(SCRATCH, 'tr.json'), '--mirror', 'tuf.example'],
    2,
    '--mirror takes an http(s) URL, got "tuf.example"',
  ],
  // not an archive
  [
    'verify an empty folder',
    ['verify', EMPTY],
    2,
    `${EMPTY} is not a custody archive (it is empty): give an archive root, a day or image folder, or an export .tar.gz`,
  ],
  [
    'verify a folder of other files',
    ['verify', UNRELATED],
    2,
    `${UNRELATED} is not a custody archive (no manifest.json and no YYYY-MM-DD folders): give an archive root, a day or image folder, or an export .tar.gz`,
  ],
  // a local layout named without oci:
  [
    'archive a layout without oci:',
    ['archive', `${LAYOUT_HERE}:1.0`, '--root', NEVER],
    2,
    `"${LAYOUT_HERE}:1.0" is a local OCI layout folder (${join(LAYOUT_HERE, 'index.json')} exists), not a registry image: did you mean oci:${LAYOUT_HERE}:1.0?`,
  ],
  [
    'discover ./layout',
    ['discover', `./${LAYOUT_HERE}`],
    2,
    `"./${LAYOUT_HERE}" is a local OCI layout folder (${join(LAYOUT_HERE, 'index.json')} exists), not a registry image: did you mean oci:./${LAYOUT_HERE}?`,
  ],
  [
    'gate /abs/layout@digest',
    ['gate', `${LAYOUT}@${LAYOUT_DIGEST}`, '--policy', 'p.yaml'],
    2,
    `"${LAYOUT}@${LAYOUT_DIGEST}" is a local OCI layout folder (${join(LAYOUT, 'index.json')} exists), not a registry image: did you mean oci:${LAYOUT}@${LAYOUT_DIGEST}?`,
  ],
  [
    'an --images entry',
    ['archive', '--images', IMAGES, '--root', NEVER],
    2,
    `${IMAGES}:3: "${LAYOUT}:1.0" is a local OCI layout folder (${join(LAYOUT, 'index.json')} exists), not a registry image: did you mean oci:${LAYOUT}:1.0?`,
  ],
  // the shape of the command line: each refusal names what is missing or too much, and where its help is
  ['no command', [], 2, 'name a command: custody --help lists them'],
  ['a second path to verify', ['verify', ROOT, ROOT], 2, `unexpected argument "${ROOT}" for custody verify: it takes PATH only (custody verify --help)`],
  ['--out missing on export', ['export', DAY], 2, 'missing --out FILE for custody export: output file (.tar.gz) (custody export --help)'],
  [
    'no day to export',
    ['export', '--out', join(SCRATCH, 'x.tar.gz')],
    2,
    'missing DAY for custody export: day folder, e.g. artifacts/2026-11-29 (custody export --help)',
  ],
  [
    'a word after fetch-trusted-root',
    ['fetch-trusted-root', 'now', '--out', join(SCRATCH, 'tr.json')],
    2,
    'unexpected argument "now" for custody fetch-trusted-root: it takes no arguments (custody fetch-trusted-root --help)',
  ],
  ['verify-evidence with nothing to check against', ['verify-evidence', GOOD], 2, 'give --artifact FILE or --digest sha256:… (custody verify-evidence --help)'],
];

describe('misuse of the command line: exit 2, exactly one line naming the flag', () => {
  it('has rows for every command', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
    const commands = new Set(ROWS.map(([, args]) => args[0]));
    for (const command of ['archive', 'verify', 'verify-evidence', 'gate', 'seal', 'export', 'discover', 'fetch-trusted-root'])
      expect(commands).toContain(command);
  });

  it.each(ROWS)('%s', async (_label, args, code, message) => {
    const result = await runCli(args);
    expect(result.stderr).toBe(`custody: ${message}\n`);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
  });
});

describe('limits given with units are enforced, not only parsed', () => {
  const twoKiB = join(SCRATCH, 'two-kib.json');
  beforeAll(() => writeFileSync(twoKiB, `{"pad":"${'x'.repeat(2048 - 10)}"}`));

  it.each([
    ['1KiB', 2, 1024],
    ['2047', 2, 2047],
    ['1.5KiB', 2, 1536],
    ['2KB', 2, 2000],
    ['3KB', 0, 0],
    ['2KiB', 0, 0],
  ])('--max-bytes %s on a 2048-byte --evidence file: exit %i', async (limit, code, shown) => {
    const root = join(SCRATCH, `limit-${limit}`);
    const result = await runCli(['archive', '--no-discover', REF, '--evidence', twoKiB, '--root', root, '--date', '2026-11-29', '--max-bytes', limit]);
    expect(result.code).toBe(code);
    if (code === 2) {
      expect(result.stderr).toBe(`custody: evidence file ${twoKiB} is 2048 bytes, over the limit of ${shown} (set --max-bytes)\n`);
      expect(existsSync(root)).toBe(false);
    } else {
      expect(result.stderr).toBe('');
      expect(existsSync(join(root, '2026-11-29', 'manifest.json'))).toBe(true);
    }
  });
});

describe('what still works', () => {
  it('every typed flag in its valid forms: archive exits 0 and the root verifies', async () => {
    const root = join(SCRATCH, 'controls');
    const scan = join(REPO_ROOT, 'examples', 'evidence', 'scan.trivy.json');
    const archived = await runCli([
      'archive',
      '--no-discover',
      '--evidence',
      GOOD,
      REF,
      '--evidence',
      scan,
      `--root=${root}`,
      '--date',
      TOMORROW,
      '--max-bytes',
      '1MiB',
      '--concurrency',
      '1',
      '--retries',
      '0',
      '--timeout',
      '2.5s',
      '--lock-timeout',
      '0',
      '--quiet',
      '--json',
    ]);
    expect(archived.stderr).toBe('');
    expect(archived.code).toBe(0);
    // greedy arrays are off: REF after --evidence stays a reference, and both files are archived for it
    expect(JSON.parse(archived.stdout).images[0].evidence).toHaveLength(2);
    const verified = await runCli(['verify', root, '--chain']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^OK {2}root /);
  });

  it('a future day with --allow-future-date; then an earlier day is refused with where to go instead', async () => {
    const root = join(SCRATCH, 'future');
    const future = await runCli(['archive', ...OFFLINE, '--root', root, '--date', '2030-01-01', '--allow-future-date']);
    expect(future.code).toBe(0);
    const earlier = await runCli(['archive', ...OFFLINE, '--root', root, '--date', '2026-11-29']);
    expect(earlier.code).toBe(2);
    expect(earlier.stderr).toBe(
      `custody: ${root} already has days after 2026-11-29: 2030-01-01; an earlier day cannot take evidence once later days chain to it (it would break their hash chain): archive into 2030-01-01, or into a new --root\n`,
    );
  });

  it('a local layout named with oci: is read offline', async () => {
    const result = await runCli(['discover', `oci:${LAYOUT}:1.0`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(LAYOUT_DIGEST);
  });

  it('--help lists the new flags with their ranges', async () => {
    const help = await runCli(['archive', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--lock-timeout .*seconds, from 0 to 86400/s);
    expect(help.stdout).toMatch(/--max-bytes .*KiB MiB GiB/s);
    expect(help.stdout).toContain('--allow-future-date');
  });

  it('a value that starts with - is given with =', async () => {
    const result = await runCli([
      'archive',
      '--no-discover',
      `registry.example/x@${fakeDigest('x')}`,
      '--evidence',
      GOOD,
      '--root',
      NEVER,
      '--certificate-identity=-odd',
      '--concurrency',
      '1',
      '--max-bytes',
      '-1',
    ]);
    expect(result.stderr).toBe(`custody: --max-bytes takes ${TAKES.size}, got "-1"\n`);
  });
});
