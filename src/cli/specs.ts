import { formatSize, oneOf, PRIVATE_KEY } from './flag-types.js';
import { REGISTRY_FLAGS } from './flags.js';
import { TRUST_FLAGS } from './trust-flags.js';
import { DEFAULT_LIMITS } from '../lib/limits.js';
import { commandSpec, required, variadic } from './command-spec.js';

export { commandSpec, required, optional, variadic, GLOBAL_FLAGS, type Args, type CommandSpec, type Positional } from './command-spec.js';
export { QUERY_FLAGS, queryCommand } from './query-spec.js';

/*
 * Every command's positionals and flags, as data, kept apart from the code
 * that runs it so that parsing and --help load nothing heavy:
 * command-line.ts imports a command's module only when that command runs.
 * The flags' types, ranges and defaults are in flag-types.ts; here, only
 * what each means to its command.
 */

export const discoverCommand = commandSpec('discover', 'show what is attached to an image, per platform, without downloading evidence', REGISTRY_FLAGS, {
  positionals: [required('ref', 'image reference (registry/repo[:tag][@sha256:…] or oci:PATH[:tag|@sha256:…])')],
});

export const archiveCommand = commandSpec(
  'archive',
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
  { positionals: [variadic('refs', 'image references (registry/repo[:tag][@sha256:…] or oci:PATH[:tag|@sha256:…])')] },
);

export const verifyCommand = commandSpec(
  'verify',
  're-check an archive root, day folder, image folder or export: hashes, checksum files, manifests, chain',
  { ...TRUST_FLAGS, chain: 'also check the day-to-day hash chain (root only)' },
  { positionals: [required('path', 'archive root, day folder, image folder, or exported .tar.gz')] },
);

export const verifyEvidenceCommand = commandSpec(
  'verify-evidence',
  'verify one Sigstore bundle, cosign signature, DSSE envelope or Notation signature outside any archive',
  {
    ...TRUST_FLAGS,
    artifact: 'the signed file (message signature) or the in-toto subject',
    digest: 'the digest the signature or statement must name (sha256:…)',
    'media-type': 'media type of FILE when the content does not say (e.g. a cosign layer)',
    annotations: 'JSON file of the layer annotations (cosign signature, certificate, bundle)',
    'notation-scope': 'registry/repository the Notation signature belongs to: picks the trust policy statement (default: only "*" applies)',
  },
  {
    positionals: [required('file', 'bundle, signature layer, DSSE envelope or Notation signature')],
    check: (args) => (args.artifact === undefined && args.digest === undefined ? 'give --artifact FILE or --digest sha256:…' : undefined),
  },
);

export const sealCommand = commandSpec(
  'seal',
  'sign a finished day manifest: writes manifest.json.sigstore.json (a Sigstore bundle) beside it',
  {
    key: { describe: 'private key PEM (PKCS#8 or SEC1; ECDSA or RSA)', type: PRIVATE_KEY },
    'fulcio-url': 'keyless: Fulcio URL (with SIGSTORE_ID_TOKEN set)',
    'rekor-url': 'keyless: Rekor URL (with SIGSTORE_ID_TOKEN set)',
  },
  { positionals: [required('day', 'day folder, e.g. artifacts/2026-11-29')] },
);

export const exportCommand = commandSpec(
  'export',
  'write a verified day folder as one deterministic .tar.gz for an auditor',
  { out: { describe: 'output file (.tar.gz)', demand: true } },
  { positionals: [required('day', 'day folder, e.g. artifacts/2026-11-29')] },
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
  'report',
  'verify an archive root, day or export, then write one self-contained HTML page for an auditor: verdict, coverage, trends, inventory, digests',
  {
    ...TRUST_FLAGS,
    out: 'the HTML file to write (atomically); its sha256 is printed',
    from: 'first day to report on, YYYY-MM-DD (verification still covers all of PATH)',
    to: 'last day to report on, YYYY-MM-DD',
    policy: 'gate policy (YAML or JSON): the decision per image, rule by rule',
  },
  {
    positionals: [required('path', 'archive root, day folder, or exported .tar.gz')],
    check: (args) => (args.out === undefined && args.json !== true ? 'give --out FILE.html, or --json for the report as JSON on stdout' : undefined),
  },
);

/** Output formats of `custody diff` (src/diff/render.ts). */
export const DIFF_OUTPUT_FORMATS = ['text', 'json', 'markdown'] as const;

export const diffCommand = commandSpec(
  'diff',
  'what changed from day A to day B: images, evidence, signers, vulnerabilities, SBOM components; exit 0 same, 1 different, 2 bad input',
  {
    root: 'archive root where dates are looked up (default artifacts)',
    format: { describe: 'output format (default text; json with --json)', type: oneOf(DIFF_OUTPUT_FORMATS) },
  },
  {
    positionals: [required('a', 'day A: a day folder, an exported .tar.gz, or a date YYYY-MM-DD under --root'), required('b', 'day B, likewise')],
  },
);

export const indexCommand = commandSpec(
  'index',
  'build or update the SQLite index of an archive root (ROOT/.custody-index/, derived, never exported) that custody query reads',
  { rebuild: 'throw the index away and build it again from the archive' },
  { positionals: [required('root', 'archive root, e.g. artifacts')] },
);
