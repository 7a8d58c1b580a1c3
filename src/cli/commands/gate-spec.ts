import type { Argv } from 'yargs';
import { registryOptions } from '../flags.js';

/** Report formats of `custody gate` (src/gate/output/render.ts renders each). */
export const GATE_FORMATS = ['text', 'json', 'junit', 'sarif', 'markdown'] as const;

/**
 * `custody gate` flags, apart from the code that runs it (src/cli/commands/gate.ts)
 * so that parsing and --help load nothing heavy.
 */
export const gateCommand = {
  command: 'gate [ref]',
  describe: 'decide a release: check an image (live, or an archived --bundle) against a policy; exit 0 pass, 1 fail, 2 bad policy or usage, 3 evidence unobtainable',
  builder: (y: Argv) =>
    registryOptions(y)
      .positional('ref', { type: 'string', describe: 'image reference to collect live (registry/repo[:tag][@sha256:…] or oci:PATH[:tag|@sha256:…])' })
      .option('bundle', { type: 'string', describe: 'decide from an archived image folder (…/images/<registry>/<repo>/sha256-<hex>) instead; it is verified first' })
      .option('policy', { type: 'string', demandOption: true, describe: 'policy file (YAML or JSON, apiVersion custody/v1; see docs/gate.md)' })
      .option('format', { type: 'string', choices: [...GATE_FORMATS], describe: 'report format (default text; json with --json)' })
      .option('output', { type: 'string', describe: 'write the report to FILE (atomically); stdout then gets the text table' })
      .option('strict', { type: 'boolean', default: false, describe: 'known producer deviations (BuildKit, GCB, …) count as problems: the evidence is invalid' }),
};
