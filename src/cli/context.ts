import type { Collector } from '../archive/archive.js';
import { CustodyError } from '../errors.js';

/**
 * What commands need from outside the pure core, created on demand so that
 * `--no-discover` and `verify` never load the registry client.
 */
export interface CommandContext {
  collector(): Promise<Collector>;
}

export const defaultContext: CommandContext = {
  async collector() {
    return async () => {
      throw new CustodyError('USAGE', 'collecting from registries and layouts is not available in this build; use --no-discover with --evidence');
    };
  },
};
