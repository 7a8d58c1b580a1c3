import { oneOf, text } from './flag-types.js';
import type { FlagUses } from './flags.js';
import { commandSpec, required, type CommandSpec } from './command-spec.js';
import { MISSING_KINDS } from '../query/queries/missing.js';

/* `custody query`'s table, apart from the other commands' (specs.ts re-exports it): query-line.ts reads a query's command line against it alone. */

/** `custody query` output formats (src/query/render.ts renders each). */
const QUERY_FORMATS = ['text', 'json', 'csv'] as const;

/** The flags every question of `custody query` takes. */
export const QUERY_FLAGS: FlagUses = {
  root: 'archive root',
  format: { describe: 'output format (default text; json with --json)', type: oneOf(QUERY_FORMATS) },
  since: 'first day to look at, YYYY-MM-DD (included)',
  until: 'last day to look at, YYYY-MM-DD (included)',
  version: {
    describe: 'query package: version range, ">=2.0.0 <2.17.1", "=2.14.1", "2.14.1"; || between alternatives',
    type: text('a version range', 'RANGE'),
  },
};

const QUERIES: readonly CommandSpec[] = [
  commandSpec(
    'package',
    'which images listed a package in an SBOM, on which days, in which SBOM',
    {},
    { positionals: [required('name', 'package name (log4j-core) or purl (pkg:maven/org.apache.logging.log4j/log4j-core[@2.14.1])')] },
  ),
  commandSpec(
    'vuln',
    'which images a scan found a vulnerability in (by id or alias), on which days, its severity and VEX status',
    {},
    {
      positionals: [required('id', 'vulnerability id, e.g. CVE-2021-44228 or GHSA-…')],
    },
  ),
  commandSpec('missing', 'images lacking valid evidence of a kind, per day', {}, { positionals: [required('what', 'the kind of evidence', MISSING_KINDS)] }),
  commandSpec(
    'image',
    "an image's history across days: digests, evidence, verdicts",
    {},
    {
      positionals: [required('ref', 'reference (every tag when it has none) or a sha256: digest')],
    },
  ),
];

/** `custody query <package|vuln|missing|image>`: each question a sub-command taking the flags of query; --version here is query package's version range. */
export const queryCommand = commandSpec(
  'query',
  'answer questions across the archive from its index (built or brought up to date first): package, vuln, missing, image; exit 0 rows found, 1 none',
  QUERY_FLAGS,
  { commands: QUERIES, commandNoun: 'question' },
);
