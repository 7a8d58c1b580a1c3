import type { Argv } from 'yargs';
import { registryOptions } from './flags.js';
import { trustFlags } from './trust-flags.js';

/*
 * Every command's flags, kept apart from the code that runs it so that
 * parsing and --help load nothing heavy: main.ts imports a command's module
 * only when that command runs.
 */

export const discoverCommand = {
  command: 'discover <ref>',
  describe: 'show what is attached to an image, per platform, without downloading evidence',
  builder: (y: Argv) => registryOptions(y).positional('ref', { type: 'string', demandOption: true, describe: 'image reference' }),
};

export const archiveCommand = {
  command: 'archive [refs..]',
  describe: 'collect, validate and archive the evidence of images into ROOT/YYYY-MM-DD/',
  builder: (y: Argv) =>
    trustFlags(registryOptions(y))
      .positional('refs', { type: 'string', array: true, describe: 'image references (registry/repo[:tag][@sha256:…] or oci:PATH[:tag|@sha256:…])' })
      .option('evidence', { type: 'string', array: true, default: [], describe: 'local evidence file for the image (repeatable)' })
      .option('discover', { type: 'boolean', default: true, describe: 'contact the registry/layout; --no-discover archives only --evidence files and needs REF@digest' })
      .option('root', { type: 'string', default: 'artifacts', describe: 'archive root folder' })
      .option('date', { type: 'string', describe: 'day folder YYYY-MM-DD (default: today, UTC)' })
      .option('images', { type: 'string', describe: 'file with one reference a line (# comments, blank lines, duplicates merged)' })
      .option('shard', { type: 'string', describe: 'K/N: archive only the K-th of N deterministic slices of the images' })
      .option('concurrency', { type: 'number', describe: 'images archived in parallel (default: 2 per core, 2 to 8)' })
      .option('retries', { type: 'number', default: 1, describe: 'extra attempts per image after a network or registry failure' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress and no summary; errors only' })
      .option('max-bytes', { type: 'number', describe: 'largest evidence file or body in bytes (default 536870912)' }),
};

export const verifyCommand = {
  command: 'verify <path>',
  describe: 're-check an archive root, day folder, image folder or export: hashes, checksum files, manifests, chain',
  builder: (y: Argv) =>
    trustFlags(y)
      .positional('path', { type: 'string', demandOption: true, describe: 'archive root, day folder, image folder, or exported .tar.gz' })
      .option('chain', { type: 'boolean', default: false, describe: 'also check the day-to-day hash chain (root only)' }),
};

export const verifyEvidenceCommand = {
  command: 'verify-evidence <file>',
  describe: 'verify one Sigstore bundle, cosign signature or DSSE envelope outside any archive',
  builder: (y: Argv) =>
    trustFlags(y)
      .positional('file', { type: 'string', demandOption: true, describe: 'bundle, signature layer or DSSE envelope' })
      .option('artifact', { type: 'string', describe: 'the signed file (message signature) or the in-toto subject' })
      .option('digest', { type: 'string', describe: 'the digest the signature or statement must name (sha256:…)' })
      .option('media-type', { type: 'string', describe: 'media type of FILE when the content does not say (e.g. a cosign layer)' })
      .option('annotations', { type: 'string', describe: 'JSON file of the layer annotations (cosign signature, certificate, bundle)' })
      .check((argv) => {
        if (argv.artifact === undefined && argv.digest === undefined) throw new Error('give --artifact FILE or --digest sha256:…');
        return true;
      }),
};

export const sealCommand = {
  command: 'seal <day>',
  describe: 'sign a finished day manifest: writes manifest.json.sigstore.json (a Sigstore bundle) beside it',
  builder: (y: Argv) =>
    y
      .positional('day', { type: 'string', demandOption: true, describe: 'day folder, e.g. artifacts/2026-11-29' })
      .option('key', { type: 'string', describe: 'private key PEM (PKCS#8 or SEC1; ECDSA or RSA)' })
      .option('fulcio-url', { type: 'string', describe: 'keyless: Fulcio URL (with SIGSTORE_ID_TOKEN set)' })
      .option('rekor-url', { type: 'string', describe: 'keyless: Rekor URL (with SIGSTORE_ID_TOKEN set)' }),
};

export const exportCommand = {
  command: 'export <day>',
  describe: 'write a verified day folder as one deterministic .tar.gz for an auditor',
  builder: (y: Argv) =>
    y
      .positional('day', { type: 'string', demandOption: true, describe: 'day folder, e.g. artifacts/2026-11-29' })
      .option('out', { type: 'string', demandOption: true, describe: 'output file (.tar.gz)' }),
};

export const fetchTrustedRootCommand = {
  command: 'fetch-trusted-root',
  describe: 'the only network call for trust: fetch the Sigstore trusted root through TUF into a file for --trusted-root',
  builder: (y: Argv) =>
    y
      .option('out', { type: 'string', demandOption: true, describe: 'where to write trusted_root.json' })
      .option('mirror', { type: 'string', describe: 'TUF repository URL (default: the Sigstore public-good repository)' })
      .option('tuf-root', { type: 'string', describe: 'TUF root.json to start from (a private repository; the public-good one is built in)' })
      .option('cache', { type: 'string', describe: 'TUF metadata cache folder (default: a new temporary folder)' })
      .option('timeout', { type: 'number', describe: 'seconds per request (default 30)' }),
};

export const indexCommand = {
  command: 'index <root>',
  describe: 'build or update the SQLite index of an archive root (ROOT/.custody-index/, derived, never exported) that custody query reads',
  builder: (y: Argv) =>
    y
      .positional('root', { type: 'string', demandOption: true, describe: 'archive root, e.g. artifacts' })
      .option('rebuild', { type: 'boolean', default: false, describe: 'throw the index away and build it again from the archive' }),
};

/** `custody query` output formats (src/query/render.ts renders each). */
const QUERY_FORMATS = ['text', 'json', 'csv'] as const;

function queryOptions(y: Argv): Argv {
  return y
    .option('root', { type: 'string', default: 'artifacts', describe: 'archive root' })
    .option('format', { type: 'string', choices: [...QUERY_FORMATS], describe: 'output format (default text; json with --json)' })
    .option('since', { type: 'string', describe: 'first day to look at, YYYY-MM-DD (included)' })
    .option('until', { type: 'string', describe: 'last day to look at, YYYY-MM-DD (included)' });
}

const QUERIES: { command: string; describe: string; builder: (y: Argv) => Argv }[] = [
  {
    command: 'package <name>',
    describe: 'which images listed a package in an SBOM, on which days, in which SBOM',
    builder: (y: Argv) =>
      queryOptions(y)
        .version(false)
        .positional('name', { type: 'string', demandOption: true, describe: 'package name (log4j-core) or purl (pkg:maven/org.apache.logging.log4j/log4j-core[@2.14.1])' })
        .option('version', { type: 'string', describe: 'version range: ">=2.0.0 <2.17.1", "=2.14.1", "2.14.1"; || between alternatives' }),
  },
  {
    command: 'vuln <id>',
    describe: 'which images a scan found a vulnerability in (by id or alias), on which days, its severity and VEX status',
    builder: (y: Argv) => queryOptions(y).positional('id', { type: 'string', demandOption: true, describe: 'vulnerability id, e.g. CVE-2021-44228 or GHSA-…' }),
  },
  {
    command: 'missing <what>',
    describe: 'images lacking valid evidence of a kind, per day',
    builder: (y: Argv) => queryOptions(y).positional('what', { type: 'string', demandOption: true, choices: ['signature', 'sbom', 'provenance', 'scan'] }),
  },
  {
    command: 'image <ref>',
    describe: "an image's history across days: digests, evidence, verdicts",
    builder: (y: Argv) => queryOptions(y).positional('ref', { type: 'string', demandOption: true, describe: 'reference (every tag when it has none) or a sha256: digest' }),
  },
];

/** `custody query <package|vuln|missing|image>`: each question a subcommand, all run by `handler`. */
export function queryCommand(handler: (args: Record<string, unknown>) => void) {
  return {
    command: 'query',
    describe: 'answer questions across the archive from its index (built or brought up to date first): package, vuln, missing, image; exit 0 rows found, 1 none',
    builder: (y: Argv) => {
      for (const query of QUERIES) y.command({ ...query, handler });
      return y.demandCommand(1, 'name a question: custody query package|vuln|missing|image (custody query --help)');
    },
    handler: () => undefined,
  };
}
