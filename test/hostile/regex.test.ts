import { beforeAll, describe, expect, it } from 'vitest';
import { compilePattern, PatternError } from '../../src/lib/pattern.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { GITHUB_ISSUER, PUBLIC_GOOD_ROOT, SLSA_IDENTITY, SLSA_IMAGE, SLSA_LAYOUT } from '../gate/helpers/corpus.js';
import { BUILDER } from '../gate/helpers/policy-files.js';
import { keylessAttestation, keylessPolicy, makeKey, provenanceBundles, provenancePolicy, withRecordedPattern } from './helpers/regex-fixtures.js';

/**
 * Hostile regular expressions: patterns people write in gate policies and
 * trust flags, matched against strings from evidence. Each row: where the
 * pattern comes from, the pattern, the string it meets, the exit code and a
 * part of the one line (or report) custody prints. ReDoS rows hang a
 * backtracking engine (V8's RegExp) for hours; RE2 decides them in linear
 * time, and the test timeout is the guard. Every row also runs at unit level,
 * where its decision is RE2's: match, no match, or refused.
 */
type From =
  | 'policy builderIdRegexp'
  | 'policy sourceRepositoryRegexp'
  | 'policy keyless identityRegexp'
  | 'policy keyless issuerRegexp'
  | 'verify-evidence --certificate-identity-regexp'
  | 'verify-evidence --certificate-oidc-issuer-regexp'
  | 'archive --certificate-identity-regexp'
  | 'verify --certificate-identity-regexp'
  | 'archived certificateIdentityRegexp';

interface Row {
  from: From;
  pattern: string;
  input: string;
  exit: 0 | 1 | 2;
  /** What RE2 (src/lib/pattern.ts) makes of pattern and input. */
  decision: 'match' | 'no-match' | 'refused';
  /** Part of stderr + stdout. */
  message: string;
}

/** The review's builder id was 40 `a`s and `!`; SLSA wants a URI there (else the attestation is invalid before any regexp runs). */
const CI = 'https://ci.acme.test/';
const A40 = `${'a'.repeat(40)}!`;
const REPO = 'https://github.com/acme/app';
const LOCAL_SAN = `https://ci.acme.test/${'a'.repeat(40)}!`;
const LOCAL_ISSUER = 'https://accounts.acme.test';
const RE2_REFUSES = "is not a valid regular expression (RE2 syntax, as cosign's)";
const BACKREFERENCE = `"(a)\\\\1" ${RE2_REFUSES}: invalid escape sequence: \`\\1\` (backreferences are not supported)`;
const LOOKAROUND = '(lookahead and lookbehind are not supported)';

const ROWS: Row[] = [
  // The review's case: 2^40 backtracking steps in V8.
  { from: 'policy builderIdRegexp', pattern: '(a+)+$', input: CI + A40, exit: 1, decision: 'no-match', message: `builder ${CI}${A40} does not match /(a+)+$/` },
  {
    from: 'policy builderIdRegexp',
    pattern: '(a|aa)+$',
    input: `${CI}${'a'.repeat(100)}!`,
    exit: 1,
    decision: 'no-match',
    message: 'does not match /(a|aa)+$/',
  },
  { from: 'policy builderIdRegexp', pattern: '(.*a){20}$', input: CI + A40, exit: 1, decision: 'no-match', message: 'does not match /(.*a){20}$/' },
  {
    from: 'policy builderIdRegexp',
    pattern: '(.*a){20}',
    input: CI + 'a'.repeat(5000),
    exit: 0,
    decision: 'match',
    message: `SLSA v1 provenance by ${CI}aaaa`,
  },
  // RE2 would match, but a builder id over 8192 characters is longer than custody matches: fail closed.
  {
    from: 'policy builderIdRegexp',
    pattern: '(a+)+$',
    input: CI + 'a'.repeat(9000),
    exit: 1,
    decision: 'no-match',
    message: '(9021 characters, too long to match (at most 8192)) does not match /(a+)+$/',
  },
  {
    from: 'policy builderIdRegexp',
    pattern: '^https://github\\.com/slsa-framework/',
    input: BUILDER,
    exit: 0,
    decision: 'match',
    message: `SLSA v1 provenance by ${BUILDER}`,
  },
  {
    from: 'policy builderIdRegexp',
    pattern: '^https://github\\.com/slsa-framework/',
    input: 'https://github.com/evil/slsa-framework/',
    exit: 1,
    decision: 'no-match',
    message: 'builder https://github.com/evil/slsa-framework/ does not match /^https://github\\.com/slsa-framework//',
  },
  {
    from: 'policy builderIdRegexp',
    pattern: '(a)\\1',
    input: 'aa',
    exit: 2,
    decision: 'refused',
    message: `(1 problem): /rules/provenance/builderIdRegexp: ${BACKREFERENCE}`,
  },
  {
    from: 'policy builderIdRegexp',
    pattern: '(?=a)',
    input: 'a',
    exit: 2,
    decision: 'refused',
    message: `/rules/provenance/builderIdRegexp: "(?=a)" ${RE2_REFUSES}: invalid or unsupported Perl syntax: \`(?=\` ${LOOKAROUND}`,
  },
  {
    from: 'policy builderIdRegexp',
    pattern: '^https://github.com/(unclosed',
    input: BUILDER,
    exit: 2,
    decision: 'refused',
    message: `/rules/provenance/builderIdRegexp: "^https://github.com/(unclosed" ${RE2_REFUSES}: missing closing ): \`^https://github.com/(unclosed\``,
  },

  {
    from: 'policy sourceRepositoryRegexp',
    pattern: '^https://github\\.com/acme/([a-z]+-?)*$',
    input: `https://github.com/acme/${A40}`,
    exit: 1,
    decision: 'no-match',
    message: `source repository https://github.com/acme/${A40} (externalParameters.workflow.repository) does not match`,
  },
  { from: 'policy sourceRepositoryRegexp', pattern: '^https://github\\.com/acme/', input: REPO, exit: 0, decision: 'match', message: `from ${REPO}` },
  {
    from: 'policy sourceRepositoryRegexp',
    pattern: '^https://github\\.com/acme/',
    input: 'https://github.com/acme-evil/app',
    exit: 1,
    decision: 'no-match',
    message: 'does not match /^https://github\\.com/acme//',
  },
  {
    from: 'policy sourceRepositoryRegexp',
    pattern: '(?<=acme)/app',
    input: REPO,
    exit: 2,
    decision: 'refused',
    message: `/rules/provenance/sourceRepositoryRegexp: "(?<=acme)/app" ${RE2_REFUSES}: invalid named capture: \`(?<=acme)/app\` ${LOOKAROUND}`,
  },

  {
    from: 'policy keyless identityRegexp',
    pattern: '(\\S+)+#',
    input: SLSA_IDENTITY,
    exit: 1,
    decision: 'no-match',
    message: `does not verify: identity-mismatch: in-toto attestation: certificate identity ${SLSA_IDENTITY} does not match /(\\S+)+#/`,
  },
  {
    from: 'policy keyless identityRegexp',
    pattern: '^https://github\\.com/slsa-framework/slsa-github-generator/',
    input: SLSA_IDENTITY,
    exit: 0,
    decision: 'match',
    message: `signed by ${SLSA_IDENTITY}`,
  },
  {
    from: 'policy keyless identityRegexp',
    pattern: '(a)\\1',
    input: SLSA_IDENTITY,
    exit: 2,
    decision: 'refused',
    message: `/rules/provenance/keyless/0/identityRegexp: ${BACKREFERENCE}`,
  },
  {
    from: 'policy keyless issuerRegexp',
    pattern: '([\\w.:/]+)+!$',
    input: GITHUB_ISSUER,
    exit: 1,
    decision: 'no-match',
    message: `certificate OIDC issuer ${GITHUB_ISSUER} does not match /([\\w.:/]+)+!$/`,
  },
  {
    from: 'policy keyless issuerRegexp',
    pattern: '^https://token\\.actions\\.githubusercontent\\.com$',
    input: GITHUB_ISSUER,
    exit: 0,
    decision: 'match',
    message: `(issuer ${GITHUB_ISSUER})`,
  },
  {
    from: 'policy keyless issuerRegexp',
    pattern: '(?!x)',
    input: GITHUB_ISSUER,
    exit: 2,
    decision: 'refused',
    message: `/rules/provenance/keyless/0/issuerRegexp: "(?!x)" ${RE2_REFUSES}: invalid or unsupported Perl syntax: \`(?!\` ${LOOKAROUND}`,
  },

  {
    from: 'verify-evidence --certificate-identity-regexp',
    pattern: '(a+)+$',
    input: LOCAL_SAN,
    exit: 1,
    decision: 'no-match',
    message: `identity-mismatch in-toto attestation: certificate identity ${LOCAL_SAN} does not match /(a+)+$/`,
  },
  {
    from: 'verify-evidence --certificate-identity-regexp',
    pattern: '^https://ci\\.acme\\.test/(a+)+!$',
    input: LOCAL_SAN,
    exit: 0,
    decision: 'match',
    message: 'VERIFIED',
  },
  {
    from: 'verify-evidence --certificate-identity-regexp',
    pattern: '(a)\\1',
    input: LOCAL_SAN,
    exit: 2,
    decision: 'refused',
    message: `custody: --certificate-identity-regexp ${BACKREFERENCE}`,
  },
  {
    from: 'verify-evidence --certificate-identity-regexp',
    pattern: '[',
    input: LOCAL_SAN,
    exit: 2,
    decision: 'refused',
    message: `custody: --certificate-identity-regexp "[" ${RE2_REFUSES}: missing closing ]: \`[\``,
  },
  {
    from: 'verify-evidence --certificate-oidc-issuer-regexp',
    pattern: '([\\w.:/]+)+!$',
    input: LOCAL_ISSUER,
    exit: 1,
    decision: 'no-match',
    message: `certificate OIDC issuer ${LOCAL_ISSUER} does not match /([\\w.:/]+)+!$/`,
  },
  {
    from: 'verify-evidence --certificate-oidc-issuer-regexp',
    pattern: '(?<=x)y',
    input: LOCAL_ISSUER,
    exit: 2,
    decision: 'refused',
    message: `custody: --certificate-oidc-issuer-regexp "(?<=x)y" ${RE2_REFUSES}: invalid named capture: \`(?<=x)y\` ${LOOKAROUND}`,
  },

  // The real slsa-verifier image also carries an invalid BuildKit attestation: archive exits 1 either way; the signatures tell.
  {
    from: 'archive --certificate-identity-regexp',
    pattern: '(\\S+)+#',
    input: SLSA_IDENTITY,
    exit: 1,
    decision: 'no-match',
    message: `and 1 signature(s) failed; first: cosign-tag`,
  },
  {
    from: 'archive --certificate-identity-regexp',
    pattern: '(\\S+)+#',
    input: SLSA_IDENTITY,
    exit: 1,
    decision: 'no-match',
    message: `certificate identity ${SLSA_IDENTITY} does not match /(\\S+)+#/`,
  },
  {
    from: 'archive --certificate-identity-regexp',
    pattern: '^https://github\\.com/slsa-framework/',
    input: SLSA_IDENTITY,
    exit: 0,
    decision: 'match',
    message: 'valid   verified  evidence/attestation-dsse-e163b472f2e5.json',
  },
  {
    from: 'archive --certificate-identity-regexp',
    pattern: '(?=a)',
    input: SLSA_IDENTITY,
    exit: 2,
    decision: 'refused',
    message: `custody: --certificate-identity-regexp "(?=a)" ${RE2_REFUSES}`,
  },

  {
    from: 'verify --certificate-identity-regexp',
    pattern: '(\\S+)+#',
    input: SLSA_IDENTITY,
    exit: 1,
    decision: 'no-match',
    message: `does not match /(\\S+)+#/`,
  },
  {
    from: 'verify --certificate-identity-regexp',
    pattern: '^https://github\\.com/slsa-framework/',
    input: SLSA_IDENTITY,
    exit: 0,
    decision: 'match',
    message: '',
  },
  {
    from: 'verify --certificate-identity-regexp',
    pattern: '(a)\\1',
    input: SLSA_IDENTITY,
    exit: 2,
    decision: 'refused',
    message: `custody: --certificate-identity-regexp ${BACKREFERENCE}`,
  },

  // A bundle received by an auditor, manifests and checksums forged to record a hostile constraint.
  {
    from: 'archived certificateIdentityRegexp',
    pattern: '(\\S+)+#',
    input: SLSA_IDENTITY,
    exit: 1,
    decision: 'no-match',
    message: 'was verified at archive time but fails now: identity-mismatch',
  },
  {
    from: 'archived certificateIdentityRegexp',
    pattern: '(?=a)',
    input: SLSA_IDENTITY,
    exit: 1,
    decision: 'refused',
    message: `was verified at archive time but cannot be checked again: --certificate-identity-regexp "(?=a)" ${RE2_REFUSES}`,
  },
];

const key = makeKey();
const bundleFor = provenanceBundles(key);
const DATE = '2026-06-15';
const SLSA_REF = `oci:${SLSA_LAYOUT}@${SLSA_IMAGE}`;
const GITHUB_TRUST = ['--trusted-root', PUBLIC_GOOD_ROOT, '--certificate-oidc-issuer', GITHUB_ISSUER];
const keyless = keylessAttestation(LOCAL_SAN, LOCAL_ISSUER);
/** The real keyless slsa-verifier layout archived without trust flags, and once with an identity regexp recorded. */
let plainRoot: string;
let constrainedRoot: string;

async function archiveSlsa(flags: string[]): Promise<{ root: string; result: CliResult }> {
  const root = await tempDir('custody-regex-archive-');
  return { root, result: await runCli(['archive', SLSA_REF, '--root', root, '--date', DATE, ...flags]) };
}

function verifyEvidence(flags: string[]): Promise<CliResult> {
  return runCli([
    'verify-evidence',
    keyless.envelope,
    '--digest',
    keyless.digest,
    '--annotations',
    keyless.annotations,
    '--trusted-root',
    keyless.trustedRoot,
    ...flags,
  ]);
}

async function run(row: Row): Promise<CliResult> {
  switch (row.from) {
    case 'policy builderIdRegexp':
      return runCli(['gate', '--bundle', await bundleFor(row.input, REPO), '--policy', await provenancePolicy(key, { builderIdRegexp: row.pattern })]);
    case 'policy sourceRepositoryRegexp':
      return runCli([
        'gate',
        '--bundle',
        await bundleFor(BUILDER, row.input),
        '--policy',
        await provenancePolicy(key, { sourceRepositoryRegexp: row.pattern }),
      ]);
    case 'policy keyless identityRegexp':
      return runCli(['gate', SLSA_REF, '--policy', await keylessPolicy(PUBLIC_GOOD_ROOT, { identityRegexp: row.pattern, issuer: GITHUB_ISSUER })]);
    case 'policy keyless issuerRegexp':
      return runCli(['gate', SLSA_REF, '--policy', await keylessPolicy(PUBLIC_GOOD_ROOT, { identity: SLSA_IDENTITY, issuerRegexp: row.pattern })]);
    case 'verify-evidence --certificate-identity-regexp':
      return verifyEvidence(['--certificate-identity-regexp', row.pattern, '--certificate-oidc-issuer', LOCAL_ISSUER]);
    case 'verify-evidence --certificate-oidc-issuer-regexp':
      return verifyEvidence(['--certificate-identity', LOCAL_SAN, '--certificate-oidc-issuer-regexp', row.pattern]);
    case 'archive --certificate-identity-regexp':
      return (await archiveSlsa([...GITHUB_TRUST, '--certificate-identity-regexp', row.pattern])).result;
    case 'verify --certificate-identity-regexp':
      return runCli(['verify', plainRoot, ...GITHUB_TRUST, '--certificate-identity-regexp', row.pattern]);
    case 'archived certificateIdentityRegexp':
      return runCli(['verify', await withRecordedPattern(constrainedRoot, DATE, row.pattern)]);
  }
}

describe('hostile regular expressions, through the CLI', () => {
  beforeAll(async () => {
    plainRoot = (await archiveSlsa([])).root;
    const constrained = await archiveSlsa([...GITHUB_TRUST, '--certificate-identity-regexp', '^https://github\\.com/slsa-framework/']);
    // The signature verifies and the BuildKit provenance is valid with its recorded deviation: a clean run.
    expect(constrained.result.code, constrained.result.stderr).toBe(0);
    constrainedRoot = constrained.root;
  });

  it.each(ROWS)('$from $pattern: exit $exit', async (row) => {
    const { code, stdout, stderr } = await run(row);
    expect({ code, stderr: code === 0 ? stderr : '' }, stdout).toEqual({ code: row.exit, stderr: '' });
    if (row.exit !== 0) expect(stderr).toMatch(/^custody: [^\n]+\n$/);
    expect(stderr + stdout).toContain(row.message);
  });
});

describe('hostile regular expressions, at unit level (src/lib/pattern.ts)', () => {
  it.each(ROWS)('$from $pattern: exit $exit', (row) => {
    if (row.decision === 'refused') {
      expect(() => compilePattern(row.pattern)).toThrow(PatternError);
      return;
    }
    expect(compilePattern(row.pattern).test(row.input)).toBe(row.decision === 'match');
  });
});
