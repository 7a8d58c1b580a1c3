import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-line.js';
import { renderHelp, wrap } from '../../src/cli/help.js';
import { camel, parseArgs, type Parsed } from '../../src/cli/parse-args.js';
import { CustodyError } from '../../src/errors.js';
import { TOOL } from '../../src/version.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

/*
 * custody's own command line (src/cli/parse-args.ts, src/cli/help.ts): what
 * each command line becomes, as data. The misuse rows of misuse.test.ts run
 * the same parser through the CLI; here it is called directly.
 */

const SCRATCH = mkdtempSync(join(tmpdir(), 'custody-parse-args-'));
const A = join(SCRATCH, 'a.json');
const B = join(SCRATCH, 'b.json');
mkdirSync(join(SCRATCH, 'reports'));
for (const file of [A, B, join(SCRATCH, 'reports', 'x.json'), join(SCRATCH, 'reports', 'y.json')]) writeFileSync(file, '{}');

function run(argv: string[]): Record<string, unknown> {
  const parsed = parseArgs(argv, COMMANDS);
  if (parsed.kind !== 'run') throw new Error(`expected a command run, got ${parsed.kind}`);
  return parsed.args;
}

function refusal(argv: string[]): string {
  try {
    parseArgs(argv, COMMANDS);
  } catch (err) {
    expect(err).toBeInstanceOf(CustodyError);
    expect((err as CustodyError).code).toBe('USAGE');
    return (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

const pathOf = (parsed: Parsed) => (parsed.kind === 'version' ? 'version' : `${parsed.kind}: ${parsed.path.map((spec) => spec.name).join(' ')}`);

describe('what a command line becomes', () => {
  const rows: [label: string, argv: string[], expected: Record<string, unknown>][] = [
    [
      'defaults from the flag table, typed; switches off unless on by default',
      ['archive', 'r@sha256:x'],
      { _: ['archive'], refs: ['r@sha256:x'], root: 'artifacts', retries: 1, lockTimeout: 120, json: false, quiet: false, discover: true, strict: false },
    ],
    [
      'camelCase keys, values parsed by their type',
      ['archive', '--max-bytes', '1MiB', '--timeout', '2.5s', '--lock-timeout', '0'],
      { maxBytes: 1048576, timeout: 2.5, lockTimeout: 0 },
    ],
    ['--x=value', ['archive', '--root=/r', '--concurrency=3', '--certificate-identity=-odd'], { root: '/r', concurrency: 3, certificateIdentity: '-odd' }],
    ['--no-x switches off', ['archive', '--no-discover', '--allow-future-date'], { discover: false, allowFutureDate: true }],
    ['a switch given true or false', ['verify', 'R', '--chain', 'false', '--json=true'], { chain: false, json: true, path: 'R' }],
    [
      'repeatable flags keep their values in order',
      ['verify', 'R', '--key', 'b.pem', '--key', 'a.pem', '--trusted-root', 't.json'],
      { key: ['b.pem', 'a.pem'], trustedRoot: ['t.json'] },
    ],
    [
      'one value per occurrence: the word after it stays positional',
      ['archive', '--evidence', A, 'r1', '--evidence', B, 'r2'],
      { evidence: [A, B], refs: ['r1', 'r2'] },
    ],
    [
      'a glob expands to its files, joined with the other values in order',
      ['archive', '--evidence', B, '--evidence', join(SCRATCH, 'reports', '*.json')],
      { evidence: [B, join(SCRATCH, 'reports', 'x.json'), join(SCRATCH, 'reports', 'y.json')] },
    ],
    ['no refs: an empty list', ['archive', '--images', 'list.txt'], { refs: [], images: 'list.txt' }],
    ['an optional positional left out', ['gate', '--bundle', 'B', '--policy', 'P'], { bundle: 'B', policy: 'P' }],
    ['positionals by name', ['diff', '2026-01-01', '2026-01-02', '--format', 'markdown'], { a: '2026-01-01', b: '2026-01-02', format: 'markdown' }],
    ['-- ends the flags', ['archive', '--root', 'R', '--', '--odd', '-x'], { root: 'R', refs: ['--odd', '-x'] }],
    ['- and negative numbers are words', ['diff', '-', '-1'], { a: '-', b: '-1' }],
    ['flags before the command', ['--json', 'verify', '--chain', 'R'], { _: ['verify'], json: true, chain: true, path: 'R' }],
    [
      'a question of query takes the flags of query; --version is its range',
      ['query', '--root', 'R', 'package', 'log4j-core', '--version', '>=2 <3', '--format', 'csv'],
      { _: ['query', 'package'], root: 'R', name: 'log4j-core', version: '>=2 <3', format: 'csv', json: false },
    ],
    ['a choice of a positional', ['query', 'missing', 'sbom'], { _: ['query', 'missing'], what: 'sbom' }],
    ['seal --key is one private key, not a list', ['seal', 'D', '--key', 'k.pem'], { key: 'k.pem', day: 'D' }],
    ['report with --json needs no --out', ['report', 'R', '--json'], { path: 'R', json: true }],
    ['verify-evidence with --digest', ['verify-evidence', 'F', '--digest', `sha256:${'a'.repeat(64)}`], { file: 'F', digest: `sha256:${'a'.repeat(64)}` }],
  ];
  it.each(rows)('%s', (_label, argv, expected) => {
    expect(run(argv)).toMatchObject(expected);
  });

  it('leaves out flags not given that have no default, and keys no handler reads', () => {
    const args = run(['gate', 'x', '--policy', 'P']);
    expect(Object.keys(args).sort()).toEqual(['_', 'insecure', 'json', 'policy', 'ref', 'strict']);
    expect(camel('certificate-oidc-issuer-regexp')).toBe('certificateOidcIssuerRegexp');
  });
});

describe('--help and --version', () => {
  it.each([
    [['--help'], 'help: '],
    [['archive', '--help'], 'help: archive'],
    [['archive', '--bogus', '--concurrency', 'x', '--help'], 'help: archive'],
    [['query', '--help'], 'help: query'],
    [['query', 'package', '--help'], 'help: query package'],
    [['export', '--help'], 'help: export'],
    [['--version'], 'version'],
    [['archive', '--version'], 'version'],
    [['--json', '--version'], 'version'],
  ])('%j is %s', (argv, expected) => {
    expect(pathOf(parseArgs(argv, COMMANDS))).toBe(expected);
  });

  it('--help after -- is a word, not a request for help', () => {
    expect(refusal(['verify', 'R', '--', '--help'])).toBe('unexpected argument "--help" for custody verify: it takes PATH only (custody verify --help)');
  });

  it('run through main: help on stdout and exit 0, nothing run; the version of package.json', async () => {
    const help = await runCli(['export', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: custody export <day> \[options\]\n/);
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${TOOL.version}\n`, stderr: '' });
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(TOOL.version).toBe(pkg.version);
  });
});

describe('refusals: one line naming the command, flag or positional, and where help is', () => {
  const rows: [label: string, argv: string[], message: string][] = [
    ['no command', [], 'name a command: custody --help lists them'],
    ['only flags', ['--json'], 'name a command: custody --help lists them'],
    ['unknown command', ['verfy', 'R'], 'unknown command "verfy": did you mean verify? (custody --help lists the commands)'],
    ['query without a question', ['query', '--root', 'R'], 'name a question: custody query package|vuln|missing|image (custody query --help)'],
    ['unknown question', ['query', 'pakage', 'x'], 'unknown question "pakage" for custody query: did you mean package? (custody query --help lists them)'],
    ['missing positional', ['export', '--out', 'x.tar.gz'], 'missing DAY for custody export: day folder, e.g. artifacts/2026-11-29 (custody export --help)'],
    ['second of two positionals missing', ['diff', 'A'], 'missing B for custody diff: day B, likewise (custody diff --help)'],
    ['extra positional', ['verify', 'R', 'R'], 'unexpected argument "R" for custody verify: it takes PATH only (custody verify --help)'],
    [
      'extra positional of a question',
      ['query', 'vuln', 'CVE-1', 'CVE-2'],
      'unexpected argument "CVE-2" for custody query vuln: it takes ID only (custody query vuln --help)',
    ],
    [
      'positional where none is taken',
      ['fetch-trusted-root', 'x', '--out', 'o'],
      'unexpected argument "x" for custody fetch-trusted-root: it takes no arguments (custody fetch-trusted-root --help)',
    ],
    ['missing required flag', ['export', 'D'], 'missing --out FILE for custody export: output file (.tar.gz) (custody export --help)'],
    [
      'missing --policy',
      ['gate', 'x'],
      'missing --policy FILE for custody gate: policy file (YAML or JSON, apiVersion custody/v1; see docs/gate.md) (custody gate --help)',
    ],
    [
      'a positional choice',
      ['query', 'missing', 'everything'],
      'WHAT takes one of signature, sbom, provenance, scan, got "everything" (custody query missing --help)',
    ],
    [
      'a missing positional with choices',
      ['query', 'missing'],
      'missing WHAT for custody query missing: the kind of evidence: one of signature, sbom, provenance or scan (custody query missing --help)',
    ],
    ['verify-evidence needs --artifact or --digest', ['verify-evidence', 'F'], 'give --artifact FILE or --digest sha256:… (custody verify-evidence --help)'],
    ['report needs --out or --json', ['report', 'R'], 'give --out FILE.html, or --json for the report as JSON on stdout (custody report --help)'],
    ['report with --no-json', ['report', 'R', '--no-json'], 'give --out FILE.html, or --json for the report as JSON on stdout (custody report --help)'],
    ['unknown flag', ['verify', 'R', '--chian'], 'unknown flag --chian for custody verify: did you mean --chain? (custody verify --help lists its flags)'],
    [
      'unknown flag of a question',
      ['query', 'image', 'r', '--bogus'],
      'unknown flag --bogus for custody query image (custody query image --help lists its flags)',
    ],
    [
      'a flag of another command',
      ['verify', 'R', '--images', 'x'],
      'unknown flag --images for custody verify; it is a flag of custody archive (custody verify --help lists its flags)',
    ],
    [
      'custody --version under query is a range without its value',
      ['query', 'package', 'x', '--version'],
      '--version takes a version range, got nothing (it ends the command line)',
    ],
    ['a value flag followed by a flag', ['archive', '--root', '--quiet'], '--root takes a folder path, got nothing (it is followed by --quiet)'],
    ['a value flag before --', ['archive', '--root', '--', 'r'], '--root takes a folder path, got nothing (it ends the command line)'],
    ['a bad value', ['archive', '--retries', '11'], '--retries takes a whole number from 0 to 10, got "11"'],
    [
      'a negative number as a value',
      ['archive', '--max-bytes', '-1'],
      '--max-bytes takes a size from 1 B to 16 GiB (bytes, or with a unit: 512MiB, 2GB), got "-1"',
    ],
    ['a value flag given twice', ['diff', 'A', 'B', '--root', 'x', '--root=y'], '--root is given more than once ("x", "y"); it takes one value: a folder path'],
    ['a switch given twice', ['verify', 'R', '--chain', '--no-chain'], '--chain is given more than once (--chain, --no-chain); give it once'],
    ['--no- of a value flag', ['diff', 'A', 'B', '--no-root'], '--no-root: --root takes a folder path and cannot be switched off with --no-'],
    ['a switch with a value', ['verify', 'R', '--chain=yes'], '--chain takes no value, got "yes"'],
    ['a flag choice', ['diff', 'A', 'B', '--format', 'html'], '--format takes one of text, json, markdown, got "html"'],
  ];
  it.each(rows)('%s', (_label, argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it('exits 2 with the one line on stderr, nothing on stdout', async () => {
    expect(await runCli(['query', 'missing', 'everything'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'custody: WHAT takes one of signature, sbom, provenance, scan, got "everything" (custody query missing --help)\n',
    });
  });
});

describe('help', () => {
  const help = (words: string[], width = 110) => {
    let path = [] as Parameters<typeof renderHelp>[0];
    for (const word of words) path = [...path, (path.length ? path[path.length - 1]!.commands! : COMMANDS).find((c) => c.name === word)!];
    return renderHelp(path, COMMANDS, width);
  };

  it('custody --help: usage, what custody is, every command with its positionals, the global options', () => {
    const text = help([]);
    expect(text).toMatch(/^Usage: custody <command> \[options\]\n\nChain of custody/);
    for (const command of COMMANDS) expect(text).toMatch(new RegExp(`^  custody ${command.name}\\b`, 'm'));
    expect(text).toMatch(/^ {2}custody diff <a> <b> +what changed/m);
    expect(text).toMatch(/^ {2}custody archive \[refs\.\.\] +collect/m);
    expect(text).toMatch(/^ {2}custody gate \[ref\] +decide/m);
    for (const flag of ['--json', '--help', '--version']) expect(text).toMatch(new RegExp(`^  ${flag} `, 'm'));
  });

  it('a command: usage, positionals, each flag with its value, default, choices, required', () => {
    const archive = help(['archive']);
    expect(archive).toMatch(/^Usage: custody archive \[refs\.\.\] \[options\]\n/);
    expect(archive).toMatch(/^ {2}refs +image references .*\[zero or more\]/m);
    expect(archive).toMatch(/^ {2}--root DIR +archive root folder \[default: artifacts\]$/m);
    expect(archive).toMatch(/^ {2}--discover +contact the registry/m);
    expect(archive).toMatch(/^ {2}--concurrency N +images archived in parallel/m);
    expect(archive).toMatch(/^ {2}--version +show custody's version$/m);
    expect(help(['export'])).toMatch(/^ {2}--out FILE +output file \(\.tar\.gz\) \[required\]$/m);
    // wrapped lines joined again
    expect(help(['gate']).replace(/\s+/g, ' ')).toContain(
      ' --format FORMAT report format (default text; json with --json) [choices: "text", "json", "junit", "sarif", "markdown"] ',
    );
  });

  it('query: its questions and flags, and --version is the range, not custody’s', () => {
    const query = help(['query']);
    expect(query).toMatch(/^Usage: custody query <question> \[options\]\n/);
    expect(query).toMatch(/^Questions:\n {2}custody query package <name> +which images/m);
    expect(query).not.toContain("custody's version");
    const pkg = help(['query', 'package']);
    expect(pkg).toMatch(/^Usage: custody query package <name> \[options\]\n/);
    expect(pkg).toMatch(/^ {2}--version RANGE +query package: version range/m);
    expect(help(['query', 'missing'])).toMatch(/what +the kind of evidence \[required\] \[choices: "signature", "sbom", "provenance", "scan"\]/);
  });

  it('is wrapped to the width, plain text', () => {
    for (const width of [60, 80, 110]) {
      for (const words of [[], ['archive'], ['verify-evidence'], ['query'], ['query', 'package']]) {
        const text = help(words, width);
        // eslint-disable-next-line no-control-regex
        expect(text).not.toMatch(/[\u001b\r\t]/);
        const long = text.split('\n').filter((line) => line.length > width && line.trim().includes(' ') && !/^ {2}--\S+ \S+$/.test(line));
        expect(long, `${words.join(' ')} at ${width}`).toEqual([]);
      }
    }
    expect(wrap('aa bb cc dd', 6, 1)).toEqual(['aa bb', ' cc dd']);
    expect(wrap('aa bb cc dd', 5, 1)).toEqual(['aa bb', ' cc', ' dd']);
    expect(wrap('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
  });
});

describe('yargs is gone', () => {
  it('no file of src/ or test/ imports it', () => {
    const files = ['src', 'test'].flatMap((dir) =>
      readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && /\.[mc]?[jt]s$/.test(e.name))
        .map((e) => join(e.parentPath, e.name)),
    );
    expect(files.length).toBeGreaterThan(50);
    const importing = files.filter((file) => /(from|import\()\s*['"]yargs/.test(readFileSync(file, 'utf8'))).map((file) => relative(REPO_ROOT, file));
    expect(importing).toEqual([]);
  });
});
