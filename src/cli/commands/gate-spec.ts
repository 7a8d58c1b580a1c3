import { GATE_FORMATS } from '../flag-types.js';
import { REGISTRY_FLAGS } from '../flags.js';
import { commandSpec, optional } from '../specs.js';

export { GATE_FORMATS };

/**
 * `custody gate` flags, apart from the code that runs it (src/cli/commands/gate.ts)
 * so that parsing and --help load nothing heavy.
 */
export const gateCommand = commandSpec(
  'gate',
  'decide a release: check an image (live, or an archived --bundle) against a policy; exit 0 pass, 1 fail, 2 bad policy or usage, 3 evidence unobtainable',
  {
    ...REGISTRY_FLAGS,
    bundle: 'decide from an archived image folder (…/images/<registry>/<repo>/sha256-<hex>) instead; it is verified first',
    policy: { describe: 'policy file (YAML or JSON, apiVersion custody/v1; see docs/gate.md)', demand: true },
    format: 'report format (default text; json with --json)',
    output: 'write the report to FILE (atomically); stdout then gets the text table',
    strict: 'known producer deviations (BuildKit, GCB, …) count as problems: the evidence is invalid',
  },
  { positionals: [optional('ref', 'image reference to collect live (registry/repo[:tag][@sha256:…] or oci:PATH[:tag|@sha256:…])')] },
);
