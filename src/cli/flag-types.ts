import { createRequire } from 'node:module';
import type FastGlob from 'fast-glob';
import { parseShard, type Shard } from '../archive/shard.js';
import { DATE_PATTERN } from '../lib/archive-format.js';
import { isDigest } from '../oci/reference.js';
import { CustodyError } from '../errors.js';
// Not `import … from 'node:fs'`: an ES import of node:fs builds its facade, whose getters load the fs streams (about 3 ms of a short run's start).
const { lstatSync } = process.getBuiltinModule('node:fs');

/**
 * What each flag takes, in one place: its type, range and default. Every
 * command's flags come from this table (src/cli/parse-args.ts reads the
 * command line against it, src/cli/help.ts lists it), so a limit is parsed
 * the same way wherever it appears and a typo is refused instead of
 * switching it off.
 */
export interface FlagType<T = unknown> {
  /** What the flag takes, as errors say it: `--concurrency takes a whole number from 1 to 64, got "abc"`. */
  readonly takes: string;
  /** What --help shows after the flag's name: `--timeout SECONDS`. Switches show none. */
  readonly placeholder?: string;
  /** A switch: takes no value (`--quiet`; `--no-discover` where it defaults to on). */
  readonly switch?: true;
  /** May be given more than once; the values are kept in order. */
  readonly repeatable?: true;
  /** Each value stands for a list (a glob's matches): the lists are joined in the order the values were given. */
  readonly expands?: true;
  /** Shown after the description in --help. */
  readonly hint?: string;
  /** The only values it takes, listed by --help. */
  readonly choices?: readonly string[];
  /** The value as the command uses it; throws a {@link BadValue} when the text is not acceptable. */
  parse(text: string): T;
}

/** A value a flag refuses; `reason`, when given, is added after the value. */
export class BadValue extends Error {}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: KiB, mib: MiB, gib: GiB };

/** `1234` bytes, or a number with a unit: B, KB/MB/GB (powers of 1000), KiB/MiB/GiB (powers of 1024). */
export function parseSize(text: string): number | undefined {
  const match = /^(\d{1,15})(?:\.(\d{1,9}))? ?([a-z]*)$/i.exec(text);
  if (!match) return undefined;
  const [, whole, fraction = '', unit] = match as unknown as [string, string, string | undefined, string];
  const factor = unit === '' ? (fraction === '' ? 1 : undefined) : UNITS[unit.toLowerCase()];
  if (factor === undefined) return undefined;
  // Exact arithmetic: 1.005KB is 1005 bytes, and a fraction of a byte is no size.
  const scaled = BigInt(whole + fraction) * BigInt(factor);
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) return undefined;
  const bytes = Number(scaled / divisor);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A size in bytes for humans: 536870912 is "512 MiB". */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [
    ['GiB', GiB],
    ['MiB', MiB],
    ['KiB', KiB],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor} ${unit}`;
  }
  return `${bytes} B`;
}

export function count(min: number, max: number): FlagType<number> {
  return {
    takes: `a whole number from ${min} to ${max}`,
    placeholder: 'N',
    hint: `${min} to ${max}`,
    parse(text) {
      const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
      if (!(value >= min && value <= max)) throw new BadValue();
      return value;
    },
  };
}

export function size(min: number, max: number): FlagType<number> {
  return {
    takes: `a size from ${formatSize(min)} to ${formatSize(max)} (bytes, or with a unit: 512MiB, 2GB)`,
    placeholder: 'SIZE',
    hint: `bytes, or with a unit: KB MB GB (1000s), KiB MiB GiB (1024s); ${formatSize(min)} to ${formatSize(max)}`,
    parse(text) {
      const value = parseSize(text);
      if (value === undefined || value < min || value > max) throw new BadValue();
      return value;
    },
  };
}

/** Seconds, whole or decimal (`30`, `0.5`, `30s`), more than 0 (or from 0 with `zero`) and at most `max`. */
export function seconds(max: number, zero = false): FlagType<number> {
  const range = zero ? `from 0 to ${max}` : `above 0 and at most ${max}`;
  return {
    takes: `a number of seconds ${range}`,
    placeholder: 'SECONDS',
    hint: `seconds, ${range}`,
    parse(text) {
      const match = /^(\d{1,9}(?:\.\d{1,3})?)s?$/.exec(text);
      const value = match ? Number(match[1]) : NaN;
      if (!(value <= max && (zero ? value >= 0 : value > 0))) throw new BadValue();
      return value;
    },
  };
}

export function oneOf<T extends string>(values: readonly T[], placeholder = 'FORMAT'): FlagType<T> {
  return {
    takes: `one of ${values.join(', ')}`,
    placeholder,
    choices: values,
    parse(text) {
      if (!(values as readonly string[]).includes(text)) throw new BadValue();
      return text as T;
    },
  };
}

/** Any non-empty text: a path, an identity, a media type. */
export function text(takes: string, placeholder = 'TEXT', repeatable = false): FlagType<string> {
  return {
    takes,
    placeholder,
    ...(repeatable ? { repeatable: true as const } : {}),
    parse(value) {
      if (value === '') throw new BadValue();
      return value;
    },
  };
}

export const SWITCH: FlagType<boolean> = {
  takes: 'no value',
  switch: true,
  parse(value) {
    if (value !== 'true' && value !== 'false') throw new BadValue();
    return value === 'true';
  },
};

export const URL_TYPE: FlagType<string> = {
  takes: 'an http(s) URL',
  placeholder: 'URL',
  parse(value) {
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new BadValue();
    return value;
  },
};

export const CALENDAR_DATE: FlagType<string> = {
  takes: 'a date YYYY-MM-DD',
  placeholder: 'YYYY-MM-DD',
  parse(value) {
    if (!DATE_PATTERN.test(value)) throw new BadValue();
    if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) throw new BadValue('which is not a calendar date');
    return value;
  },
};

export const SHARD: FlagType<Shard> = {
  takes: 'K/N with 1 <= K <= N <= 10000 (e.g. 2/4)',
  placeholder: 'K/N',
  parse(value) {
    try {
      return parseShard(value);
    } catch {
      throw new BadValue();
    }
  },
};

export const DIGEST: FlagType<string> = {
  takes: 'a digest (sha256:<64 hex>)',
  placeholder: 'DIGEST',
  parse(value) {
    if (value === '' || (/^sha\d*:/.test(value) && !isDigest(value))) throw new BadValue();
    return value;
  },
};

const FILE = text('a file path', 'FILE');
const FILES = text('a file path', 'FILE', true);

/** Something is there: a path that exists is never read as a glob, whatever characters it holds. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

let fastGlob: typeof FastGlob | undefined;

/** fast-glob, loaded the first time a value may be a glob: every other command line starts without it. */
function glob(): typeof FastGlob {
  return (fastGlob ??= createRequire(import.meta.url)('fast-glob') as typeof FastGlob);
}

/**
 * A file path, or a glob quoted so that the shell leaves it
 * (`--evidence 'reports/*.json'`, `**` for any depth): expanded here to the
 * regular files it matches, in plain string order (the same on every
 * machine, whatever the locale), hidden ones only where the glob names them.
 * A glob that matches nothing is refused, naming it. A path that exists is
 * taken as it is, even with `*`, `?` or `[` in its name; any other path is
 * passed on as it is, for the reader to say what is wrong with it.
 */
export const FILES_OR_GLOBS: FlagType<string[]> = {
  takes: 'a file path',
  placeholder: 'FILE|GLOB',
  repeatable: true,
  expands: true,
  hint: "a glob in quotes (e.g. 'reports/**/*.json') takes every file it matches",
  parse(value) {
    if (value === '') throw new BadValue();
    if (exists(value) || !glob().isDynamicPattern(value)) return [value];
    const matches = glob().sync(value, { onlyFiles: true, unique: true }).sort();
    if (matches.length === 0) throw new BadValue('which matches no file');
    return matches;
  },
};

const FOLDER = text('a folder path', 'DIR');
const TEXT = text('a non-empty text');

/** Report formats of `custody gate` (src/gate/output/render.ts renders each; a test keeps the two lists equal). */
export const GATE_FORMATS = ['text', 'json', 'junit', 'sarif', 'markdown'] as const;

/** Largest `--max-bytes`: a limit, never a way to switch limits off. */
export const MAX_BYTES_CEILING = 16 * GiB;

/** Every flag of every command: its type and, where the CLI sets one, its default (as a user would write it). */
export const FLAGS = {
  json: { type: SWITCH },
  quiet: { type: SWITCH },
  strict: { type: SWITCH, default: false },
  insecure: { type: SWITCH },
  discover: { type: SWITCH, default: true },
  chain: { type: SWITCH },
  'allow-future-date': { type: SWITCH },
  root: { type: FOLDER, default: 'artifacts' },
  date: { type: CALENDAR_DATE },
  from: { type: CALENDAR_DATE },
  to: { type: CALENDAR_DATE },
  since: { type: CALENDAR_DATE },
  until: { type: CALENDAR_DATE },
  version: { type: TEXT },
  rebuild: { type: SWITCH, default: false },
  images: { type: FILE },
  evidence: { type: FILES_OR_GLOBS },
  shard: { type: SHARD },
  concurrency: { type: count(1, 64) },
  retries: { type: count(0, 10), default: '1' },
  'max-bytes': { type: size(1, MAX_BYTES_CEILING) },
  timeout: { type: seconds(3600) },
  'lock-timeout': { type: seconds(86_400, true), default: '120' },
  'ca-file': { type: FILE },
  key: { type: FILES },
  'trusted-root': { type: FILES },
  'certificate-identity': { type: TEXT },
  'certificate-identity-regexp': { type: text('a regular expression', 'REGEXP') },
  'certificate-oidc-issuer': { type: TEXT },
  'certificate-oidc-issuer-regexp': { type: text('a regular expression', 'REGEXP') },
  'ca-roots': { type: FILES },
  'ca-intermediates': { type: FILES },
  'rekor-key': { type: FILES },
  'notation-trust-store': { type: FOLDER },
  'notation-trust-policy': { type: FILE },
  'notation-scope': { type: TEXT },
  artifact: { type: FILE },
  digest: { type: DIGEST },
  'media-type': { type: TEXT },
  annotations: { type: FILE },
  'fulcio-url': { type: URL_TYPE },
  'rekor-url': { type: URL_TYPE },
  out: { type: FILE },
  mirror: { type: URL_TYPE },
  'tuf-root': { type: FILE },
  cache: { type: FOLDER },
  bundle: { type: FOLDER },
  policy: { type: FILE },
  format: { type: oneOf(GATE_FORMATS) },
  output: { type: FILE },
} satisfies Record<string, { type: FlagType; default?: string | boolean }>;

export type FlagName = keyof typeof FLAGS;

/** `seal --key`: the one private key a seal is made with, not the repeatable public keys of the trust flags. */
export const PRIVATE_KEY = text('a private key file path', 'FILE');

/** A value as errors quote it: JSON-quoted, cut at 80 characters. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** The one-line usage error for a flag's value: `--concurrency takes a whole number from 1 to 64, got "abc"`. */
export function badFlag(name: string, type: FlagType, got: string | undefined, detail = ''): CustodyError {
  return new CustodyError('USAGE', `--${name} takes ${type.takes}, got ${got === undefined ? 'nothing' : quoted(got)}${detail}`);
}

/** The value of `--name TEXT` as the command uses it, or the usage error. */
export function parseFlag(name: string, type: FlagType, text: string): unknown {
  if (text === '' && !type.switch) throw badFlag(name, type, undefined, ' (an empty value)');
  try {
    return type.parse(text);
  } catch (err) {
    if (err instanceof BadValue) throw badFlag(name, type, text, err.message ? `, ${err.message}` : '');
    throw err;
  }
}
