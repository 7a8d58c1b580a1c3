import type { Argv } from 'yargs';
import { formatSize, oneOf, PRIVATE_KEY, text } from './flag-types.js';
import { REGISTRY_FLAGS, withFlags, type FlagUses } from './flags.js';
import { TRUST_FLAGS } from './trust-flags.js';
import { DEFAULT_LIMITS } from '../lib/limits.js';

/*
 * Every command's flags, kept apart from the code that runs it so that
 * parsing and --help load nothing heavy: main.ts imports a command's module
 * only when that command runs. The flags' types, ranges and defaults are in
 * flag-types.ts; here, only what each means to its command.
 */

export interface CommandSpec {
  /** yargs command string: the name, then positionals. */
  command: string;
  describe: string;
  flags: FlagUses;
  builder: (y: Argv) => Argv;
}

/** A command: its positionals (and cross-flag checks) in `more`, its flags from the table. */
export function commandSpec(command: string, describe: string, flags: FlagUses, more: (y: Argv) => Argv = (y) => y): CommandSpec {
  return { command, describe, flags, builder: (y: Argv) => withFlags(more(y), flags) };
}

export function commandName(spec: CommandSpec): string {
  return spec.command.split(' ')[0]!;
}

export const discoverCommand = commandSpec(
  'discover <ref>',
  'show what is attached to an image, per platform, without downloading evidence',
  REGISTRY_FLAGS,
  (y) => y.positional('ref', { type: 'string', demandOption: true, describe: 'image reference' }),
);

export const archiveCommand = commandSpec(
  'archive [refs..]',
  'collect, validate and archive the evidence of images into ROOT/YYYY-MM-DD/',
  {
    ...REGISTRY_FLAGS,
    ...TRUST_FLAGS,
    evidence: 'local evidence file for the image (repeatable), or a quoted glob of them',
    discover: 'contact the registry/layout; --no-discover archives only --evidence files and needs REF@digest',
    root: 'archive root folder',
    date: 'day folder YYYY-MM-DD (default: today, UTC); later than tomorrow needs --allow-future-date',
    'allow-future-date': 'accept a --date later than tomorrow (UTC); earlier days of the root are closed once it exists',
    images: 'file with one reference a line (# comments, blank lines, duplicates merged)',
    shard: 'K/N: archive only the K-th of N deterministic slices of the images',
    concurrency: 'images archived in parallel (default: 2 per core, 2 to 8)',
    retries: 'extra attempts per image after a network or registry failure',
    'lock-timeout': 'how long to wait for another run holding the root lock; 0 fails at once',
    quiet: 'no progress and no summary; errors only',
    'max-bytes': `largest evidence file or body (default ${formatSize(DEFAULT_LIMITS.maxBytes).replace(' ', '')})`,
    strict: 'known producer deviations (BuildKit, GCB, …) count as problems: the evidence is invalid',
  },
  (y) => y.positional('refs', { type: 'string', array: true, describe: 'image references (registry/repo[:tag][@sha256:…] or oci:PATH[:tag|@sha256:…])' }),
);

export const verifyCommand = commandSpec(
  'verify <path>',
  're-check an archive root, day folder, image folder or export: hashes, checksum files, manifests, chain',
  { ...TRUST_FLAGS, chain: 'also check the day-to-day hash chain (root only)' },
  (y) => y.positional('path', { type: 'string', demandOption: true, describe: 'archive root, day folder, image folder, or exported .tar.gz' }),
);

export const verifyEvidenceCommand = commandSpec(
  'verify-evidence <file>',
  'verify one Sigstore bundle, cosign signature, DSSE envelope or Notation signature outside any archive',
  {
    ...TRUST_FLAGS,
    artifact: 'the signed file (message signature) or the in-toto subject',
    digest: 'the digest the signature or statement must name (sha256:…)',
    'media-type': 'media type of FILE when the content does not say (e.g. a cosign layer)',
    annotations: 'JSON file of the layer annotations (cosign signature, certificate, bundle)',
    'notation-scope': 'registry/repository the Notation signature belongs to: picks the trust policy statement (default: only "*" applies)',
  },
  (y) =>
    y.positional('file', { type: 'string', demandOption: true, describe: 'bundle, signature layer, DSSE envelope or Notation signature' }).check((argv) => {
      if (argv.artifact === undefined && argv.digest === undefined) throw new Error('give --artifact FILE or --digest sha256:…');
      return true;
    }),
);

export const sealCommand = commandSpec(
  'seal <day>',
  'sign a finished day manifest: writes manifest.json.sigstore.json (a Sigstore bundle) beside it',
  {
    key: { describe: 'private key PEM (PKCS#8 or SEC1; ECDSA or RSA)', type: PRIVATE_KEY },
    'fulcio-url': 'keyless: Fulcio URL (with SIGSTORE_ID_TOKEN set)',
    'rekor-url': 'keyless: Rekor URL (with SIGSTORE_ID_TOKEN set)',
  },
  (y) => y.positional('day', { type: 'string', demandOption: true, describe: 'day folder, e.g. artifacts/2026-11-29' }),
);

export const exportCommand = commandSpec(
  'export <day>',
  'write a verified day folder as one deterministic .tar.gz for an auditor',
  { out: { describe: 'output file (.tar.gz)', demand: true } },
  (y) => y.positional('day', { type: 'string', demandOption: true, describe: 'day folder, e.g. artifacts/2026-11-29' }),
);

export const fetchTrustedRootCommand = commandSpec(
  'fetch-trusted-root',
  'the only network call for trust: fetch the Sigstore trusted root through TUF into a file for --trusted-root',
  {
    out: { describe: 'where to write trusted_root.json', demand: true },
    mirror: 'TUF repository URL (default: the Sigstore public-good repository)',
    'tuf-root': 'TUF root.json to start from (a private repository; the public-good one is built in)',
    cache: 'TUF metadata cache folder (default: a new temporary folder)',
    timeout: 'how long to wait for each request (default 30)',
  },
);

export const reportCommand = commandSpec(
  'report <path>',
  'verify an archive root, day or export, then write one self-contained HTML page for an auditor: verdict, coverage, trends, inventory, digests',
  {
    ...TRUST_FLAGS,
    out: 'the HTML file to write (atomically); its sha256 is printed',
    from: 'first day to report on, YYYY-MM-DD (verification still covers all of PATH)',
    to: 'last day to report on, YYYY-MM-DD',
    policy: 'gate policy (YAML or JSON): the decision per image, rule by rule',
  },
  (y) =>
    y.positional('path', { type: 'string', demandOption: true, describe: 'archive root, day folder, or exported .tar.gz' }).check((argv) => {
      if (argv.out === undefined && argv.json !== true) throw new Error('give --out FILE.html, or --json for the report as JSON on stdout');
      return true;
    }),
);

/** Output formats of `custody diff` (src/diff/render.ts). */
export const DIFF_OUTPUT_FORMATS = ['text', 'json', 'markdown'] as const;

export const diffCommand = commandSpec(
  'diff <a> <b>',
  'what changed from day A to day B: images, evidence, signers, vulnerabilities, SBOM components; exit 0 same, 1 different, 2 bad input',
  {
    root: 'archive root where dates are looked up (default artifacts)',
    format: { describe: 'output format (default text; json with --json)', type: oneOf(DIFF_OUTPUT_FORMATS) },
  },
  (y) =>
    y
      .positional('a', { type: 'string', demandOption: true, describe: 'day A: a day folder, an exported .tar.gz, or a date YYYY-MM-DD under --root' })
      .positional('b', { type: 'string', demandOption: true, describe: 'day B, likewise' }),
);

export const indexCommand = commandSpec(
  'index <root>',
  'build or update the SQLite index of an archive root (ROOT/.custody-index/, derived, never exported) that custody query reads',
  { rebuild: 'throw the index away and build it again from the archive' },
  (y) => y.positional('root', { type: 'string', demandOption: true, describe: 'archive root, e.g. artifacts' }),
);

/** `custody query` output formats (src/query/render.ts renders each). */
const QUERY_FORMATS = ['text', 'json', 'csv'] as const;

/** The flags every question of `custody query` takes. */
export const QUERY_FLAGS: FlagUses = {
  root: 'archive root',
  format: { describe: 'output format (default text; json with --json)', type: oneOf(QUERY_FORMATS) },
  since: 'first day to look at, YYYY-MM-DD (included)',
  until: 'last day to look at, YYYY-MM-DD (included)',
  version: { describe: 'query package: version range, ">=2.0.0 <2.17.1", "=2.14.1", "2.14.1"; || between alternatives', type: text('a version range') },
};

const QUERIES: { command: string; describe: string; builder: (y: Argv) => Argv }[] = [
  {
    command: 'package <name>',
    describe: 'which images listed a package in an SBOM, on which days, in which SBOM',
    builder: (y: Argv) =>
      y.positional('name', {
        type: 'string',
        demandOption: true,
        describe: 'package name (log4j-core) or purl (pkg:maven/org.apache.logging.log4j/log4j-core[@2.14.1])',
      }),
  },
  {
    command: 'vuln <id>',
    describe: 'which images a scan found a vulnerability in (by id or alias), on which days, its severity and VEX status',
    builder: (y: Argv) => y.positional('id', { type: 'string', demandOption: true, describe: 'vulnerability id, e.g. CVE-2021-44228 or GHSA-…' }),
  },
  {
    command: 'missing <what>',
    describe: 'images lacking valid evidence of a kind, per day',
    builder: (y: Argv) => y.positional('what', { type: 'string', demandOption: true, choices: ['signature', 'sbom', 'provenance', 'scan'] }),
  },
  {
    command: 'image <ref>',
    describe: "an image's history across days: digests, evidence, verdicts",
    builder: (y: Argv) => y.positional('ref', { type: 'string', demandOption: true, describe: 'reference (every tag when it has none) or a sha256: digest' }),
  },
];

/** `custody query <package|vuln|missing|image>`: each question a subcommand, all run by `handler`. */
export function queryCommand(handler: (args: Record<string, unknown>) => void) {
  return {
    ...commandSpec(
      'query',
      'answer questions across the archive from its index (built or brought up to date first): package, vuln, missing, image; exit 0 rows found, 1 none',
      QUERY_FLAGS,
      (y) => {
        // --version here is query package's version range, not custody's own.
        y.version(false);
        for (const query of QUERIES) y.command({ ...query, handler });
        return y.demandCommand(1, 'name a question: custody query package|vuln|missing|image (custody query --help)');
      },
    ),
    handler: () => undefined,
  };
}
